"""Thai QR bill payment payload: parsed back field by field, its CRC checked
with the standard library's CRC-CCITT (an independent implementation)."""

import binascii
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from payments import thaiqr
from payments.services import request_quote_fees
from requests_app import services as rs
from tests import factories


def parse(text: str) -> dict:
    """EMVCo TLV: two-digit tag, two-digit length, value."""
    out, i = {}, 0
    while i < len(text):
        tag, length = text[i : i + 2], int(text[i + 2 : i + 4])
        out[tag] = text[i + 4 : i + 4 + length]
        i += 4 + length
    return out


def test_the_crc_is_crc16_ccitt_false():
    assert thaiqr.crc16_ccitt(b"123456789") == 0x29B1  # the published check value


@given(
    ref1=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=20),
    ref2=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=20),
    satang=st.integers(min_value=1, max_value=99_999_999),
)
def test_every_field_parses_back_and_the_crc_holds(ref1, ref2, satang):
    amount = Decimal(satang) / 100
    payload = thaiqr.payload(
        biller_id="099400016551001", ref1=ref1, ref2=ref2, amount=amount
    )
    fields = parse(payload)
    assert list(fields) == ["00", "01", "30", "53", "54", "58", "63"]
    assert (fields["00"], fields["01"], fields["53"], fields["58"]) == (
        "01", "12", "764", "TH",
    )  # fmt: skip
    assert Decimal(fields["54"]) == amount
    merchant = parse(fields["30"])
    assert merchant == {
        "00": "A000000677010112", "01": "099400016551001", "02": ref1, "03": ref2,
    }  # fmt: skip
    body = payload[:-4]
    assert body.endswith("6304")
    assert fields["63"] == f"{binascii.crc_hqx(body.encode(), 0xFFFF):04X}"


def test_references_are_letters_and_digits_of_at_most_20():
    assert thaiqr.reference("nc69-000001") == "NC69000001"
    with pytest.raises(ValueError):
        thaiqr.reference("X" * 21)


@pytest.mark.django_db
def test_the_invoice_page_shows_the_qr_and_the_counter_barcode_line(
    client, customer, office, counter, settings
):
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    invoice = request_quote_fees(request=r, user=counter)
    client.force_login(customer)
    html = client.get(reverse("requests:detail", args=[r.reference])).content.decode()
    qr = thaiqr.for_invoice(invoice)
    assert "<svg" in html and qr["ref1"] in html
    assert qr["ref1"] == invoice.number.removeprefix("INV").replace("-", "")
    fields = parse(qr["payload"])
    assert Decimal(fields["54"]) == invoice.total
    assert parse(fields["30"])["01"] == settings.PEA_BILLER_ID
    line = qr["barcode"].split("\r")
    assert line == [
        f"|{settings.PEA_BILLER_ID}", qr["ref1"], qr["ref2"], str(int(invoice.total * 100)),
    ]  # fmt: skip


@pytest.mark.tools("pdftotext")
@pytest.mark.django_db
def test_the_printable_invoice_carries_the_same_qr_payment(
    client, customer, office, counter, other_customer
):
    import subprocess

    from payments.receipts import invoice_render_one, render_invoice_pdf

    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    invoice = request_quote_fees(request=r, user=counter)
    url = reverse("payments:invoice_pdf", args=[invoice.number])
    client.force_login(customer)
    assert client.get(url).status_code == 202  # the task has not run yet
    assert invoice_render_one(invoice_id=invoice.pk)
    client.force_login(other_customer)
    assert client.get(url).status_code == 404
    client.force_login(counter)
    response = client.get(url)
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    qr = thaiqr.for_invoice(invoice)
    assert invoice.number in text and qr["ref1"] in text and qr["ref2"] in text
    assert f"{invoice.total:,.2f}" in text
    assert render_invoice_pdf(invoice)[:4] == b"%PDF"

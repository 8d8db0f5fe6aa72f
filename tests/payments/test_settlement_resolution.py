"""What finance does with a settlement file's discrepancies: a bank line we
have no payment for is posted as the invoice's payment (once, after review);
money collected twice or too much becomes an over-payment refund with its
own approval, number and printable voucher."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import ServiceError
from core.thai_words import baht_words
from payments import settlement as s
from payments.models import Invoice, Payment, Receipt, Refund, SettlementRow
from payments.services import (
    deposit_record_meter_removal,
    deposit_settle,
    refund_approve,
    refund_record_paid_out,
    request_quote_fees,
    settlement_reconcile,
    settlement_row_post,
    settlement_row_refund,
    settlement_upload,
)
from payments.vouchers import voucher_render_one
from requests_app import services as rs
from tests import factories
from tests.payments.test_receipts import _flat, _text
from tests.payments.test_settlement import _line, _paid_online

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Refusals are matched by their English text."""
    with translation.override("en"):
        yield


def _unpaid(customer, office, counter) -> Invoice:
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    return request_quote_fees(request=r, user=counter)


def _bank_line(invoice, *, amount=None, paid_at=None):
    return s.Line(
        seq=0, paid_at=paid_at or timezone.now() - timedelta(hours=3), name="SOMCHAI",
        ref1=invoice.payment_ref, ref2="", channel="ATM",
        amount=invoice.total if amount is None else amount,
    )  # fmt: skip


def _uploader(supervisor):
    """A second supervisor of the same office: the one who uploads the file
    (four eyes: who uploads it never posts or refunds its lines)."""
    from accounts.models import User

    return User.objects.filter(username="faye").first() or factories.StaffFactory(
        username="faye", role="supervisor", office=supervisor.office
    )


def _report(lines, supervisor) -> dict:
    """A file of these lines, imported by another supervisor of the office
    than `supervisor`; its rows by result."""
    data = s.write(bank="014", account="1234567890", effective=timezone.localdate(),
                   lines=lines)  # fmt: skip
    settlement = settlement_upload(filename="day.txt", data=data,
                                   user=_uploader(supervisor), schedule=False)  # fmt: skip
    settlement_reconcile(settlement_id=settlement.pk)
    rows = {}
    for row in settlement.rows.order_by("id"):
        rows.setdefault(row.result, []).append(row)
    return rows


def test_a_thai_qr_payment_the_bank_has_and_we_missed_is_posted_once(
    customer, office, counter, supervisor
):
    invoice = _unpaid(customer, office, counter)
    before = invoice.request.state
    paid_at = timezone.now().replace(microsecond=0) - timedelta(hours=5)
    row = _report([_bank_line(invoice, paid_at=paid_at)], supervisor)["missing_here"][0]

    payment = settlement_row_post(row=row, user=supervisor)

    invoice.refresh_from_db()
    assert invoice.status == "paid" and payment.invoice == invoice
    assert payment.received_at == paid_at  # the bank's time, not ours
    assert payment.provider_txn == f"BANK-014-{timezone.localdate():%Y%m%d}-2"
    assert Receipt.objects.get(payment=payment).total == invoice.total
    invoice.request.refresh_from_db()
    assert (before, invoice.request.state) == ("fees_quoted", "paid")
    row.refresh_from_db()
    assert (row.resolution, row.payment, row.resolved_by) == (
        "posted",
        payment,
        supervisor,
    )
    with pytest.raises(ServiceError, match="dealt with already"):
        settlement_row_post(row=row, user=supervisor)
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_posting_refuses_what_does_not_fit_and_changes_nothing(
    customer, office, counter, supervisor
):
    invoice = _unpaid(customer, office, counter)
    ghost = s.Line(seq=0, paid_at=timezone.now(), name="X", ref1="B999992569999999",
                   ref2="", amount=Decimal("50.00"), channel="ATM")  # fmt: skip
    rows = _report(
        [_bank_line(invoice, amount=invoice.total + Decimal("1.00")), ghost], supervisor
    )["missing_here"]
    with pytest.raises(ServiceError, match="is for"):
        settlement_row_post(row=rows[0], user=supervisor)
    with pytest.raises(ServiceError, match="reference"):
        settlement_row_post(row=rows[1], user=supervisor)
    # An unpaid invoice's line is posted, not refunded.
    with pytest.raises(ServiceError, match="unpaid"):
        settlement_row_refund(row=rows[0], user=supervisor)
    with pytest.raises(PermissionDenied):
        settlement_row_post(row=rows[0], user=counter)
    assert not Payment.objects.exists()
    assert not SettlementRow.objects.exclude(resolution="").exists()
    assert Invoice.objects.get(pk=invoice.pk).status == "unpaid"


def test_money_collected_twice_or_too_much_becomes_an_overpayment_refund(
    customer, office, counter, supervisor
):
    twice, more = _paid_online(customer, office, counter, 2)
    rows = _report(
        [
            _line(twice),
            _line(twice),
            _line(more, amount=more.amount + Decimal("10.00")),
        ],
        supervisor,
    )
    duplicate = settlement_row_refund(row=rows["duplicate"][0], user=supervisor)
    extra = settlement_row_refund(row=rows["amount_mismatch"][0], user=supervisor)

    assert (duplicate.kind, duplicate.amount, duplicate.status) == (
        "overpayment", twice.amount, "due",
    )  # fmt: skip
    assert duplicate.request == twice.invoice.request
    assert twice.invoice.number in duplicate.shown_reason
    assert (extra.amount, extra.request) == (Decimal("10.00"), more.invoice.request)
    with pytest.raises(ServiceError, match="dealt with already"):
        settlement_row_refund(row=rows["duplicate"][0], user=supervisor)
    assert Refund.objects.count() == 2
    # Matched lines have nothing to do.
    with pytest.raises(ServiceError, match="Nothing"):
        settlement_row_refund(row=rows["matched"][0], user=supervisor)

    # Paid out only after a supervisor's approval, by staff of the office.
    with pytest.raises(ServiceError, match="approve"):
        refund_record_paid_out(refund=duplicate, user=counter)
    duplicate = refund_approve(refund=duplicate, user=_uploader(supervisor))
    assert duplicate.number.startswith(f"RF{office.code}-")
    paid = refund_record_paid_out(refund=duplicate, user=counter)
    assert (paid.status, paid.paid_by) == ("paid", counter)
    with pytest.raises(ServiceError):
        refund_record_paid_out(refund=duplicate, user=counter)


@pytest.mark.tools("pdftotext")
def test_the_refund_voucher_pdf_says_who_gets_how_much(
    customer, office, counter, supervisor
):
    (payment,) = _paid_online(customer, office, counter, 1)
    row = _report([_line(payment), _line(payment)], supervisor)["duplicate"][0]
    refund = refund_approve(refund=settlement_row_refund(row=row, user=supervisor),
                            user=_uploader(supervisor))  # fmt: skip
    assert voucher_render_one(refund_id=refund.pk) is True
    assert voucher_render_one(refund_id=refund.pk) is False  # once
    refund.refresh_from_db()
    text = _text(refund.pdf)
    assert _flat("ใบสำคัญจ่ายเงินคืน") in text and "Refundvoucher" in text
    assert refund.number in text
    assert f"{refund.amount:,.2f}" in text
    assert _flat(baht_words(refund.amount)) in text
    assert _flat(customer.get_full_name()) in text
    assert payment.invoice.request.reference in text


@pytest.mark.tools("pdftotext")
def test_a_deposit_voucher_shows_the_deposit_less_the_final_bill(
    customer, office, counter, technician, supervisor
):
    account = factories.account_for(customer, office, deposit="300.00")
    r = factories.submit_account_request(service_code="deposit-refund", account=account)
    r = deposit_record_meter_removal(
        request=rs.request_accept(request=r, user=counter), user=technician,
        final_reading=Decimal("10.0"),
    )  # fmt: skip
    deposit_settle(request=r, user=counter, final_bill=Decimal("120.50"))
    refund = Refund.objects.get(request=r)
    assert refund.kind == "deposit"
    refund = refund_approve(refund=refund, user=supervisor)
    voucher_render_one(refund_id=refund.pk)
    refund.refresh_from_db()
    text = _text(refund.pdf)
    assert "300.00" in text and "120.50" in text and "179.50" in text
    assert _flat("เงินสด") in text


def test_the_voucher_is_for_the_customer_and_the_office_only(
    client, customer, other_customer, office, counter, supervisor, offices
):
    (payment,) = _paid_online(customer, office, counter, 1)
    row = _report([_line(payment), _line(payment)], supervisor)["duplicate"][0]
    refund = refund_approve(refund=settlement_row_refund(row=row, user=supervisor),
                            user=_uploader(supervisor))  # fmt: skip
    url = reverse("payments:refund_voucher", args=[refund.number])
    client.force_login(customer)
    assert client.get(url).status_code == 202  # not rendered yet: "being prepared"
    voucher_render_one(refund_id=refund.pk)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"
    stranger = factories.StaffFactory(username="olga", role="counter",
                                      office=offices["other_branch"])  # fmt: skip
    for user in (other_customer, stranger):
        client.force_login(user)
        assert client.get(url).status_code == 404
    # The customer's request page links it.
    client.force_login(customer)
    page = client.get(
        reverse("requests:detail", args=[payment.invoice.request.reference])
    )
    assert f'data-voucher="{refund.number}"' in page.content.decode()


def test_finance_posts_and_refunds_from_the_report_page(
    client, customer, office, counter, supervisor
):
    invoice = _unpaid(customer, office, counter)
    (paid,) = _paid_online(customer, office, counter, 1)
    rows = _report([_bank_line(invoice), _line(paid), _line(paid)], supervisor)
    missing, duplicate = rows["missing_here"][0], rows["duplicate"][0]
    report = reverse("staff:settlement", args=[missing.settlement_id])

    client.force_login(supervisor)
    html = client.get(report).content.decode()
    assert (
        f'data-post="{missing.pk}"' in html and f'data-refund="{duplicate.pk}"' in html
    )
    response = client.post(
        reverse("staff:settlement_row", args=[missing.pk, "post"]),
        {"result": "missing_here"},
    )
    assert (
        response.status_code == 302 and response.url == f"{report}?result=missing_here"
    )
    response = client.post(
        reverse("staff:settlement_row", args=[duplicate.pk, "refund"])
    )
    assert response.status_code == 302
    html = client.get(report).content.decode()
    assert f'data-post="{missing.pk}"' not in html  # dealt with: no button again
    assert Invoice.objects.get(pk=invoice.pk).status == "paid"
    assert Refund.objects.get(kind="overpayment").amount == paid.amount
    # A second click reports, it does not double.
    client.post(reverse("staff:settlement_row", args=[missing.pk, "post"]), follow=True)
    assert Payment.objects.filter(invoice=invoice).count() == 1

    # Counter staff may not touch the bank lines.
    client.force_login(counter)
    assert (
        client.post(
            reverse("staff:settlement_row", args=[duplicate.pk, "refund"])
        ).status_code
        == 404
    )
    # The refunds page offers the approved over-payment's pay-out and voucher.
    refund = refund_approve(refund=Refund.objects.get(kind="overpayment"),
                            user=_uploader(supervisor))  # fmt: skip
    html = client.get(reverse("staff:refunds") + "?status=approved").content.decode()
    assert (
        f'data-paid-out="{refund.pk}"' in html
        and f'data-voucher="{refund.number}"' in html
    )
    client.post(reverse("staff:refund_paid_out", args=[refund.pk]))
    assert Refund.objects.get(pk=refund.pk).status == "paid"


def test_the_report_offers_only_what_each_line_allows(
    client, customer, office, counter, supervisor
):
    (paid,) = _paid_online(customer, office, counter, 1)
    (short,) = _paid_online(customer, office, counter, 1)
    ghost = s.Line(seq=0, paid_at=timezone.now(), name="X", ref1="B999992569999999",
                   ref2="", amount=Decimal("50.00"), channel="ATM")  # fmt: skip
    rows = _report(
        [_line(paid), ghost, _line(short, amount=short.amount - Decimal("1.00"))],
        supervisor,
    )
    client.force_login(supervisor)
    client.cookies["pea_language"] = "en"
    html = client.get(
        reverse("staff:settlement", args=[rows["matched"][0].settlement_id])
    ).content.decode()
    # No invoice has the ghost's reference: the bank returns it; the bank
    # collected less than we did: nothing to refund.
    assert "data-post=" not in html
    assert "the bank returns the money" in html
    assert f'data-refund="{rows["amount_mismatch"][0].pk}"' not in html
    assert f'data-refund="{rows["missing_here"][0].pk}"' not in html

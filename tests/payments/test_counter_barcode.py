"""The counter's Code 128 barcode of the bill-payment line (core/code128.py), on
the invoice page and in its PDF: rasterised (pdftoppm) and read back by an
independent decoder (zxing-cpp), it gives the line exactly, carriage returns
included."""

import io
import re
import subprocess

import pytest
import zxingcpp
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from core.code128 import code128_svg
from payments import thaiqr
from payments.services import request_quote_fees
from requests_app import services as rs
from tests import factories


def decode_png(png: bytes) -> list[tuple[str, str]]:
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return [(result.format.name, result.text) for result in found]


def raster(pdf: bytes, dpi: int = 300) -> bytes:
    """The first page of `pdf` as a PNG (poppler's pdftoppm)."""
    return subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout


def svg_to_png(svg: str) -> bytes:
    """An inline SVG drawn by WeasyPrint on a strip as wide as the invoice's A4
    page and its 16 mm margins (static/css/pdf/base.css), rasterised. The
    longest line (two 20-letter references, 8 digits: 176 mm at 0.25 mm a
    module) fits its 178 mm."""
    from payments.pdf import html_to_pdf

    page = "<style>@page { size: 210mm 30mm; margin: 5mm 16mm }</style>"
    return raster(html_to_pdf(f"<!doctype html>{page}<body>{svg}", stylesheets=()))


@pytest.fixture
def invoice(customer, office, counter):
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    return request_quote_fees(request=r, user=counter)


@pytest.mark.tools("pdftoppm")
@settings(max_examples=5, deadline=None)
@given(
    ref1=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=20),
    ref2=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=20),
    satang=st.integers(min_value=1, max_value=99_999_999),
)
def test_any_bill_payment_line_reads_back(ref1, ref2, satang):
    line = f"|099400016551001\r{ref1}\r{ref2}\r{satang}"
    assert decode_png(svg_to_png(code128_svg(line))) == [("Code128", line)]


def test_the_svg_draws_with_attributes_only_and_scales():
    svg = code128_svg("|0994\r1\r2\r3", label="Counter <barcode>")
    assert "style=" not in svg  # the CSP (style-src 'self') refuses style attributes
    assert re.search(r'viewBox="0 0 \d+ 48"', svg)
    assert 'role="img" aria-label="Counter &lt;barcode&gt;"' in svg
    assert 'aria-hidden="true"' in code128_svg("1")


@pytest.mark.tools("pdftoppm")
@pytest.mark.django_db
def test_the_invoice_page_carries_the_counter_barcode(client, customer, invoice):
    client.force_login(customer)
    html = client.get(
        reverse("requests:detail", args=[invoice.request.reference])
    ).content.decode()
    figure = re.search(r'<figure class="barcode-line">(.*?)</figure>', html, re.S)
    assert figure, "no counter barcode on the invoice"
    svg = re.search(r"<svg .*?</svg>", figure.group(1), re.S).group(0)
    assert 'role="img" aria-label="' in svg
    line = thaiqr.for_invoice(invoice)["barcode"]
    assert decode_png(svg_to_png(svg)) == [("Code128", line)]
    # the line as text under it, the carriage returns as spaces
    assert f"<code>{line.replace(chr(13), ' ')}</code>" in figure.group(1)
    assert 'class="thaiqr-code" role="img" aria-label=' in html


@pytest.mark.tools("pdftoppm", "pdftotext")
@pytest.mark.django_db
def test_the_printable_invoice_carries_the_counter_barcode(invoice):
    from payments.receipts import render_invoice_pdf

    pdf = render_invoice_pdf(invoice)
    line = thaiqr.for_invoice(invoice)["barcode"]
    found = decode_png(raster(pdf))
    assert ("Code128", line) in found  # beside the Thai QR (found too)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert line.replace("\r", " ") in text

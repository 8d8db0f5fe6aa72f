"""How the printable documents are drawn (issue 8: a receipt in tens of
milliseconds, not hundreds): the QR code as one small sharp image of the same
code as before, the same fonts as WeasyPrint's plain Thai page, the font set-up
and stylesheets kept per worker thread, and a header that holds together."""

import base64
import io
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from core.qr import qr_svg
from payments import pdf
from payments.receipts import _for_render, render_pdf, verify_url
from tests.payments.test_receipts import _flat, _invoice, _pay


def _modules_of_svg(svg: str, box_mm: float) -> set[tuple[int, int]]:
    """The dark modules of core.qr.qr_svg's path: one square a module."""
    starts = re.findall(r"M([\d.]+),([\d.]+)", svg)
    return {(round(float(x) / box_mm), round(float(y) / box_mm)) for x, y in starts}


def test_the_qr_image_is_the_code_the_svg_drew():
    data = "https://smartplus.example/payments/receipts/verify/RCB111-2569-000001/ab/"
    uri = pdf.qr_png_uri(data)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    size = image.width // 8
    assert image.size == (size * 8, size * 8)
    dark = {
        (x, y)
        for y in range(size)
        for x in range(size)
        if image.getpixel((x * 8 + 4, y * 8 + 4)) < 128
    }
    assert dark == _modules_of_svg(qr_svg(data, box_size=6), 0.6)


def _run(tool: str, data: bytes, tmp_path) -> str:
    """pdfimages -list, pdffonts or pdftotext -layout of a PDF."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    args = {
        "pdfimages": ["pdfimages", "-list", path],
        "pdffonts": ["pdffonts", path],
        "pdftotext": ["pdftotext", "-layout", path, "-"],
    }[tool]
    return subprocess.run(args, capture_output=True, check=True).stdout.decode()


@pytest.mark.django_db
def test_the_receipt_draws_its_qr_as_one_sharp_image_in_the_floor_fonts(
    customer, office, counter, tmp_path
):
    receipt = _pay(_invoice(customer, office, counter), counter).receipts.get()
    data = render_pdf(_for_render(receipt.pk).get(), copy=False)
    images = _run("pdfimages", data, tmp_path).splitlines()[2:]
    assert len(images) == 1
    width, height, interpolate = (images[0].split()[i] for i in (3, 4, 9))
    assert (width, height, interpolate) == ("392", "392", "no")  # 49 modules x 8
    fonts = [line.split()[0] for line in _run("pdffonts", data, tmp_path).splitlines()]
    assert {name.split("+")[-1] for name in fonts[2:]} == {"Garuda", "Garuda-Bold"}
    assert verify_url(receipt) in _run("pdftotext", data, tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "office_name",
    ["กฟส.สาขาหนึ่ง", "การไฟฟ้าส่วนภูมิภาคอำเภอบางบัวทอง จังหวัดนนทบุรี สาขาย่อยที่สาม"],
)
def test_the_heading_stays_beside_the_brand(
    customer, office, counter, tmp_path, office_name
):
    receipt = _for_render(
        _pay(_invoice(customer, office, counter), counter).receipts.get().pk
    ).get()
    receipt.office.name_th = office_name
    text = _run("pdftotext", render_pdf(receipt, copy=False), tmp_path)
    first = _flat(text.strip().splitlines()[0])
    assert _flat("การไฟฟ้าส่วนภูมิภาค") in first
    assert _flat("ใบเสร็จรับเงิน / ใบกำกับภาษี") in first  # one line, at the right


def test_each_thread_keeps_one_font_set_up_and_the_parsed_stylesheets():
    html = '<html lang="th"><body><p>ใบเสร็จรับเงิน</p></body></html>'

    def render():
        pdf.html_to_pdf(html, stylesheets=("base", "receipt"))
        return pdf._local.font_config, pdf._local.stylesheets["receipt"]

    first = render()
    assert render() == first  # the same objects, not new ones
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(render).result()
    assert other[0] is not first[0]  # a Pango font map is not shared by threads

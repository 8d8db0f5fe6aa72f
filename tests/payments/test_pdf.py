"""How the printable documents are drawn (issue 8: a receipt in tens of
milliseconds, not hundreds): the QR code as one small sharp image of the same
code as before, the font set-up and stylesheets kept per worker thread, and a
header that holds together. And (issue 15) in Sarabun shipped with the project
(static/fonts/), never the machine's Thai fonts: the documents are rendered
where fontconfig knows no Thai face (tests/bare_fonts.py)."""

import base64
import io
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from core.qr import qr_svg
from payments import pdf
from payments.models import Refund
from payments.receipts import (
    _for_render,
    invoice_document,
    receipt_document,
    render_pdf,
    verify_url,
)
from payments.vouchers import voucher_document
from tests import factories
from tests.bare_fonts import DEJAVU, BareFontsRenderer
from tests.conftest import skip_or_fail
from tests.payments.test_receipts import _flat, _invoice, _pay

# The faces static/css/pdf/base.css declares: Sarabun's Latin and Thai files as
# two families, regular and semi-bold (WeasyPrint names a face by its family).
SARABUN = {
    "SarabunLatin",
    "SarabunLatin-Semi-Bold",
    "SarabunThai",
    "SarabunThai-Semi-Bold",
}


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


def _fonts(data: bytes, tmp_path) -> set[str]:
    """The fonts a PDF embeds, by name, without the subset tag (ABCDEF+)."""
    lines = _run("pdffonts", data, tmp_path).splitlines()[2:]
    return {line.split()[0].split("+")[-1] for line in lines}


@pytest.fixture(scope="module")
def bare_fonts(tmp_path_factory):
    """A renderer whose fontconfig knows DejaVu alone (tests/bare_fonts.py)."""
    if not DEJAVU.is_dir():
        skip_or_fail(f"{DEJAVU} missing (Debian's fonts-dejavu-core)")
    renderer = BareFontsRenderer(tmp_path_factory.mktemp("bare-fonts"))
    yield renderer
    renderer.close()


@pytest.mark.tools("pdfimages", "pdffonts", "pdftotext")
@pytest.mark.django_db
def test_the_receipt_draws_its_qr_as_one_sharp_image_in_the_shipped_fonts(
    customer, office, counter, tmp_path
):
    receipt = _pay(_invoice(customer, office, counter), counter).receipts.get()
    data = render_pdf(_for_render(receipt.pk).get(), copy=False)
    images = _run("pdfimages", data, tmp_path).splitlines()[2:]
    assert len(images) == 1
    width, height, interpolate = (images[0].split()[i] for i in (3, 4, 9))
    assert (width, height, interpolate) == ("392", "392", "no")  # 49 modules x 8
    # Sarabun even here, where the machine's Garuda may be installed.
    assert _fonts(data, tmp_path) == SARABUN
    assert verify_url(receipt) in _run("pdftotext", data, tmp_path)


@pytest.mark.tools("pdffonts")
def test_the_bare_renderer_has_no_thai_font_of_its_own(tmp_path):
    """The check of the check: a Thai page without our stylesheets, rendered
    where fontconfig shows DejaVu alone, has no glyph for its Thai. In a
    renderer of its own: once a stylesheet has loaded Sarabun into a thread's
    font set-up, Pango finds it for any Thai text (payments.pdf keeps it)."""
    if not DEJAVU.is_dir():
        skip_or_fail(f"{DEJAVU} missing (Debian's fonts-dejavu-core)")
    renderer = BareFontsRenderer(tmp_path / "renderer")
    page = '<html lang="th"><body><p>ใบเสร็จรับเงิน</p></body></html>'
    try:
        data, warnings = renderer.render(pdf.PrintDocument(page, ()))
    finally:
        renderer.close()
    fonts = _fonts(data, tmp_path)
    assert fonts and all(name.startswith("DejaVu") for name in fonts)
    assert any(".notdef glyph" in warning for warning in warnings)


def _receipt(customer, office, counter):
    receipt = _pay(_invoice(customer, office, counter), counter).receipts.get()
    return receipt_document(_for_render(receipt.pk).get(), copy=True)


def _invoice_doc(customer, office, counter):
    return invoice_document(_invoice(customer, office, counter))


def _voucher(customer, office, counter):
    from payments.services import (
        deposit_record_meter_removal,
        deposit_settle,
        refund_approve,
    )
    from requests_app import services as rs

    technician = factories.StaffFactory(role="technician", office=office)
    supervisor = factories.StaffFactory(role="supervisor", office=office)
    account = factories.account_for(customer, office, deposit="300.00")
    r = factories.submit_account_request(service_code="deposit-refund", account=account)
    r = deposit_record_meter_removal(
        request=rs.request_accept(request=r, user=counter), user=technician,
        final_reading=Decimal("10.0"),
    )  # fmt: skip
    deposit_settle(request=r, user=counter, final_bill=Decimal("120.50"))
    refund = refund_approve(refund=Refund.objects.get(request=r), user=supervisor)
    return voucher_document(refund)


@pytest.mark.tools("pdffonts", "pdftotext")
@pytest.mark.django_db
@pytest.mark.parametrize(
    "document, heading",
    [
        (_receipt, "ใบเสร็จรับเงิน / ใบกำกับภาษี"),
        (_invoice_doc, "ใบแจ้งค่าใช้จ่าย"),
        (_voucher, "ใบสำคัญจ่ายเงินคืน"),
    ],
)
def test_documents_set_their_thai_in_the_shipped_sarabun_on_a_bare_machine(
    bare_fonts, customer, office, counter, tmp_path, document, heading
):
    data, warnings = bare_fonts.render(document(customer, office, counter))
    assert [w for w in warnings if ".notdef" in w] == []  # every glyph drawn
    # Thai and Latin, regular and bold (the heading, the organisation), in
    # Sarabun from static/fonts/, the only Thai face this process has.
    assert _fonts(data, tmp_path) == SARABUN
    text = _flat(_run("pdftotext", data, tmp_path))
    assert _flat(heading) in text
    assert _flat("การไฟฟ้าส่วนภูมิภาค") in text
    assert _flat("Provincial Electricity Authority") in text


@pytest.mark.tools("pdftotext")
@pytest.mark.django_db
@pytest.mark.parametrize(
    "office_name",
    ["กฟส.สาขาหนึ่ง", "การไฟฟ้าส่วนภูมิภาคอำเภอบางบัวทอง จังหวัดนนทบุรี สาขาย่อยที่สาม"],
)
def test_the_heading_stays_beside_the_brand(
    bare_fonts, customer, office, counter, tmp_path, office_name
):
    receipt = _for_render(
        _pay(_invoice(customer, office, counter), counter).receipts.get().pk
    ).get()
    receipt.office.name_th = office_name
    data, _ = bare_fonts.render(receipt_document(receipt, copy=False))
    text = _run("pdftotext", data, tmp_path)
    first = _flat(text.strip().splitlines()[0])
    assert _flat("การไฟฟ้าส่วนภูมิภาค") in first
    assert _flat("ใบเสร็จรับเงิน / ใบกำกับภาษี") in first  # one line, at the right


def _font_faces(css: Path) -> dict[str, set[Path]]:
    """Each @font-face family of a stylesheet and the files it loads."""
    faces: dict[str, set[Path]] = {}
    for rule in re.findall(r"@font-face\s*{([^}]*)}", css.read_text()):
        family = re.search(r'font-family:\s*"([^"]+)"', rule).group(1)
        for url in re.findall(r'url\("([^"]+)"\)', rule):
            faces.setdefault(family, set()).add((css.parent / url).resolve())
    return faces


def test_web_pages_and_documents_load_the_same_shipped_faces():
    static = Path(settings.BASE_DIR) / "static"
    web = _font_faces(static / "css" / "portal.css")
    documents = _font_faces(static / "css" / "pdf" / "base.css")
    assert web == documents
    assert set(web) == {"SarabunLatin", "SarabunThai"}
    files = set().union(*web.values())
    assert len(files) == 4 and all(f.parent == static / "fonts" for f in files)
    assert all(f.is_file() for f in files)
    assert (
        "SIL Open Font License"
        in (static / "fonts" / "SARABUN-LICENSE.txt").read_text()
    )
    # Sarabun first, then the machine's TLWG fonts (web pages only: a browser
    # that cannot load ours still draws Thai).
    stack = re.search(
        r"body {[^}]*font-family: ([^;]+);", (static / "css" / "portal.css").read_text()
    ).group(1)
    assert [f.strip().strip('"') for f in stack.split(",")][:4] == [
        "SarabunLatin",
        "SarabunThai",
        "Garuda",
        "Loma",
    ]


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

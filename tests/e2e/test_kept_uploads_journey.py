"""Uploads in Chromium (issue 18, item 7), in Thai and in English, on a phone
and a desktop: a filing refused for a mistyped phone number keeps the good
PDFs ("kept"), and the corrected filing carries them as its documents; a file
over the limit, or of a type not accepted, is refused by the browser with the
server's own message, and nothing is sent until it is replaced."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import translation
from playwright.sync_api import Browser, expect

from requests_app.documents import validate_upload
from requests_app.models import PendingUpload, ServiceRequest, ServiceType
from requests_app.services import required_document_types
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"
PHONE = "0894446666"
FILE_PATH = "/requests/new/new-connection/"


def _open(browser: Browser, live_server, language: str, width: int):
    """A customer whose language is `language`, logged in, on the filing form."""
    branch = factories.office_tree()["branch"]
    factories.CustomerFactory(username=PHONE, phone=PHONE, preferred_language=language)
    context = browser.new_context(
        locale="th-TH" if language == "th" else "en-US",
        timezone_id="Asia/Bangkok",
        viewport={"width": width, "height": 844 if width == 390 else 900},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", PHONE)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.stack button[type=submit]").click()
    expect(page.locator("header form[action$='/accounts/logout/']")).to_be_visible()
    page.goto(live_server.url + FILE_PATH)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.fill("#id_premises_address", "88 หมู่ 4 ต.ในเมือง อ.เมือง")
    page.fill("#id_premises_province", "ขอนแก่น")
    page.select_option("#id_office", value=str(branch.pk))
    page.select_option("#id_meter_size", label="5(15) A 1φ")
    return context, page


def _documents():
    return required_document_types(
        service=ServiceType.objects.get(code="new-connection"),
        applicant_kind="individual",
        by_representative=False,
    )


def _server_message(path, language: str) -> str:
    """What validate_upload says of this file, in this language."""
    with open(path, "rb") as f, translation.override(language):
        with pytest.raises(ValidationError) as refused:
            validate_upload(File(f, name=os.path.basename(path)))
    return refused.value.messages[0]


def _submit(page):
    page.locator("main form.stack button[type=submit]").click()


@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_a_refused_filing_keeps_the_good_pdfs_and_the_next_one_files_them(
    browser: Browser, live_server, tmp_path, screenshot_dir, language, width
):
    context, page = _open(browser, live_server, language, width)
    documents = _documents()
    for dt in documents:
        path = tmp_path / f"{dt.code}.pdf"
        path.write_bytes(factories.PDF_BYTES)
        page.set_input_files(f"#id_doc_{dt.pk}", str(path))
    page.fill("#id_contact_phone", "0812")  # one digit short of nothing
    _submit(page)

    # Sent back for the phone number; the four PDFs are kept, not asked for.
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_contact_phone_error")).to_be_visible()
    expect(page.locator(".kept")).to_have_count(len(documents))
    for dt in documents:
        kept = page.locator(f"#id_doc_{dt.pk}_kept")
        expect(kept).to_contain_text(f"{dt.code}.pdf")
        expect(kept.locator(".badge-kept")).to_be_visible()
        expect(page.locator(f"#id_doc_{dt.pk}_error")).to_have_count(0)
    assert PendingUpload.objects.count() == len(documents)
    assert not ServiceRequest.objects.exists()
    page.screenshot(
        path=os.path.join(screenshot_dir, f"kept-{language}-{width}.png"),
        full_page=True,
    )

    page.fill("#id_contact_phone", "0812345678")
    _submit(page)

    expect(page.locator(".status-box .badge")).to_be_visible()
    req = ServiceRequest.objects.get()
    expect(page).to_have_url(live_server.url + req.get_absolute_url())
    expect(page.locator("ul.docs li a")).to_have_count(len(documents))
    assert sorted(req.documents.values_list("original_name", flat=True)) == sorted(
        f"{dt.code}.pdf" for dt in documents
    )
    assert not PendingUpload.objects.exists()
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_browser_refuses_a_file_too_large_or_of_another_type_before_sending(
    browser: Browser, live_server, tmp_path, screenshot_dir, language
):
    context, page = _open(browser, live_server, language, 390)
    sent = []
    page.on(
        "request",
        lambda r: sent.append(r.url) if r.method == "POST" else None,
    )
    documents = _documents()
    for dt in documents[1:]:
        path = tmp_path / f"{dt.code}.pdf"
        path.write_bytes(factories.PDF_BYTES)
        page.set_input_files(f"#id_doc_{dt.pk}", str(path))
    first = f"#id_doc_{documents[0].pk}"
    check = page.locator(f"#id_doc_{documents[0].pk}_check")
    big = tmp_path / "บัตรประชาชน scan.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n")
    word = tmp_path / "scan.docx"
    word.write_bytes(b"PK\x03\x04 not a scan at all")
    text = tmp_path / "scan.pdf"
    text.write_bytes(b"just some text, not a PDF at all\n")

    for path in (big, word, text):
        page.set_input_files(first, str(path))
        expect(check.locator(".error")).to_have_text(_server_message(path, language))
        expect(page.locator(first)).to_have_attribute("aria-invalid", "true")
        if path == big:
            page.screenshot(
                path=os.path.join(screenshot_dir, f"refused-{language}-390.png"),
                full_page=True,
            )
        _submit(page)
        expect(page.locator(first)).to_be_focused()
        page.wait_for_timeout(300)
        assert sent == [], sent  # nothing left the browser
        assert page.url == live_server.url + FILE_PATH

    # "Remove this file", and a good one chosen: sent, at once after choosing.
    check.locator("button").click()
    expect(check).to_have_count(0)
    good = tmp_path / "card.pdf"
    good.write_bytes(factories.PDF_BYTES)
    page.set_input_files(first, str(good))
    _submit(page)
    expect(page.locator(".status-box .badge")).to_be_visible()
    assert sent == [live_server.url + FILE_PATH]
    assert ServiceRequest.objects.get().documents.count() == len(documents)
    context.close()

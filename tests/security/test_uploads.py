"""Hostile uploads (issue 9): every file of the corpus in hostile_files.py is
refused, with its reason, through every way in — the filing form, the
counter's walk-in form, adding a document on the web, and the REST API's
filing and add-document endpoints — and nothing of it is stored: no request,
no Document row, no file in the private store, MEDIA_ROOT or the upload
temporary directory. (A refused web filing keeps the other, good, files as
pending uploads for a day, issue 18: those, and only those, are there.) Good
PDF, JPEG and PNG files are still accepted, stored byte for byte under a name
of ours.

Requests are built by hand (hostile_files.multipart) so that file names reach
the server exactly as a hostile client sends them."""

import shutil
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from meters.models import MeterSize
from requests_app.documents import validate_upload
from requests_app.models import (
    Document,
    DocumentType,
    PendingUpload,
    ServiceRequest,
)
from requests_app.services import required_document_types
from tests.conftest import REQUIRE_SERVICES
from tests.security import hostile_files as corpus
from tests.security.hostile_files import GOOD_PDF, multipart

pytestmark = pytest.mark.django_db

ADDRESS = "45/6 หมู่ 3 ต.ศิลา อ.เมือง"
NOTE = "โทรก่อนเข้าสำรวจ <b>ค่ะ</b>"


@pytest.fixture(autouse=True)
def _stores(settings, tmp_path):
    """MEDIA_ROOT and the upload temporary directory of this test, so that
    "nothing stored" can be checked on disk too."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    from django.core.cache import cache

    cache.clear()  # API throttles
    yield
    cache.clear()


def files_on_disk(settings) -> set[Path]:
    roots = [
        storages["private"].location,
        settings.MEDIA_ROOT,
        settings.FILE_UPLOAD_TEMP_DIR,
    ]
    return {p for root in roots for p in Path(root).rglob("*") if p.is_file()}


def expected_messages(response, name: str, content: bytes) -> list[str]:
    """What validate_upload says of this file, in the language of the reply
    (an empty file is refused before it, by Django's own FileField)."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        if not content:
            return [str(forms.FileField.default_error_messages["empty"])]
        with pytest.raises(ValidationError) as refused:
            validate_upload(SimpleUploadedFile(name, content))
    return refused.value.messages


@dataclass
class Sent:
    response: object
    accepted: bool
    errors: list[str]  # the messages shown for the file
    codes: list[str]  # ValidationError codes (web forms only)


class World:
    """The customer, their office and service, and what a channel needs."""

    def __init__(self, request, customer, office, service):
        self._request = request
        self.customer, self.office, self.service = customer, office, service
        self.target = DocumentType.objects.get(code="sketch-map")
        self.field = f"doc_{self.target.pk}"

    @cached_property
    def submitted(self) -> ServiceRequest:
        return self._request.getfixturevalue("submitted_request")

    @cached_property
    def counter(self):
        return self._request.getfixturevalue("counter")

    def filing(self, name: str, content: bytes) -> tuple[dict, dict]:
        fields = {
            "office": self.office.pk,
            "premises_address": ADDRESS,
            "premises_province": "ขอนแก่น",
            "meter_size": MeterSize.objects.get(code="5(15)-1").pk,
            "contact_phone": "0812345678",
            "note": NOTE,
        }
        files = {
            f"doc_{dt.pk}": (f"{dt.code}.pdf", GOOD_PDF)
            for dt in required_document_types(
                service=self.service, applicant_kind="individual",
                by_representative=False,
            )
        }  # fmt: skip
        files[self.field] = (name, content)
        return fields, files


@pytest.fixture
def world(request, customer, office, new_connection):
    return World(request, customer, office, new_connection)


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _post(client, url, fields, files):
    body, content_type = multipart(fields, files)
    return client.post(url, data=body, content_type=content_type)


def _form_errors(form, field) -> tuple[list[str], list[str]]:
    data = form.errors.as_data().get(field, [])
    return [m for e in data for m in e.messages], [e.code for e in data]


def send_web_filing(world, name, content) -> Sent:
    fields, files = world.filing(name, content)
    url = reverse("requests:file", args=[world.service.code])
    response = _post(_web(world.customer), url, fields, files)
    if response.status_code == 302:
        return Sent(response, True, [], [])
    assert response.status_code == 200
    page = response.content.decode()
    # What the customer typed is still there for them to correct the file.
    assert f"{ADDRESS}</textarea>" in page
    assert "โทรก่อนเข้าสำรวจ &lt;b&gt;ค่ะ&lt;/b&gt;</textarea>" in page
    assert 'value="0812345678"' in page
    return Sent(response, False, *_form_errors(response.context["form"], world.field))


def send_walk_in(world, name, content) -> Sent:
    fields, files = world.filing(name, content)
    fields.update(step="file", kind="individual", lookup=world.customer.phone)
    response = _post(_web(world.counter), reverse("staff:file"), fields, files)
    if response.status_code == 302:
        return Sent(response, True, [], [])
    assert response.status_code == 200
    assert f"{ADDRESS}</textarea>" in response.content.decode()
    return Sent(response, False, *_form_errors(response.context["form"], world.field))


def send_web_document(world, name, content) -> Sent:
    req = world.submitted
    url = reverse("requests:upload", args=[req.reference])
    fields = {"document_type": world.target.pk}
    response = _post(_web(world.customer), url, fields, {"file": (name, content)})
    if response.status_code == 302:
        return Sent(response, True, [], [])
    assert response.status_code == 400
    form = response.context["upload_form"]
    assert form["document_type"].value() == str(world.target.pk)  # kept
    return Sent(response, False, *_form_errors(form, "file"))


def _api_sent(response, field) -> Sent:
    if response.status_code == 201:
        return Sent(response, True, [], [])
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"]
    return Sent(response, False, error["fields"].get(field, []), [])


def send_api_filing(world, name, content) -> Sent:
    fields, files = world.filing(name, content)
    url = reverse("api:request_file", args=[world.service.code])
    return _api_sent(_post(_api(world.customer), url, fields, files), world.field)


def send_api_document(world, name, content) -> Sent:
    req = world.submitted
    url = reverse("api:request_documents", args=[req.reference])
    fields = {"document_type": world.target.pk}
    response = _post(_api(world.customer), url, fields, {"file": (name, content)})
    return _api_sent(response, "file")


CHANNELS = {
    "web-filing": send_web_filing,
    "web-walk-in": send_walk_in,
    "web-add-document": send_web_document,
    "api-filing": send_api_filing,
    "api-add-document": send_api_document,
}
ADDING = {"web-add-document", "api-add-document"}


def _kept_files(world) -> set[Path]:
    """The good files a refused web filing kept (issue 18), after checking
    that they are those: never the file sent to `world.target`."""
    kept = list(PendingUpload.objects.all())
    assert not any(p.document_type_id == world.target.pk for p in kept)
    paths = set()
    for pending in kept:
        path = Path(storages["private"].path(pending.file.name))
        assert path.read_bytes() == GOOD_PDF
        paths.add(path)
    return paths


def _state(settings, world):
    return (
        ServiceRequest.objects.count(),
        Document.objects.count(),
        files_on_disk(settings) - _kept_files(world),
    )


def _ready(world, channel) -> None:
    """Make what the channel needs before counting what is stored."""
    if channel in ADDING:
        world.submitted  # noqa: B018
    else:
        world.counter  # noqa: B018


def _send(world, channel, name, content):
    return CHANNELS[channel](world, name, content)


def _the_stored_document(world, channel) -> Document:
    if channel in ADDING:
        return world.submitted.documents.latest("pk")
    return ServiceRequest.objects.get().documents.get(document_type=world.target)


def assert_stored_under_our_name(document: Document, content: bytes) -> None:
    """The file on disk is named by us (request reference, random token, the
    extension of its validated type), inside the private store, and holds
    exactly the bytes sent."""
    storage = document.file.storage
    assert document.file.name == (
        f"documents/{document.request.reference}/{document.token}.{document.extension}"
    )
    path = Path(storage.path(document.file.name)).resolve()
    assert path.is_relative_to(Path(storage.location).resolve())
    assert path.read_bytes() == content
    assert document.original_name not in str(path)


# Hostile files ------------------------------------------------------------------------


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("item", corpus.HOSTILE, ids=lambda h: h.id)
def test_a_hostile_file_is_refused_with_its_reason_and_nothing_is_stored(
    world, settings, channel, item
):
    content = item.content
    _ready(world, channel)
    before = _state(settings, world)

    sent = _send(world, channel, item.name, content)

    assert not sent.accepted
    expected = expected_messages(sent.response, item.name, content)
    if item.code == "empty":
        # The filing forms add "Please attach: …" after Django's own message.
        assert sent.errors[:1] == expected
        assert not channel.startswith("web") or sent.codes[0] == "empty"
    else:
        assert sent.errors == expected
        assert not channel.startswith("web") or sent.codes == [item.code]
    assert _state(settings, world) == before


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("trick", corpus.NAME_TRICKS, ids=lambda t: t.id)
def test_a_name_is_only_a_label_never_a_path(world, settings, channel, trick):
    """The web server's parser keeps only the last part of a name and drops
    invisible characters; what is left is refused if it names another kind
    of file, else kept as a label while the file is stored under our name."""
    _ready(world, channel)
    before = _state(settings, world)

    sent = _send(world, channel, trick.name, GOOD_PDF)

    if trick.over_http == "dropped":  # no name, no file: the document is missing
        assert not sent.accepted and sent.errors
        assert _state(settings, world) == before
    elif trick.over_http in ("bad_extension", "bad_name"):
        assert not sent.accepted
        if channel.startswith("web"):
            assert sent.codes == [trick.over_http]
        assert _state(settings, world) == before
    else:
        assert sent.accepted, sent.errors
        document = _the_stored_document(world, channel)
        assert document.original_name == trick.over_http
        assert_stored_under_our_name(document, GOOD_PDF)


# Good files ---------------------------------------------------------------------------


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("good", list(corpus.GOOD))
def test_a_good_document_is_accepted_and_stored_as_sent(world, channel, good):
    name, make, content_type = corpus.GOOD[good]
    content = make()

    sent = _send(world, channel, name, content)

    assert sent.accepted, sent.errors
    document = _the_stored_document(world, channel)
    assert document.content_type == content_type
    assert document.original_name == name
    assert document.size == len(content)
    assert_stored_under_our_name(document, content)


# The validator on its own -------------------------------------------------------------


def _direct(name: str, content: bytes) -> SimpleUploadedFile:
    upload = SimpleUploadedFile("x.pdf", content)
    upload._name = name  # as is: SimpleUploadedFile would keep the basename only
    return upload


@pytest.mark.parametrize("item", corpus.HOSTILE, ids=lambda h: h.id)
def test_the_validator_refuses_each_hostile_file_with_its_code(item):
    with pytest.raises(ValidationError) as refused:
        validate_upload(_direct(item.name, item.content))

    assert refused.value.code == item.code


@pytest.mark.parametrize("name", corpus.BAD_NAMES)
def test_the_validator_refuses_a_name_with_path_or_control_characters(name):
    with pytest.raises(ValidationError) as refused:
        validate_upload(_direct(name, GOOD_PDF))

    assert refused.value.code == "bad_name"


@pytest.mark.parametrize("good", list(corpus.GOOD))
def test_the_validator_accepts_a_good_file_and_leaves_it_at_its_start(good):
    name, make, content_type = corpus.GOOD[good]
    upload = _direct(name, make())

    assert validate_upload(upload) == content_type
    assert upload.read() == make()


def test_the_size_limit_is_checked_before_anything_is_read():
    with pytest.raises(ValidationError) as refused:
        validate_upload(corpus.HugeUpload())  # 10 GB; reading it fails the test

    assert refused.value.code == "too_large"


def test_a_file_larger_than_it_says_is_refused_after_reading_one_byte_too_many(
    settings,
):
    upload = _direct("deed.pdf", GOOD_PDF)
    upload.size = 10  # an upload handler that got it wrong
    settings.DOCUMENT_MAX_BYTES = len(GOOD_PDF) - 1

    with pytest.raises(ValidationError) as refused:
        validate_upload(upload)

    assert refused.value.code == "too_large"


@pytest.mark.parametrize(
    "item_id", ["exe-named-pdf", "svg-with-script", "double-ext-exe", "pdf-javascript"]
)
def test_the_reason_says_what_is_accepted(item_id):
    item = next(h for h in corpus.HOSTILE if h.id == item_id)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_upload(_direct(item.name, item.content))

    message = refused.value.messages[0]
    assert f"“{item.name}”" in message
    assert "PDF" in message


def test_a_name_is_shown_back_without_invisible_characters_and_shortened():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_upload(_direct("evil\u202efdp.pdf", GOOD_PDF))
    assert "“evilfdp.pdf”" in refused.value.messages[0]

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_upload(_direct("ก" * 300 + ".exe", GOOD_PDF))
    message = refused.value.messages[0]
    assert len(message) < 300 and "…" in message and ".exe”" in message


# Filters named by reference (issue 15) ------------------------------------------------

HIDDEN_SCRIPTS = [
    "pdf-javascript-object-stream-indirect-filter",
    "pdf-javascript-object-stream-indirect-filter-array",
]


@pytest.mark.parametrize("item_id", HIDDEN_SCRIPTS)
def test_a_reader_finds_the_script_hidden_behind_an_indirect_filter(item_id, tmp_path):
    """The corpus is not a strawman: poppler follows the cross-reference
    stream into the object stream, resolves `/Filter 6 0 R` and prints the
    script, as it did on the stored copy in the report."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        if REQUIRE_SERVICES:
            pytest.fail("pdfinfo (poppler-utils) is required in CI")
        pytest.skip("pdfinfo not installed (apt-get install poppler-utils)")
    item = next(h for h in corpus.HOSTILE if h.id == item_id)
    path = tmp_path / "deed.pdf"
    path.write_bytes(item.content)

    shown = subprocess.run(
        [pdfinfo, "-js", str(path)], capture_output=True, text=True, check=True
    )

    assert "app.alert(1)" in shown.stdout
    with pytest.raises(ValidationError) as refused:
        validate_upload(_direct("deed.pdf", item.content))
    assert refused.value.code == "pdf_active"

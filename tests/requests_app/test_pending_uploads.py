"""A refused filing keeps the files that passed the checks (issue 18, item 7):
stored as pending uploads of whoever chose them, shown as "kept" on the form
sent back, filed as the request's documents on the next try, replaced by a
file chosen anew, removed on request, nobody else's to use, and gone after a
day. And the browser is given the server's own rules and messages to refuse
a file before sending it (requests_app.documents.browser_check_attrs)."""

import html
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from meters.models import MeterSize
from requests_app.documents import browser_check_attrs, validate_upload
from requests_app.models import DocumentType, PendingUpload, ServiceRequest
from requests_app.services import (
    pending_uploads_expire,
    pending_uploads_keep,
    required_document_types,
)
from tests import factories

pytestmark = pytest.mark.django_db

# A PDF that is not the factories' one, so a test can tell which was filed.
OTHER_PDF = b"%PDF-1.7\n% another scan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def file_url(new_connection):
    return reverse("requests:file", args=[new_connection.code])


@pytest.fixture
def doc_types(new_connection):
    return {
        dt.code: dt
        for dt in required_document_types(
            service=new_connection, applicant_kind="individual", by_representative=False
        )
    }


def _fields(office, **overrides):
    return {
        "office": office.pk,
        "premises_address": "45/6 หมู่ 3 ต.ศิลา อ.เมือง",
        "premises_province": "ขอนแก่น",
        "meter_size": MeterSize.objects.get(code="5(15)-1").pk,
        "contact_phone": "0812345678",
        "note": "",
        **overrides,
    }


def _with_files(data, doc_types, **files):
    """Every document as a fresh PDF; `files` replace one by its code (None:
    left out)."""
    for code, dt in doc_types.items():
        upload = files.get(code, factories.pdf(f"{code}.pdf"))
        if upload is not None:
            data[f"doc_{dt.pk}"] = upload
    return data


def _stored(name: str) -> bool:
    return storages["private"].exists(name)


def _pending_files() -> list[str]:
    store = storages["private"]
    if not store.exists("pending"):
        return []
    return store.listdir("pending")[1]


def _kept_tokens(page: str) -> dict[str, str]:
    """The kept files the page carries back: {field name: token}."""
    return dict(re.findall(r'name="(doc_\d+)_kept" value="([0-9a-f]{32})"', page))


def _refused_try(client, file_url, office, doc_types, **files):
    """A filing refused for its phone number (the files are good)."""
    data = _with_files(_fields(office, contact_phone="12"), doc_types, **files)
    response = client.post(file_url, data)
    assert response.status_code == 200
    assert "contact_phone" in response.context["form"].errors
    assert not ServiceRequest.objects.exists()
    return response


# Kept ----------------------------------------------------------------------------------


def test_a_filing_refused_for_another_field_keeps_every_good_file_and_says_so(
    client, customer, office, file_url, doc_types
):
    client.force_login(customer)

    response = _refused_try(client, file_url, office, doc_types)

    kept = PendingUpload.objects.filter(user=customer)
    assert sorted(p.document_type.code for p in kept) == sorted(doc_types)
    for pending in kept:
        assert pending.original_name == f"{pending.document_type.code}.pdf"
        assert pending.content_type == "application/pdf"
        assert pending.size == len(factories.PDF_BYTES)
        assert pending.file.name.startswith("pending/")
        with pending.file.open("rb") as f:
            assert f.read() == factories.PDF_BYTES
    assert len(_pending_files()) == len(doc_types)
    page = response.content.decode()
    assert _kept_tokens(page) == {f"doc_{p.document_type_id}": p.token for p in kept}
    with translation.override("th"):
        kept_word = gettext("Kept")
        size = filesizeformat(len(factories.PDF_BYTES))
    assert page.count(f'<span class="badge badge-kept">{kept_word}</span>') == 4
    assert f"id-card.pdf ({html.escape(size)})" in page
    for pending in kept:
        assert f'name="doc_{pending.document_type_id}_remove"' in page


def test_a_filing_refused_for_one_bad_file_keeps_the_others_only(
    client, customer, office, file_url, doc_types
):
    fake = SimpleUploadedFile("sketch.pdf", b"just some text, not a PDF at all\n")
    client.force_login(customer)

    response = client.post(
        file_url, _with_files(_fields(office), doc_types, **{"sketch-map": fake})
    )

    sketch = doc_types["sketch-map"]
    assert list(response.context["form"].errors) == [f"doc_{sketch.pk}"]
    kept = {p.document_type.code for p in PendingUpload.objects.filter(user=customer)}
    assert kept == set(doc_types) - {"sketch-map"}
    assert f"doc_{sketch.pk}" not in _kept_tokens(response.content.decode())


def test_the_next_try_files_the_kept_files_as_the_requests_documents(
    client,
    customer,
    office,
    file_url,
    doc_types,
    django_capture_on_commit_callbacks,
):
    client.force_login(customer)
    refused = _refused_try(client, file_url, office, doc_types)
    tokens = _kept_tokens(refused.content.decode())
    stored = list(PendingUpload.objects.values_list("file", flat=True))

    # Fixed, and no file chosen again: the kept ones stand for the documents
    # the service requires.
    data = _fields(office) | {f"{name}_kept": t for name, t in tokens.items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(file_url, data)

    created = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    documents = list(created.documents.select_related("document_type"))
    assert sorted(d.document_type.code for d in documents) == sorted(doc_types)
    for document in documents:
        assert document.original_name == f"{document.document_type.code}.pdf"
        assert document.content_type == "application/pdf"
        assert document.size == len(factories.PDF_BYTES)
        assert document.uploaded_by == customer
        assert document.file.name.startswith(f"documents/{created.reference}/")
        with document.file.open("rb") as f:
            assert f.read() == factories.PDF_BYTES
    # No copy left behind: the rows and their files are gone.
    assert not PendingUpload.objects.exists()
    assert not any(_stored(name) for name in stored)
    assert _pending_files() == []


def test_a_file_chosen_anew_replaces_the_kept_one(
    client,
    customer,
    office,
    file_url,
    doc_types,
    django_capture_on_commit_callbacks,
):
    id_card = doc_types["id-card"]
    client.force_login(customer)
    tokens = _kept_tokens(
        _refused_try(client, file_url, office, doc_types).content.decode()
    )
    first = PendingUpload.objects.get(document_type=id_card)
    carried = {f"{name}_kept": t for name, t in tokens.items()}

    # Refused again, with a new ID card: it is kept instead of the first.
    new_card = SimpleUploadedFile("new-card.pdf", OTHER_PDF)
    data = _fields(office, contact_phone="12") | carried
    data[f"doc_{id_card.pk}"] = new_card
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(file_url, data)

    second = PendingUpload.objects.get(document_type=id_card)
    assert second.pk != first.pk
    assert second.original_name == "new-card.pdf"
    assert not PendingUpload.objects.filter(pk=first.pk).exists()
    assert not _stored(first.file.name)
    tokens = _kept_tokens(response.content.decode())
    assert tokens[f"doc_{id_card.pk}"] == second.token
    assert "new-card.pdf" in response.content.decode()

    # Filed with what is kept now.
    data = _fields(office) | {f"{name}_kept": t for name, t in tokens.items()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(file_url, data)
    card = ServiceRequest.objects.get().documents.get(document_type=id_card)
    assert card.original_name == "new-card.pdf"
    with card.file.open("rb") as f:
        assert f.read() == OTHER_PDF
    assert not PendingUpload.objects.exists()
    assert _pending_files() == []


def test_a_bad_file_chosen_anew_leaves_the_kept_one_kept(
    client, customer, office, file_url, doc_types
):
    id_card = doc_types["id-card"]
    client.force_login(customer)
    tokens = _kept_tokens(
        _refused_try(client, file_url, office, doc_types).content.decode()
    )
    first = PendingUpload.objects.get(document_type=id_card)

    data = _fields(office) | {f"{name}_kept": t for name, t in tokens.items()}
    data[f"doc_{id_card.pk}"] = SimpleUploadedFile("card.pdf", b"not a pdf\n")
    response = client.post(file_url, data)

    assert list(response.context["form"].errors) == [f"doc_{id_card.pk}"]
    assert PendingUpload.objects.get(document_type=id_card) == first
    assert _kept_tokens(response.content.decode())[f"doc_{id_card.pk}"] == first.token


def test_removing_a_kept_file_deletes_it_and_the_document_is_asked_for_again(
    client,
    customer,
    office,
    file_url,
    doc_types,
    django_capture_on_commit_callbacks,
):
    id_card = doc_types["id-card"]
    client.force_login(customer)
    tokens = _kept_tokens(
        _refused_try(client, file_url, office, doc_types).content.decode()
    )
    card = PendingUpload.objects.get(document_type=id_card)

    data = _fields(office) | {f"{name}_kept": t for name, t in tokens.items()}
    data[f"doc_{id_card.pk}_remove"] = "1"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(file_url, data)

    errors = response.context["form"].errors
    assert list(errors) == [f"doc_{id_card.pk}"]
    with translation.override("th"):
        assert errors[f"doc_{id_card.pk}"] == [
            gettext("Please attach: %(name)s") % {"name": id_card.name_th}
        ]
    assert not PendingUpload.objects.filter(pk=card.pk).exists()
    assert not _stored(card.file.name)
    assert f"doc_{id_card.pk}" not in _kept_tokens(response.content.decode())
    assert PendingUpload.objects.count() == len(doc_types) - 1
    assert not ServiceRequest.objects.exists()


# Nobody else's ---------------------------------------------------------------------------


def _lost_message() -> str:
    with translation.override("th"):
        return gettext(
            "The file kept for this document is no longer available "
            "(kept files are deleted after a day): please choose it again."
        )


def test_another_users_kept_file_is_refused(
    client, customer, other_customer, office, file_url, doc_types
):
    client.force_login(other_customer)
    _refused_try(client, file_url, office, doc_types)
    theirs = PendingUpload.objects.get(document_type=doc_types["id-card"])
    client.force_login(customer)

    # Every document but the ID card, and bob's ID card's token.
    data = _with_files(_fields(office), doc_types, **{"id-card": None})
    data[f"doc_{theirs.document_type_id}_kept"] = theirs.token
    response = client.post(file_url, data)

    errors = response.context["form"].errors
    assert errors[f"doc_{theirs.document_type_id}"] == [_lost_message()]
    assert not ServiceRequest.objects.exists()
    page = response.content.decode()
    assert theirs.token not in page
    assert theirs.original_name not in page
    # Untouched, and still only bob's; what alice chose is kept for alice.
    theirs.refresh_from_db()
    assert theirs.user == other_customer
    assert _stored(theirs.file.name)
    mine = PendingUpload.objects.filter(user=customer)
    assert mine.count() == len(doc_types) - 1


def test_another_users_kept_file_cannot_be_removed_either(
    client, customer, other_customer, office, file_url, doc_types
):
    client.force_login(other_customer)
    _refused_try(client, file_url, office, doc_types)
    theirs = PendingUpload.objects.get(document_type=doc_types["id-card"])
    client.force_login(customer)

    data = _with_files(_fields(office, contact_phone="12"), doc_types)
    data[f"doc_{theirs.document_type_id}_kept"] = theirs.token
    data[f"doc_{theirs.document_type_id}_remove"] = "1"
    client.post(file_url, data)

    assert PendingUpload.objects.filter(pk=theirs.pk, user=other_customer).exists()
    assert _stored(theirs.file.name)


def test_a_kept_file_past_its_day_is_no_longer_used(
    client, customer, office, file_url, doc_types
):
    client.force_login(customer)
    tokens = _kept_tokens(
        _refused_try(client, file_url, office, doc_types).content.decode()
    )
    PendingUpload.objects.update(
        created_at=timezone.now() - PendingUpload.LIFETIME - timedelta(minutes=1)
    )

    data = _fields(office) | {f"{name}_kept": t for name, t in tokens.items()}
    response = client.post(file_url, data)

    errors = response.context["form"].errors
    assert set(errors) == set(tokens)
    assert all(e == [_lost_message()] for e in errors.values())
    assert not ServiceRequest.objects.exists()


def test_the_staff_counter_keeps_the_clerks_files_the_same_way(
    client,
    counter,
    office,
    new_connection,
    doc_types,
    django_capture_on_commit_callbacks,
):
    client.force_login(counter)
    customer = {
        "c-first_name": "ประยูร",
        "c-last_name": "มาหา",
        "c-phone": "0877777777",
        "c-national_id": "1234",  # refused: not a national ID number
        "c-preferred_language": "th",
    }
    data = _with_files(_fields(office, step="file", kind="individual"), doc_types)
    response = client.post(reverse("staff:file"), data | customer)

    assert response.status_code == 200
    assert PendingUpload.objects.filter(user=counter).count() == len(doc_types)
    tokens = _kept_tokens(response.content.decode())
    assert len(tokens) == len(doc_types)

    customer["c-national_id"] = factories.national_id(4242)
    data = _fields(office, step="file", kind="individual")
    data |= {f"{name}_kept": t for name, t in tokens.items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:file"), data | customer)

    created = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert created.documents.count() == len(doc_types)
    assert not PendingUpload.objects.exists()
    assert _pending_files() == []


# Expiry ----------------------------------------------------------------------------------


def _keep(user, doc_type, name="id.pdf") -> PendingUpload:
    kept = pending_uploads_keep(
        owner=user,
        uploads={doc_type.pk: SimpleUploadedFile(name, factories.PDF_BYTES)},
    )
    return kept[doc_type.pk]


def test_the_sweep_deletes_pending_uploads_past_their_day_with_their_files(
    customer, other_customer, django_capture_on_commit_callbacks
):
    id_card = DocumentType.objects.get(code="id-card")
    old = _keep(customer, id_card, "old.pdf")
    older = _keep(other_customer, id_card, "older.pdf")
    fresh = _keep(customer, id_card, "fresh.pdf")
    now = timezone.now()
    PendingUpload.objects.filter(pk=old.pk).update(
        created_at=now - timedelta(days=1, seconds=1)
    )
    PendingUpload.objects.filter(pk=older.pk).update(created_at=now - timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        assert pending_uploads_expire(now=now, batch=1) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert pending_uploads_expire(now=now) == 0  # safe to run twice

    assert list(PendingUpload.objects.all()) == [fresh]
    assert not _stored(old.file.name)
    assert not _stored(older.file.name)
    assert _stored(fresh.file.name)


def test_the_sweep_runs_on_beat():
    from requests_app.tasks import pending_uploads_expire as task

    entry = settings.CELERY_BEAT_SCHEDULE["requests-expire-pending-uploads"]
    assert entry["task"] == task.name == "requests_app.tasks.pending_uploads_expire"
    assert task.run() == 0


# What the browser is told ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize(
    "name, content, code",
    [
        ("scan.pdf", b"%PDF-1.4\n" + b"0" * 6_000_000 + b"\n%%EOF\n", "too_large"),
        ("เอกสาร บ้าน.docx", b"PK\x03\x04 a word file", "bad_extension"),
        ("notes.pdf", b"plain text\n", "bad_type"),
        ("empty.png", b"", "empty"),
        ("evil\u202efdp.exe", b"%PDF-1.4\n%%EOF\n", "bad_name"),
    ],
)
def test_the_browser_is_given_the_servers_own_message(language, name, content, code):
    upload = SimpleUploadedFile(name, content)
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            validate_upload(upload)
        attrs = browser_check_attrs()
    assert refused.value.code == code
    key = {"too_large": "too-large", "bad_type": "bad-type"}.get(code, code)
    template = attrs[f"data-msg-{key.replace('_', '-')}"]
    label = name.replace("\u202e", "")
    with translation.override(language):
        size = filesizeformat(len(content))
    expected = (
        template.replace("{name}", label)
        .replace("{size}", size)
        .replace("{extension}", "docx")
    )
    assert refused.value.messages == [expected]


def test_the_file_input_lists_the_types_it_accepts_and_the_limit(
    client, customer, file_url, doc_types, settings
):
    settings.DOCUMENT_MAX_BYTES = 3 * 1024 * 1024
    client.force_login(customer)

    page = client.get(file_url).content.decode()

    tag = re.search(
        rf'<input type="file" name="doc_{doc_types["id-card"].pk}"[^>]*>', page
    )
    assert tag is not None
    attrs = {
        k: html.unescape(v) for k, v in re.findall(r'([a-z-]+)="([^"]*)"', tag.group(0))
    }
    assert set(attrs["accept"].split(",")) == {
        ".jfif", ".jpe", ".jpeg", ".jpg", ".pdf", ".png",
        "application/pdf", "image/jpeg", "image/png",
    }  # fmt: skip
    assert attrs["data-max-bytes"] == "3145728"
    with translation.override("th"):
        assert filesizeformat(3 * 1024 * 1024) in attrs["data-msg-too-large"]
    assert "data-upload-check" in tag.group(0)

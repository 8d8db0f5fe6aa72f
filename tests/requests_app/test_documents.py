"""Uploaded documents: the type comes from the content, not the name, and a
request is only filed with every document the charter asks for (SPEC §4)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import CustomerProfile
from meters.models import MeterSize
from requests_app.documents import validate_upload
from requests_app.models import (
    Document,
    DocumentType,
    RequestEvent,
    ServiceRequest,
    ServiceType,
)
from requests_app.services import request_submit, required_document_types
from tests import factories

INDIVIDUAL_DOCS = {"premises-right", "sketch-map", "id-card", "house-registration"}
JURISTIC_DOCS = {"company-certificate", "vat-registration", "signatory-id"}
REPRESENTATIVE_DOCS = {"power-of-attorney", "representative-id"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def doc_type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def codes(types) -> set[str]:
    return {dt.code for dt in types}


def service() -> ServiceType:
    return ServiceType.objects.get(code="new-connection")


def submit(customer, office, documents, **data):
    return request_submit(
        applicant=customer,
        service=service(),
        data={
            "office": office,
            "premises_address": "1 ถ.มิตรภาพ",
            "meter_size": MeterSize.objects.get(code="5(15)-1"),
            "contact_phone": "0812345678",
            **data,
        },
        documents=documents,
        created_by=customer,
    )


@pytest.fixture
def juristic_customer(db):
    return factories.CustomerFactory(
        username="acme",
        profile__kind=CustomerProfile.Kind.JURISTIC,
        profile__national_id="",
        profile__company_name="Acme Co., Ltd.",
        profile__juristic_registration_no="0105551234567",
    )


# validate_upload ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("deed.pdf", factories.PDF_BYTES, "application/pdf"),
        ("map.png", factories.PNG_BYTES, "image/png"),
        ("id.jpg", factories.JPEG_BYTES, "image/jpeg"),
        # The name does not matter, the content does.
        ("scan.PDF", factories.JPEG_BYTES, "image/jpeg"),
        ("no-extension", factories.PNG_BYTES, "image/png"),
    ],
)
def test_it_accepts_a_real_document_and_reads_its_type_from_the_content(
    name, content, content_type
):
    assert validate_upload(upload(name, content)) == content_type


def test_it_leaves_the_upload_ready_to_be_read_from_the_start():
    uploaded = upload("deed.pdf", factories.PDF_BYTES)

    validate_upload(uploaded)

    assert uploaded.read() == factories.PDF_BYTES


@pytest.mark.parametrize(
    "content",
    [
        b"Just some text pretending to be a PDF\n%%EOF\n",
        b"<html><body>%PDF-1.4</body></html>",
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
        b"GIF89a\x01\x00\x01\x00",
    ],
)
def test_it_rejects_a_pdf_name_with_other_content(content):
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("deed.pdf", content))

    assert exc.value.code == "bad_type"
    assert "deed.pdf" in exc.value.message


def test_it_rejects_a_pdf_without_its_end_marker():
    truncated = factories.PDF_BYTES.replace(b"%%EOF", b"")

    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("deed.pdf", truncated))

    assert exc.value.code == "bad_pdf"


def test_it_finds_the_end_marker_of_a_pdf_longer_than_its_tail_window():
    big = b"%PDF-1.7\n" + b"0" * 50_000 + b"\n%%EOF\n"

    assert validate_upload(upload("big.pdf", big)) == "application/pdf"


def test_it_rejects_a_pdf_whose_end_marker_is_not_at_the_end():
    content = b"%PDF-1.7\n%%EOF\n" + b"0" * 5_000

    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("cut.pdf", content))

    assert exc.value.code == "bad_pdf"


def test_it_rejects_a_file_over_the_size_limit(settings):
    settings.DOCUMENT_MAX_BYTES = 32

    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("map.png", factories.PNG_BYTES))

    assert exc.value.code == "too_large"
    assert "map.png" in exc.value.message


def test_it_accepts_a_file_of_exactly_the_size_limit(settings):
    settings.DOCUMENT_MAX_BYTES = len(factories.PNG_BYTES)

    assert validate_upload(upload("map.png", factories.PNG_BYTES)) == "image/png"


def test_it_rejects_an_empty_file():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("empty.pdf", b""))

    assert exc.value.code == "empty"


# Required documents at submission ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("missing", sorted(INDIVIDUAL_DOCS))
def test_it_refuses_a_request_missing_a_required_document(customer, office, missing):
    documents = factories.documents_for(service())
    del documents[doc_type(missing).pk]

    with pytest.raises(ValidationError) as exc:
        submit(customer, office, documents)

    assert set(exc.value.message_dict) == {f"doc_{doc_type(missing).pk}"}
    assert not ServiceRequest.objects.exists()
    assert not Document.objects.exists()
    assert not RequestEvent.objects.exists()


@pytest.mark.django_db
def test_it_files_a_request_with_every_required_document(customer, office):
    sr = submit(customer, office, factories.documents_for(service()))

    assert sr.state == "submitted"
    assert codes(d.document_type for d in sr.documents.all()) == INDIVIDUAL_DOCS
    assert all(d.content_type == "application/pdf" for d in sr.documents.all())


@pytest.mark.django_db
def test_it_refuses_the_whole_request_when_one_upload_is_bad(customer, office):
    documents = factories.documents_for(service())
    documents[doc_type("sketch-map").pk] = upload("map.pdf", b"not a pdf at all")

    with pytest.raises(ValidationError):
        submit(customer, office, documents)

    assert not ServiceRequest.objects.exists()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_juristic_customer_needs_the_company_documents(juristic_customer, office):
    assert codes(required_document_types(
        service=service(), applicant_kind="juristic", by_representative=False
    )) == {"premises-right", "sketch-map"} | JURISTIC_DOCS  # fmt: skip

    # An individual's documents are not enough for a company.
    with pytest.raises(ValidationError) as exc:
        submit(
            juristic_customer, office, factories.documents_for(service(), "individual")
        )

    assert set(exc.value.message_dict) == {
        f"doc_{doc_type(c).pk}" for c in JURISTIC_DOCS
    }
    assert not ServiceRequest.objects.exists()


@pytest.mark.django_db
def test_a_juristic_customer_files_with_the_company_documents(
    juristic_customer, office
):
    sr = submit(
        juristic_customer, office, factories.documents_for(service(), "juristic")
    )

    assert sr.applicant_kind == "juristic"
    assert JURISTIC_DOCS <= codes(d.document_type for d in sr.documents.all())


@pytest.mark.django_db
def test_a_request_by_a_representative_needs_the_power_of_attorney(customer, office):
    assert codes(required_document_types(
        service=service(), applicant_kind="individual", by_representative=True
    )) == INDIVIDUAL_DOCS | REPRESENTATIVE_DOCS  # fmt: skip

    with pytest.raises(ValidationError) as exc:
        submit(
            customer, office, factories.documents_for(service()), by_representative=True
        )

    assert set(exc.value.message_dict) == {
        f"doc_{doc_type(c).pk}" for c in REPRESENTATIVE_DOCS
    }
    assert not ServiceRequest.objects.exists()


@pytest.mark.django_db
def test_a_request_by_a_representative_files_with_the_power_of_attorney(
    customer, office
):
    documents = factories.documents_for(service(), by_representative=True)

    sr = submit(customer, office, documents, by_representative=True)

    assert sr.by_representative
    assert REPRESENTATIVE_DOCS <= codes(d.document_type for d in sr.documents.all())

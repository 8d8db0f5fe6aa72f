"""The screens, through the test client: sign-up, filing a request, the staff
action forms from acceptance to the open account, and the office queue.

The default language is Thai. Expected messages are looked up through gettext
under Thai, so the tests hold whether or not the Thai catalogue is compiled.
"""

import html
import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import CustomerProfile
from meters.models import ElectricityAccount, MeterSize
from payments.models import Invoice
from requests_app.exceptions import ConcurrentChange
from requests_app.models import (
    Appointment,
    DocumentType,
    RequestEvent,
    ServiceRequest,
    State,
)
from requests_app.services import request_accept, required_document_types
from tests import factories

pytestmark = pytest.mark.django_db

User = get_user_model()
CHECKSUM_ERROR = "This national ID number is not valid: please check the digits."


def thai(message: str) -> str:
    """What a Thai visitor reads for this English message id."""
    with translation.override("th"):
        return gettext(message)


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def bad_checksum(valid: str) -> str:
    return valid[:12] + str((int(valid[12]) + 1) % 10)


# Sign-up ---------------------------------------------------------------------------


def _signup_data(**overrides):
    return {
        "kind": "individual",
        "first_name": "สมหญิง",
        "last_name": "ใจงาม",
        "phone": "089-123-4567",
        "email": "",
        "national_id": factories.national_id(77),
        "preferred_language": "th",
        "password1": "correct-horse-battery",
        "password2": "correct-horse-battery",
        **overrides,
    }


def test_signing_up_logs_the_customer_in_with_a_profile_holding_the_national_id(client):
    response = client.post(reverse("accounts:signup"), _signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(phone="0891234567")
    assert user.role == User.Role.CUSTOMER
    assert user.check_password("correct-horse-battery")
    assert user.profile.kind == CustomerProfile.Kind.INDIVIDUAL
    assert user.profile.national_id == factories.national_id(77)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signing_up_with_a_bad_id_checksum_shows_the_thai_error_and_keeps_the_input(
    client,
):
    data = _signup_data(national_id=bad_checksum(factories.national_id(77)))

    response = client.post(reverse("accounts:signup"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["national_id"] == [thai(CHECKSUM_ERROR)]
    page = response.content.decode()
    assert html.escape(thai(CHECKSUM_ERROR)) in page
    assert 'id="id_national_id_error"' in page
    assert 'value="สมหญิง"' in page
    assert 'value="ใจงาม"' in page
    assert 'value="089-123-4567"' in page
    assert not User.objects.filter(phone="0891234567").exists()
    assert "_auth_user_id" not in client.session


def test_signing_up_in_english_shows_the_english_id_error(client):
    client.cookies["pea_language"] = "en"
    data = _signup_data(national_id=bad_checksum(factories.national_id(77)))

    response = client.post(reverse("accounts:signup"), data)

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert CHECKSUM_ERROR in response.content.decode()
    assert not User.objects.filter(phone="0891234567").exists()


def test_signing_up_returns_to_the_page_the_customer_came_from(client, new_connection):
    target = reverse("requests:file", args=[new_connection.code])

    response = client.post(
        reverse("accounts:signup") + f"?next={target}", _signup_data()
    )

    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize("next_url", ["https://evil.example/login", "//evil.example/"])
def test_signing_up_never_sends_the_customer_to_another_site(client, next_url):
    url = reverse("accounts:signup") + "?" + urlencode({"next": next_url})

    response = client.post(url, _signup_data())

    assert response.status_code == 302
    assert User.objects.filter(phone="0891234567").exists()
    assert "evil.example" not in response["Location"]
    assert response["Location"] == reverse("home")


def test_signing_up_twice_with_the_same_mobile_number_is_refused(client, customer):
    response = client.post(
        reverse("accounts:signup"), _signup_data(phone=customer.phone)
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "phone" not in form.errors  # not said which (tests/accounts/test_signup.py)
    assert form.non_field_errors().as_data()[0].code == "account_exists"
    assert User.objects.filter(phone=customer.phone).count() == 1


# Filing a request ----------------------------------------------------------------------


@pytest.fixture
def file_url(new_connection):
    return reverse("requests:file", args=[new_connection.code])


def _document_types(service):
    return required_document_types(
        service=service, applicant_kind="individual", by_representative=False
    )


def _filing_data(office, service, **files):
    """A complete filing; `files` replace the upload of a document by its code."""
    data = {
        "office": office.pk,
        "premises_address": "45/6 หมู่ 3 ต.ศิลา อ.เมือง",
        "premises_province": "ขอนแก่น",
        "meter_size": MeterSize.objects.get(code="5(15)-1").pk,
        "contact_phone": "0812345678",
        "note": "",
    }
    for dt in _document_types(service):
        upload = files.get(dt.code, factories.pdf(f"{dt.code}.pdf"))
        if upload is not None:
            data[f"doc_{dt.pk}"] = upload
    return data


def test_filing_with_every_document_creates_the_request_and_shows_it(
    client, customer, office, new_connection, file_url
):
    client.force_login(customer)

    response = client.post(file_url, _filing_data(office, new_connection))

    created = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert created.applicant == customer
    assert created.office == office
    assert created.state == State.SUBMITTED
    assert created.premises_address == "45/6 หมู่ 3 ต.ศิลา อ.เมือง"
    assert created.documents.count() == len(_document_types(new_connection))
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert created.reference in detail.content.decode()


def test_the_filing_form_offers_branch_offices_and_prefills_the_phone(
    client, customer, offices, file_url
):
    client.force_login(customer)

    response = client.get(file_url)

    form = response.context["form"]
    assert set(form.fields["office"].queryset) == {
        offices["branch"],
        offices["other_branch"],
    }
    assert form.initial["contact_phone"] == customer.phone


def test_filing_a_text_file_named_pdf_shows_the_error_and_keeps_the_address(
    client, customer, office, new_connection, file_url
):
    sketch = DocumentType.objects.get(code="sketch-map")
    fake = SimpleUploadedFile("x.pdf", b"just some text, not a PDF at all\n")
    client.force_login(customer)

    response = client.post(
        file_url, _filing_data(office, new_connection, **{"sketch-map": fake})
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [f"doc_{sketch.pk}"]
    assert "x.pdf" in errors[f"doc_{sketch.pk}"][0]
    page = response.content.decode()
    assert f'id="id_doc_{sketch.pk}_error"' in page
    assert "45/6 หมู่ 3 ต.ศิลา อ.เมือง</textarea>" in page
    assert not ServiceRequest.objects.exists()


def test_filing_a_file_over_the_size_limit_shows_the_error(
    client, customer, office, new_connection, file_url, settings
):
    settings.DOCUMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 200 + b"\n%%EOF\n")
    premises = DocumentType.objects.get(code="premises-right")
    client.force_login(customer)

    response = client.post(
        file_url, _filing_data(office, new_connection, **{"premises-right": big})
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [f"doc_{premises.pk}"]
    assert "big.pdf" in errors[f"doc_{premises.pk}"][0]
    assert "100" in errors[f"doc_{premises.pk}"][0]
    assert not ServiceRequest.objects.exists()


def test_filing_without_a_required_document_names_the_missing_document(
    client, customer, office, new_connection, file_url
):
    id_card = DocumentType.objects.get(code="id-card")
    client.force_login(customer)

    response = client.post(
        file_url, _filing_data(office, new_connection, **{"id-card": None})
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [f"doc_{id_card.pk}"]
    assert id_card.name_th in errors[f"doc_{id_card.pk}"][0]
    assert html.escape(id_card.name_th) in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_staff_cannot_file_from_the_customer_screen(client, counter, file_url):
    client.force_login(counter)

    assert client.get(file_url).status_code == 403


# Adding a document after filing ---------------------------------------------------------


def _upload(client, req, upload):
    document_type = req.documents.first().document_type
    return client.post(
        reverse("requests:upload", args=[req.reference]),
        {"document_type": str(document_type.pk), "file": upload},
    )


def test_the_customer_adds_a_document_while_the_request_is_checked(
    client, customer, submitted_request
):
    client.force_login(customer)
    before = submitted_request.documents.count()

    response = _upload(client, submitted_request, factories.pdf("clearer.pdf"))

    assert response.status_code == 302
    assert submitted_request.documents.count() == before + 1
    added = submitted_request.documents.latest("pk")
    assert added.original_name == "clearer.pdf"
    assert added.uploaded_by == customer


def test_a_fake_document_added_later_is_refused_with_the_reason(
    client, customer, submitted_request
):
    client.force_login(customer)
    before = submitted_request.documents.count()

    response = _upload(
        client, submitted_request, SimpleUploadedFile("x.pdf", b"plain text")
    )

    assert response.status_code == 400
    assert "x.pdf" in response.context["upload_form"].errors["file"][0]
    assert submitted_request.documents.count() == before


def _offered(client, req) -> set[str]:
    form = client.get(req.get_absolute_url()).context["upload_form"]
    return {form.types[k].code for k, _ in form.fields["document_type"].choices}


def test_an_individual_is_offered_only_an_individual_s_documents(
    client, customer, submitted_request
):
    client.force_login(customer)
    offered = _offered(client, submitted_request)
    assert {"id-card", "house-registration", "premises-right"} <= offered
    assert not offered & {"company-certificate", "vat-registration", "signatory-id"}
    assert not offered & {"power-of-attorney", "representative-id"}
    # Nor can one be posted by its id.
    company = DocumentType.objects.get(code="company-certificate")
    response = client.post(
        reverse("requests:upload", args=[submitted_request.reference]),
        {"document_type": str(company.pk), "file": factories.pdf("c.pdf")},
    )
    assert response.status_code == 400
    assert "document_type" in response.context["upload_form"].errors


def test_a_representative_is_offered_the_power_of_attorney_too(
    client, customer, office
):
    req = factories.submit_request(
        customer=customer, office=office, by_representative=True
    )
    client.force_login(customer)
    offered = _offered(client, req)
    assert {"power-of-attorney", "representative-id", "id-card"} <= offered
    assert "company-certificate" not in offered


def test_a_company_is_offered_the_company_s_documents(client, office):
    company = factories.CustomerFactory(
        profile__kind=CustomerProfile.Kind.JURISTIC, profile__national_id="",
        profile__company_name="Acme", profile__juristic_registration_no="0105551234567",
    )  # fmt: skip
    req = factories.submit_request(customer=company, office=office)
    client.force_login(company)
    offered = _offered(client, req)
    assert {"company-certificate", "vat-registration", "signatory-id"} <= offered
    assert not offered & {"id-card", "power-of-attorney"}


def test_documents_cannot_be_added_once_the_request_is_accepted(
    client, customer, counter, submitted_request
):
    request_accept(request=submitted_request, user=counter)
    client.force_login(customer)
    before = submitted_request.documents.count()

    response = _upload(client, submitted_request, factories.pdf("late.pdf"))

    assert response.status_code == 302
    assert submitted_request.documents.count() == before


# Assignment ---------------------------------------------------------------------------------


def test_a_clerk_claims_a_request(client, counter, submitted_request):
    client.force_login(counter)

    response = client.post(
        reverse("staff:assign", args=[submitted_request.reference]), {"claim": "1"}
    )

    assert response.status_code == 302
    submitted_request.refresh_from_db()
    assert submitted_request.assigned_to == counter


def test_a_clerk_hands_a_request_to_a_colleague_of_the_office_only(
    client, counter, surveyor, other_counter, submitted_request
):
    client.force_login(counter)
    url = reverse("staff:assign", args=[submitted_request.reference])

    client.post(url, {"assignee": other_counter.pk})
    submitted_request.refresh_from_db()
    assert submitted_request.assigned_to is None

    client.post(url, {"assignee": surveyor.pk})
    submitted_request.refresh_from_db()
    assert submitted_request.assigned_to == surveyor


# The staff flow, screen by screen --------------------------------------------------------


def _local_input(dt) -> str:
    """What a datetime-local input sends: local (Bangkok) time, minutes."""
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _tomorrow_at(hour: int):
    from core.calendar import next_working_day

    day = next_working_day(timezone.localdate())  # bookings off hours warn first
    return timezone.make_aware(datetime.combine(day, time(hour)))


# The wiring checklist of a 5(15) A meter, every item to standard.
WIRING_OK = {
    "check_main_conductor": "yes",
    "check_ground_conductor": "yes",
    "check_main_breaker": "yes",
}


def act(client, req, action, fields=None, expected_state=None, follow=False):
    """POST a staff action form as the page would, with its prefix."""
    req.refresh_from_db()
    data = {"expected_state": expected_state or req.state}
    for name, value in (fields or {}).items():
        data[f"{action}-{name}"] = value
    return client.post(
        reverse("staff:act", args=[req.reference, action]), data, follow=follow
    )


def action_form(response, name):
    """The form the staff page shows for one action."""
    return next(a["form_obj"] for a in response.context["actions"] if a["name"] == name)


def _state(req) -> str:
    req.refresh_from_db()
    return req.state


def test_staff_walk_a_request_from_acceptance_to_an_open_account(
    client, counter, surveyor, technician, submitted_request
):
    req = submitted_request
    client.force_login(counter)
    response = act(client, req, "accept", {"note": "เอกสารครบ"})
    assert response.status_code == 302
    assert response["Location"] == req.staff_url()
    assert _state(req) == State.ACCEPTED

    survey_at = _tomorrow_at(10)
    response = act(
        client,
        req,
        "book_survey",
        {"scheduled_for": _local_input(survey_at), "assignee": surveyor.pk},
    )
    assert response.status_code == 302
    assert _state(req) == State.SURVEY_BOOKED
    appointment = Appointment.objects.get(request=req, kind="survey")
    assert appointment.scheduled_for == survey_at
    assert appointment.assignee == surveyor

    client.force_login(surveyor)
    response = act(client, req, "record_survey_passed", {**WIRING_OK, "findings": ""})
    assert response.status_code == 302
    assert _state(req) == State.SURVEYED

    client.force_login(counter)
    response = act(client, req, "quote_fees", {"note": ""})
    assert response.status_code == 302
    assert _state(req) == State.FEES_QUOTED
    invoice = Invoice.objects.get(request=req)
    assert invoice.total == Decimal("728.00")

    detail = client.get(req.staff_url())
    payment_form = action_form(detail, "record_payment")
    assert payment_form["amount"].value() == Decimal("728.00")
    assert 'name="record_payment-amount"' in detail.content.decode()

    response = act(client, req, "record_payment", {"amount": "728.00"})
    assert response.status_code == 302
    assert _state(req) == State.PAID
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID

    response = act(
        client,
        req,
        "book_installation",
        {"scheduled_for": _local_input(_tomorrow_at(14)), "assignee": technician.pk},
    )
    assert response.status_code == 302
    assert _state(req) == State.INSTALLATION_BOOKED

    client.force_login(technician)
    response = act(
        client,
        req,
        "record_installation",
        {"serial": "pea-0001", "first_reading": "0.0"},
        follow=True,
    )
    assert response.status_code == 200
    assert _state(req) == State.CLOSED
    account = ElectricityAccount.objects.get(request=req)
    assert account.meter.serial == "PEA-0001"
    assert account.ca_number in response.content.decode()
    assert response.context["actions"] == []
    assert list(
        RequestEvent.objects.filter(request=req, kind="transition").values_list(
            "action", flat=True
        )
    ) == [
        "submit",
        "accept",
        "book_survey",
        "record_survey_passed",
        "quote_fees",
        "record_payment",
        "book_installation",
        "record_installation",
        "close",
    ]


def test_the_customer_sees_the_ca_number_once_the_request_is_closed(
    client, counter, customer, submitted_request
):
    req = submitted_request
    client.force_login(counter)
    act(client, req, "accept")
    act(client, req, "book_survey", {"scheduled_for": _local_input(_tomorrow_at(9))})
    act(client, req, "record_survey_passed", WIRING_OK)
    act(client, req, "quote_fees")
    act(client, req, "record_payment", {"amount": "728.00"})
    act(
        client,
        req,
        "book_installation",
        {"scheduled_for": _local_input(_tomorrow_at(13))},
    )
    act(client, req, "record_installation", {"serial": "M-9", "first_reading": "12.5"})
    assert _state(req) == State.CLOSED

    client.force_login(customer)
    response = client.get(req.get_absolute_url())

    ca = ElectricityAccount.objects.get(request=req).ca_number
    assert f'data-testid="ca-number">{ca}<' in response.content.decode()
    assert 'class="badge badge-closed"' in response.content.decode()


def test_returning_for_documents_needs_a_reason_and_is_resubmitted_by_the_customer(
    client, counter, customer, submitted_request
):
    req = submitted_request
    client.force_login(counter)
    response = act(client, req, "return_for_documents", {"reason": ""})
    assert response.status_code == 400
    assert "reason" in action_form(response, "return_for_documents").errors
    assert response.context["open_action"] == "return_for_documents"
    assert _state(req) == State.SUBMITTED

    response = act(client, req, "return_for_documents", {"reason": "แผนที่ไม่ชัด"})
    assert response.status_code == 302
    assert _state(req) == State.RETURNED

    client.force_login(customer)
    page = client.get(req.get_absolute_url()).content.decode()
    assert "แผนที่ไม่ชัด" in page
    response = client.post(
        reverse("requests:action", args=[req.reference, "resubmit"]),
        {"expected_state": "returned", "note": "แนบใหม่แล้ว"},
    )
    assert response.status_code == 302
    assert _state(req) == State.SUBMITTED


def test_booking_a_survey_in_the_past_shows_the_error_and_books_nothing(
    client, counter, submitted_request
):
    req = submitted_request
    client.force_login(counter)
    act(client, req, "accept")

    yesterday = timezone.now() - timedelta(days=1)
    response = act(
        client, req, "book_survey", {"scheduled_for": _local_input(yesterday)}
    )

    assert response.status_code == 400
    form = action_form(response, "book_survey")
    assert form.errors["scheduled_for"] == [thai("Choose a time in the future.")]
    assert _state(req) == State.ACCEPTED
    assert not Appointment.objects.filter(request=req).exists()


def test_a_wrong_cash_amount_is_refused_on_the_form(client, counter, submitted_request):
    req = submitted_request
    client.force_login(counter)
    act(client, req, "accept")
    act(client, req, "quote_fees")

    response = act(client, req, "record_payment", {"amount": "700.00"})

    assert response.status_code == 400
    form = action_form(response, "record_payment")
    assert "amount" in form.errors
    assert _state(req) == State.FEES_QUOTED


def test_a_stale_form_says_someone_else_changed_the_request_and_changes_nothing(
    client, counter, supervisor, submitted_request
):
    req = submitted_request
    client.force_login(counter)
    # The clerk opened the page while the request was "submitted"; meanwhile
    # the supervisor accepted it. Rejecting is still possible, but not on what
    # the clerk saw.
    request_accept(request=req, user=supervisor)
    events_before = RequestEvent.objects.filter(request=req).count()

    response = act(
        client,
        req,
        "reject",
        {"reason": "ไม่มีสิทธิในที่ดิน"},
        expected_state="submitted",
        follow=True,
    )

    assert response.redirect_chain == [(req.staff_url(), 302)]
    with translation.override("th"):
        assert page_messages(response) == [str(ConcurrentChange.default_message)]
    assert _state(req) == State.ACCEPTED
    assert req.rejection_reason == ""
    assert RequestEvent.objects.filter(request=req).count() == events_before


def test_a_stale_form_says_so_in_english_too(
    client, counter, supervisor, submitted_request
):
    client.cookies["pea_language"] = "en"
    client.force_login(counter)
    request_accept(request=submitted_request, user=supervisor)

    response = act(
        client,
        submitted_request,
        "reject",
        {"reason": "No right to the land"},
        expected_state="submitted",
        follow=True,
    )

    [message] = page_messages(response)
    assert message.startswith("Someone else changed this request")
    assert _state(submitted_request) == State.ACCEPTED


def test_a_stale_customer_cancel_changes_nothing(
    client, customer, counter, submitted_request
):
    req = submitted_request
    request_accept(request=req, user=counter)
    client.force_login(customer)

    response = client.post(
        reverse("requests:action", args=[req.reference, "cancel"]),
        {"expected_state": "submitted", "reason": ""},
        follow=True,
    )

    with translation.override("th"):
        assert page_messages(response) == [str(ConcurrentChange.default_message)]
    assert _state(req) == State.ACCEPTED


def test_an_action_no_longer_allowed_says_so_and_changes_nothing(
    client, counter, submitted_request
):
    req = submitted_request
    client.force_login(counter)
    act(client, req, "accept", follow=True)  # reads its "done" message

    response = act(client, req, "accept", follow=True)

    assert response.redirect_chain == [(req.staff_url(), 302)]
    with translation.override("th"):
        expected = gettext(
            "This action is no longer possible: the request is now “%(state)s”."
        ) % {"state": State.ACCEPTED.label}
    assert page_messages(response) == [expected]
    assert _state(req) == State.ACCEPTED
    assert RequestEvent.objects.filter(request=req, action="accept").count() == 1


def test_a_surveyor_cannot_take_a_counter_action(client, surveyor, submitted_request):
    client.force_login(surveyor)

    response = act(client, submitted_request, "accept", follow=True)

    assert response.status_code == 403  # never offered to the role
    assert _state(submitted_request) == State.SUBMITTED


def test_an_unknown_action_changes_nothing(client, counter, submitted_request):
    client.force_login(counter)

    response = act(client, submitted_request, "explode", follow=True)

    assert response.status_code == 403
    assert _state(submitted_request) == State.SUBMITTED


def test_the_staff_detail_offers_the_actions_of_the_current_state(
    client, counter, submitted_request
):
    client.force_login(counter)

    response = client.get(submitted_request.staff_url())

    names = [a["name"] for a in response.context["actions"]]
    # The step that moves the request forward first, refusals last.
    assert names == ["accept", "return_for_documents", "cancel", "reject"]
    page = response.content.decode()
    for name in names:
        assert (
            f'action="{reverse("staff:act", args=[submitted_request.reference, name])}"'
            in page
        )
    assert 'name="expected_state" value="submitted"' in page


# The office queue ------------------------------------------------------------------------


@pytest.fixture
def somchai(db):
    return factories.CustomerFactory(
        username="somchai", first_name="สมชาย", last_name="ใจดี", phone="0812223333"
    )


@pytest.fixture
def malee(db):
    return factories.CustomerFactory(
        username="malee", first_name="มาลี", last_name="ศรีสุข", phone="0869998888"
    )


@pytest.fixture
def two_requests(office, somchai, malee, new_connection):
    return (
        factories.submit_request(customer=somchai, office=office),
        factories.submit_request(customer=malee, office=office),
    )


def queue_refs(client, **params) -> list[str]:
    response = client.get(reverse("staff:queue"), params)
    assert response.status_code == 200
    return [row["r"].reference for row in response.context["rows"]]


def test_the_queue_finds_a_request_by_its_reference(client, counter, two_requests):
    first, second = two_requests
    client.force_login(counter)

    assert queue_refs(client, q=second.reference) == [second.reference]
    assert queue_refs(client, q=second.reference.lower()) == [second.reference]


def test_the_queue_finds_a_request_by_the_customers_name(client, counter, two_requests):
    first, second = two_requests
    client.force_login(counter)

    assert queue_refs(client, q="สมชาย") == [first.reference]
    assert queue_refs(client, q="ศรีสุข") == [second.reference]


def test_the_queue_finds_a_request_by_the_last_digits_of_the_phone(
    client, counter, two_requests
):
    first, second = two_requests
    client.force_login(counter)

    assert queue_refs(client, q="3333") == [first.reference]
    assert queue_refs(client, q="086-999-8888") == [second.reference]


def test_the_queue_shows_nothing_for_a_search_that_matches_nobody(
    client, counter, two_requests
):
    client.force_login(counter)

    response = client.get(reverse("staff:queue"), {"q": "ไม่มีใคร"})

    assert response.context["rows"] == []
    assert html.escape(thai("No request matches these filters.")) in (
        response.content.decode()
    )


def test_the_queue_filters_by_state(client, counter, two_requests):
    first, second = two_requests
    request_accept(request=second, user=counter)
    client.force_login(counter)

    assert queue_refs(client, state="accepted") == [second.reference]
    assert queue_refs(client, state="submitted") == [first.reference]
    assert sorted(queue_refs(client)) == sorted([first.reference, second.reference])


def test_the_queue_leaves_out_finished_requests_unless_asked_for(
    client, counter, customer, two_requests
):
    first, second = two_requests
    client.force_login(counter)
    client.post(
        reverse("staff:act", args=[first.reference, "reject"]),
        {"expected_state": "submitted", "reject-reason": "ไม่ใช่พื้นที่บริการ"},
    )
    assert _state(first) == State.REJECTED

    assert queue_refs(client) == [second.reference]
    assert queue_refs(client, state="rejected") == [first.reference]


def _next_page_link(response) -> str:
    match = re.search(
        r'<nav class="pager".*?<a href="([^"]+)">', response.content.decode(), re.S
    )
    assert match, "no link to the next page"
    return reverse("staff:queue") + html.unescape(match.group(1))


def test_the_queue_pages_through_the_filtered_results(
    client, counter, office, somchai, malee, monkeypatch
):
    monkeypatch.setattr("requests_app.staff_views.PAGE_SIZE", 1)
    mine = [factories.submit_request(customer=somchai, office=office) for _ in range(2)]
    factories.submit_request(customer=malee, office=office)
    client.force_login(counter)

    first = client.get(reverse("staff:queue"), {"q": "สมชาย", "state": "submitted"})
    second = client.get(_next_page_link(first))

    assert second.context["params"] == {
        "state": "submitted",
        "service": "",
        "q": "สมชาย",
        "department": "",
    }
    seen = [
        row["r"].reference for page in (first, second) for row in page.context["rows"]
    ]
    assert sorted(seen) == sorted(r.reference for r in mine)


def test_the_queue_page_links_keep_a_search_containing_an_ampersand(
    client, counter, office, monkeypatch
):
    monkeypatch.setattr("requests_app.staff_views.PAGE_SIZE", 1)
    company = factories.CustomerFactory(
        username="ab",
        profile__kind="juristic",
        profile__national_id="",
        profile__company_name="A&B Trading",
        profile__juristic_registration_no="0105551234567",
    )
    for _ in range(2):
        factories.submit_request(customer=company, office=office)
    client.force_login(counter)

    first = client.get(reverse("staff:queue"), {"q": "A&B"})
    assert len(first.context["rows"]) == 1
    second = client.get(_next_page_link(first))

    assert second.context["params"]["q"] == "A&B"
    assert len(second.context["rows"]) == 1


def test_counter_staff_cancel_a_walk_in_request_with_a_reason(
    client, counter, submitted_request
):
    client.force_login(counter)
    url = reverse("staff:act", args=[submitted_request.reference, "cancel"])
    client.post(url, {"expected_state": "submitted", "cancel-reason": "ลูกค้าขอยกเลิก"})

    submitted_request.refresh_from_db()
    assert submitted_request.state == "cancelled"
    assert submitted_request.events.last().message == "ลูกค้าขอยกเลิก"


def test_the_queue_finds_a_customer_by_a_plus66_phone_number(client, counter, office):
    customer = factories.CustomerFactory(username="p66", phone="0812223334")
    req = factories.submit_request(customer=customer, office=office)
    client.force_login(counter)

    response = client.get(reverse("staff:queue"), {"q": "+66812223334"})

    assert [row["r"].reference for row in response.context["rows"]] == [req.reference]


def test_a_step_the_role_may_never_take_is_refused_as_such(
    client, surveyor, submitted_request
):
    client.force_login(surveyor)
    url = reverse("staff:act", args=[submitted_request.reference, "accept"])

    response = client.post(url, {"expected_state": "submitted"}, follow=True)

    assert response.status_code == 403
    with translation.override("th"):
        said = translation.gettext("You may not do this on this request.")
    assert said in response.content.decode()
    submitted_request.refresh_from_db()
    assert submitted_request.state == "submitted"

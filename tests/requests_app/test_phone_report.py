"""Charter §3.11: a correction in a public area may be reported by phone.
Counter staff file it for the caller (name, number, place); nothing is
uploaded, and the request is accepted without documents."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from meters.selectors import default_meter_size
from requests_app import services as rs
from requests_app.models import ServiceRequest, ServiceType
from tests import factories

pytestmark = pytest.mark.django_db


def _call(office, **extra):
    return {
        "service": ServiceType.objects.get(code="correction-public").pk,
        "caller_first_name": "สมหญิง",
        "caller_last_name": "ใจดี",
        "contact_phone": "089-555-1234",
        "office": office.pk,
        "premises_address": "หน้าโรงเรียนบ้านหนองไผ่ เสาต้นที่ 12",
        "premises_province": "ขอนแก่น",
        "note": "เสาไฟฟ้าเอียง สายหย่อนต่ำ",
        "preferred_language": "th",
        "national_id": factories.national_id(5151),
        **extra,
    }


def test_counter_staff_file_a_phone_report_for_a_new_caller_without_documents(
    client, counter, office
):
    client.force_login(counter)
    response = client.post(reverse("staff:phone_report"), _call(office))
    created = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.staff_url()
    assert (created.channel, created.service.code, created.created_by) == (
        "phone", "correction-public", counter,
    )  # fmt: skip
    assert created.contact_phone == "0895551234"
    assert created.premises_address.startswith("หน้าโรงเรียน")
    assert not created.documents.exists()
    caller = User.objects.get(phone="0895551234")
    assert (caller.first_name, caller.last_name, caller.role) == (
        "สมหญิง", "ใจดี", "customer",
    )  # fmt: skip
    assert not caller.has_usable_password()
    assert caller.profile.national_id == factories.national_id(5151)
    # No "documents missing" for the phone channel: the report is accepted.
    page = client.get(created.staff_url()).content.decode()
    assert "Documents missing" not in page and "เอกสารไม่ครบ" not in page
    assert rs.request_accept(request=created, user=counter).state == "accepted"
    filed = created.events.first()
    assert filed.message_key == "taken_by_phone"
    with translation.override("en"):
        assert filed.shown_message.startswith("Taken by phone")
    with translation.override("th"):
        assert "โทรศัพท์" in filed.shown_message


def test_a_caller_known_by_their_mobile_number_gets_it_on_their_account(
    client, counter, customer, office
):
    client.force_login(counter)
    client.post(
        reverse("staff:phone_report"), _call(office, contact_phone=customer.phone)
    )
    assert ServiceRequest.objects.get().applicant == customer
    assert User.objects.filter(role="customer").count() == 1


def test_a_phone_report_needs_who_and_where(client, counter, office):
    client.force_login(counter)
    response = client.post(
        reverse("staff:phone_report"),
        _call(office, caller_first_name="", premises_address="", contact_phone="12"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"caller_first_name", "premises_address", "contact_phone"} <= set(
        form.errors
    )
    assert not ServiceRequest.objects.exists()


def test_only_services_the_charter_takes_by_phone(customer, office, counter):
    premises = ServiceType.objects.get(code="correction-premises")
    assert not premises.takes_phone_reports
    with pytest.raises(ValidationError):
        rs.request_submit(
            applicant=customer, service=premises, documents={}, created_by=counter,
            channel="phone",
            data={"office": office, "premises_address": "x", "meter_size":
                  default_meter_size(), "contact_phone": customer.phone},
        )  # fmt: skip
    # Online, the ID card and the sketch map are still asked for.
    public = ServiceType.objects.get(code="correction-public")
    with pytest.raises(ValidationError):
        rs.request_submit(
            applicant=customer, service=public, documents={}, created_by=customer,
            data={"office": office, "premises_address": "x", "meter_size":
                  default_meter_size(), "contact_phone": customer.phone},
        )  # fmt: skip


def test_customers_and_field_staff_cannot_take_phone_reports(
    client, customer, surveyor, other_counter, office
):
    for user in (customer, surveyor):
        client.force_login(user)
        assert client.get(reverse("staff:phone_report")).status_code == 403
    # Staff of another office cannot file at this one.
    client.force_login(other_counter)
    response = client.post(reverse("staff:phone_report"), _call(office))
    assert response.status_code == 200
    assert "office" in response.context["form"].errors
    assert not ServiceRequest.objects.exists()


def test_the_queue_offers_the_phone_report(client, counter):
    client.force_login(counter)
    assert (
        reverse("staff:phone_report")
        in client.get(reverse("staff:queue")).content.decode()
    )


def test_a_new_caller_is_asked_for_their_id_number_not_a_copy(client, counter, office):
    client.force_login(counter)
    response = client.post(reverse("staff:phone_report"), _call(office, national_id=""))
    assert response.status_code == 200
    assert "national_id" in response.context["form"].errors
    assert not ServiceRequest.objects.exists()
    assert not User.objects.filter(phone="0895551234").exists()

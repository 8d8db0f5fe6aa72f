"""Counter staff file a request for a walk-in customer."""

import pytest
from django.urls import reverse

from accounts.models import User
from meters.models import MeterSize
from requests_app.models import ServiceRequest
from requests_app.services import required_document_types
from tests import factories

pytestmark = pytest.mark.django_db


def _request_fields(office, service, kind):
    data = {
        "step": "file",
        "kind": kind,
        "office": office.pk,
        "premises_address": "7 หมู่ 2 ต.บ้านเป็ด อ.เมือง",
        "premises_province": "ขอนแก่น",
        "meter_size": MeterSize.objects.get(code="5(15)-1").pk,
        "contact_phone": "0877777777",
    }
    for dt in required_document_types(
        service=service, applicant_kind=kind, by_representative=False
    ):
        data[f"doc_{dt.pk}"] = factories.pdf(f"{dt.code}.pdf")
    return data


def test_it_files_for_a_new_walk_in_customer_and_creates_their_account(
    client, counter, office, new_connection
):
    client.force_login(counter)
    data = _request_fields(office, new_connection, "individual")
    data.update(
        {
            "c-first_name": "ประยูร",
            "c-last_name": "มาหา",
            "c-phone": "0877777777",
            "c-national_id": factories.national_id(4242),
            "c-preferred_language": "th",
        }
    )
    response = client.post(reverse("staff:file"), data)

    created = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.staff_url()
    assert created.channel == "counter"
    assert created.created_by == counter
    customer = User.objects.get(phone="0877777777")
    assert created.applicant == customer
    assert not customer.has_usable_password()
    assert customer.profile.national_id == factories.national_id(4242)


def test_it_files_for_a_customer_found_by_national_id(
    client, counter, customer, office, new_connection
):
    client.force_login(counter)
    data = _request_fields(office, new_connection, "individual")
    data["lookup"] = customer.profile.national_id
    response = client.post(reverse("staff:file"), data)

    assert response.status_code == 302
    assert ServiceRequest.objects.get().applicant == customer
    assert User.objects.filter(role="customer").count() == 1


def test_a_juristic_walk_in_is_asked_for_the_company_documents(client, counter, office):
    client.force_login(counter)
    page = client.get(reverse("staff:file") + "?kind=juristic").content.decode()
    assert "company-certificate" not in page  # codes are not shown, names are
    assert "ภ.พ.20" in page or "P.P.20" in page


def test_the_customer_kind_is_fixed_without_an_empty_question(client, counter):
    """The kind is chosen before the form (it decides the documents): the new
    customer's form carries it hidden, with no "I am" label above nothing."""
    client.force_login(counter)
    page = client.get(reverse("staff:file") + "?kind=juristic").content.decode()
    assert 'type="hidden" name="kind" value="juristic"' in page
    assert 'for="id_kind"' not in page and ">ท่านเป็น<" not in page


def test_a_rejected_walk_in_form_keeps_what_was_typed_and_creates_nothing(
    client, counter, office, new_connection
):
    client.force_login(counter)
    data = _request_fields(office, new_connection, "individual")
    data.update(
        {
            "c-first_name": "ประยูร",
            "c-last_name": "มาหา",
            "c-phone": "0877777777",
            "c-national_id": "1234567890123",  # checksum fails
            "c-preferred_language": "th",
        }
    )
    response = client.post(reverse("staff:file"), data)

    assert response.status_code == 200
    assert "c-national_id" in response.context["customer_form"].errors or (
        "national_id" in response.context["customer_form"].errors
    )
    html = response.content.decode()
    assert 'value="ประยูร"' in html
    assert "7 หมู่ 2 ต.บ้านเป็ด อ.เมือง" in html
    assert not ServiceRequest.objects.exists()
    assert not User.objects.filter(phone="0877777777").exists()


def test_customers_cannot_open_the_walk_in_screen(client, customer):
    client.force_login(customer)
    assert client.get(reverse("staff:file")).status_code == 403


def test_field_staff_see_their_appointments_soonest_first(
    client, counter, surveyor, submitted_request, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from requests_app import services

    req = services.request_accept(request=submitted_request, user=counter)
    when = timezone.now() + timedelta(days=1)
    services.request_book_survey(
        request=req, user=counter, scheduled_for=when, assignee=surveyor
    )
    client.force_login(surveyor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("staff:my_work"))
    assert response.status_code == 200
    assert req.reference in response.content.decode()
    assert req.premises_address in response.content.decode()


# Counter roles only, at their own office (issue 15) -----------------------------------


def _new_customer(data, phone="0877777777"):
    data.update({"c-first_name": "ประยูร", "c-last_name": "มาหา", "c-phone": phone,
                 "c-national_id": factories.national_id(4242),
                 "c-preferred_language": "th"})  # fmt: skip
    return data


def test_field_staff_neither_create_customers_nor_file_walk_ins(
    client, surveyor, technician, office, new_connection
):
    for user in (surveyor, technician):
        client.force_login(user)
        assert client.get(reverse("staff:file")).status_code == 403
        data = _new_customer(_request_fields(office, new_connection, "individual"))
        assert client.post(reverse("staff:file"), data).status_code == 403
    assert not User.objects.filter(role="customer").exists()
    assert not ServiceRequest.objects.exists()


def test_counter_staff_file_at_their_own_office_only(
    client, other_counter, office, other_office, new_connection
):
    """Udon Thani's counter cannot file at the Khon Kaen office: the office
    list holds their own office only, and a posted other office is refused
    with the form kept."""
    client.force_login(other_counter)
    page = client.get(reverse("staff:file"))
    assert list(page.context["form"].fields["office"].queryset) == [other_office]

    data = _new_customer(_request_fields(office, new_connection, "individual"))
    response = client.post(reverse("staff:file"), data)

    assert response.status_code == 200
    assert "office" in response.context["form"].errors
    assert "7 หมู่ 2 ต.บ้านเป็ด อ.เมือง</textarea>" in response.content.decode()
    assert not ServiceRequest.objects.exists()
    assert not User.objects.filter(role="customer").exists()

    data = _new_customer(_request_fields(other_office, new_connection, "individual"))
    assert client.post(reverse("staff:file"), data).status_code == 302
    assert ServiceRequest.objects.get().office == other_office


def test_a_supervisor_files_at_the_offices_they_supervise(
    client, supervisor, office, other_office, new_connection
):
    client.force_login(supervisor)
    offices = set(
        client.get(reverse("staff:file")).context["form"].fields["office"].queryset
    )
    assert office in offices and other_office not in offices

    data = _new_customer(_request_fields(office, new_connection, "individual"))
    assert client.post(reverse("staff:file"), data).status_code == 302
    assert ServiceRequest.objects.get().office == office


# The lookup says why it found no one and keeps what was typed (issue 18) ---------------


def test_a_lookup_with_a_wrong_check_digit_says_so_and_keeps_the_id(
    client, counter, customer
):
    client.force_login(counter)
    client.cookies["pea_language"] = "en"
    typed = "1-2345-67890-12-3"  # as printed on the card; the checksum fails
    response = client.post(reverse("staff:file"), {"lookup": typed})

    html = response.content.decode()
    assert response.status_code == 200 and response.context["found"] is None
    assert "1-2345-67890-12-3 is not a valid national ID number" in html
    assert "the check digit" in html and "No customer found" not in html
    assert f'value="{typed}"' in html and 'aria-invalid="true"' in html
    # Kept for the new customer's details too, where filing checks it again.
    assert response.context["customer_form"]["national_id"].value() == "1234567890123"


def test_a_valid_id_or_number_not_found_goes_into_the_new_customer_s_details(
    client, counter, customer
):
    client.force_login(counter)
    client.cookies["pea_language"] = "en"
    nid = factories.national_id(777)
    response = client.post(reverse("staff:file"), {"lookup": nid})
    assert "No customer found" in response.content.decode()
    assert "not a valid national ID" not in response.content.decode()
    assert response.context["customer_form"]["national_id"].value() == nid

    response = client.post(reverse("staff:file"), {"lookup": "086-555-1234"})
    assert response.context["customer_form"]["phone"].value() == "0865551234"
    assert response.context["form"]["contact_phone"].value() == "0865551234"


def test_the_thai_lookup_error_is_in_thai(client, counter):
    client.force_login(counter)
    html = client.post(reverse("staff:file"), {"lookup": "1234567890123"})
    assert "1-2345-67890-12-3 ไม่ใช่เลขประจำตัวประชาชนที่ถูกต้อง" in html.content.decode()

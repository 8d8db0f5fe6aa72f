"""What the customer sees first and is told (issue 18, items 2-4): the one
thing to do or to expect next at the top of their request, the visit's date,
time and who comes in SMS and e-mail, the amount due on "my requests"; staff
notes stay internal, the message to the customer is said to be one."""

from django.urls import reverse
from django.utils import translation

from core.dates import format_date
from notifications.models import OutboxMessage
from requests_app.models import RequestEvent
from tests.requests_app.test_views import _local_input, _tomorrow_at, act


def _top_box(response) -> str:
    page = response.content.decode()
    start = page.index('<div class="status-box">')
    return page[start : page.index('<div class="two-col">', start)]


def _sms(request) -> str:
    return (
        OutboxMessage.objects.filter(request=request, channel="sms")
        .order_by("-pk")
        .values_list("body", flat=True)
        .first()
    )


def test_staff_notes_stay_internal_and_the_message_reaches_the_customer(
    client, counter, customer, submitted_request
):
    req = submitted_request
    client.force_login(counter)
    act(client, req, "accept", {"note": "โทรนัดแล้ว", "message": "See you soon"})
    event = RequestEvent.objects.get(request=req, action="accept")
    assert (event.note, event.message) == ("โทรนัดแล้ว", "See you soon")

    staff_page = client.get(req.staff_url()).content.decode()
    assert "โทรนัดแล้ว" in staff_page and "See you soon" in staff_page
    assert "Shown on the customer" in staff_page or "แสดงในหน้าคำร้องของลูกค้า" in (
        staff_page
    )

    client.force_login(customer)
    page = client.get(req.get_absolute_url()).content.decode()
    assert "See you soon" in page
    assert "โทรนัดแล้ว" not in page
    sms = _sms(req)
    assert "See you soon" in sms and "โทรนัดแล้ว" not in sms

    api = client.get(f"/api/v1/requests/{req.reference}/").json()
    accepted = next(e for e in api["timeline"] if e["action"] == "accept")
    assert accepted["note"] == "" and accepted["message"] == "See you soon"


def test_the_booked_visit_is_at_the_top_and_in_the_sms(
    client, counter, surveyor, customer, submitted_request
):
    req = submitted_request
    client.force_login(counter)
    act(client, req, "accept", {"note": ""})
    when = _tomorrow_at(10)
    act(
        client,
        req,
        "book_survey",
        {"scheduled_for": _local_input(when), "assignee": surveyor.pk},
    )
    language = customer.preferred_language or "th"
    with translation.override(language):
        shown = format_date(when, with_time=True)
    assert shown in _sms(req)

    client.force_login(customer)
    with translation.override(language):
        box = _top_box(client.get(req.get_absolute_url()))
    assert shown in box
    assert surveyor.get_full_name() in box


def test_an_unpaid_invoice_puts_the_amount_and_pay_first(
    client, counter, surveyor, customer, submitted_request
):
    from tests.requests_app.test_views import WIRING_OK

    req = submitted_request
    client.force_login(counter)
    act(client, req, "accept", {"note": ""})
    act(
        client,
        req,
        "book_survey",
        {"scheduled_for": _local_input(_tomorrow_at(10)), "assignee": surveyor.pk},
    )
    client.force_login(surveyor)
    act(client, req, "record_survey_passed", {**WIRING_OK, "findings": ""})
    client.force_login(counter)
    act(client, req, "quote_fees", {"note": ""})

    client.force_login(customer)
    box = _top_box(client.get(req.get_absolute_url()))
    assert "728.00" in box and "data-pay-now" in box
    assert reverse("payments:pay", args=[req.invoices.get().number]) in box

    mine = client.get(reverse("requests:mine")).content.decode()
    assert "data-due" in mine and "728.00" in mine


def test_no_amount_due_shows_nothing_to_pay(client, customer, submitted_request):
    client.force_login(customer)
    assert "data-pay-now" not in _top_box(
        client.get(submitted_request.get_absolute_url())
    )
    assert "data-due" not in client.get(reverse("requests:mine")).content.decode()


def test_the_portals_own_notes_are_shown_in_the_readers_language(customer, office):
    from tests import factories

    with translation.override("th"):  # a Thai clerk's, or a Thai browser's, step
        req = factories.submit_request(customer=customer, office=office)
    event = RequestEvent.objects.get(request=req, action="submit")
    assert event.message_key == "documents_attached" and event.message == ""
    n = event.message_params["n"]
    with translation.override("en"):
        english = event.shown_message
    with translation.override("th"):
        thai = event.shown_message
    assert str(n) in english and "attached" in english
    assert str(n) in thai and "แนบเอกสาร" in thai

"""Reconnection counts the days to the payment date (charter §3.7; issue 16,
case 5): an invoice is payable only until the last day of the band it was
priced in, then it expires and a new one is priced; from day 90 no payment is
taken at all, at the counter or online, and the customer is offered the new
connection and the refund of the deposit instead."""

import json
import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from meters.services import disconnection_record, reconnection_file
from payments.models import Invoice, Payment, ProviderEvent, Receipt
from payments.provider import sign
from payments.services import payment_record_cash
from requests_app.models import ServiceRequest, ServiceType
from sla.models import Clock
from tests import factories

pytestmark = pytest.mark.django_db
BKK = ZoneInfo("Asia/Bangkok")
SECRET = "dev-fakepay-secret"


def bkk(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BKK)


@pytest.fixture
def at(monkeypatch):
    """Set the time the services see."""

    def set_(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_


@pytest.fixture
def account(customer, office):
    return factories.account_for(customer, office)  # 5(15) A 1φ, deposit 300


def _file(account, counter, at, *, cut_on: date, filed: datetime, offset: bool):
    at(bkk(cut_on.year, cut_on.month, cut_on.day, 9))
    disconnection_record(
        account=account, disconnected_on=cut_on, outstanding=Decimal("850.00"),
        deposit_offset=offset, user=counter,
    )  # fmt: skip
    at(filed)
    return reconnection_file(
        applicant=account.customer,
        service=ServiceType.objects.get(code="reconnection"),
        account=account, data={"contact_phone": "0812345678"},
        created_by=account.customer,
    )  # fmt: skip


def _kinds(invoice):
    return sorted(line.kind for line in invoice.lines.all())


@pytest.fixture
def day_29(account, counter, at):
    """Disconnected Tue 10 Nov 2026, deposit offset; filed Wed 9 Dec (29 days)."""
    return _file(
        account, counter, at, cut_on=date(2026, 11, 10),
        filed=bkk(2026, 12, 9, 10), offset=True,
    )  # fmt: skip


@pytest.fixture
def day_89(account, counter, at):
    """Disconnected Fri 11 Sep 2026; filed Wed 9 Dec (89 days)."""
    return _file(
        account, counter, at, cut_on=date(2026, 9, 11),
        filed=bkk(2026, 12, 9, 10), offset=True,
    )  # fmt: skip


# The invoice does not outlive its band ----------------------------------------


def test_the_invoice_is_due_by_the_last_day_of_its_band(day_29):
    invoice = day_29.invoices.get()
    assert _kinds(invoice) == ["bill", "fee"]  # 8–29 days: no new deposit
    assert invoice.due_date == date(2026, 12, 9)  # day 29, not 30 days on


def test_paid_on_day_30_at_the_counter_is_refused_and_priced_again(day_29, counter, at):
    old = day_29.invoices.get()
    at(bkk(2026, 12, 10, 10))  # Thu 10 Dec: 30 days
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        payment_record_cash(invoice=old, user=counter, amount=old.total)
    message = exc.value.message_dict["amount"][0]
    assert "could be paid until 9 Dec 2026" in message
    assert not Payment.objects.exists() and not Receipt.objects.exists()
    old.refresh_from_db()
    assert old.status == Invoice.Status.EXPIRED and old.paid_at is None
    r = ServiceRequest.objects.get(pk=day_29.pk)
    assert r.state == "fees_quoted" and r.paid_at is None
    assert not Clock.objects.filter(request=r).exists()
    # The new invoice is for 30–89 days: the new deposit is due.
    new = r.invoices.get(status=Invoice.Status.UNPAID)
    assert _kinds(new) == ["bill", "deposit", "fee"]
    assert new.total == Decimal("1257.00")  # 850 + 107 + 300
    assert new.due_date == date(2027, 1, 9)  # 30 days on (day 89 is 7 Feb)
    assert f"{new.number} of 1,257.00 baht" in message
    assert r.events.filter(action="reissue_invoice", actor__isnull=True).exists()

    # Paid the same day: the new-deposit promise, 1 working day (Thu 10 Dec
    # is Constitution Day, a holiday: by Fri 11 Dec 16:30).
    payment_record_cash(invoice=new, user=counter, amount=new.total)
    r.refresh_from_db()
    assert r.state == "paid"
    clock = Clock.objects.get(request=r)
    assert clock.step_code == "reconnect-89"
    assert r.due_at == bkk(2026, 12, 11, 16, 30)


def test_paid_on_day_91_is_refused_and_the_request_with_it(day_89, counter, at):
    invoice = day_89.invoices.get()
    assert invoice.due_date == date(2026, 12, 9)  # day 89: the band's last day
    at(bkk(2026, 12, 11, 10))  # Fri 11 Dec: 91 days
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    message = exc.value.message_dict["amount"][0]
    assert message.startswith("No payment can be taken.")
    assert "disconnected for 91 days" in message and "new connection" in message
    assert not Payment.objects.exists()
    r = ServiceRequest.objects.get(pk=day_89.pk)
    assert r.state == "rejected" and r.paid_at is None
    assert r.events.filter(action="refuse_after_90_days").exists()
    # Why, in the reader's language (refused by the system, read by anyone).
    assert r.rejection_reason == ""
    with translation.override("en"):
        assert "disconnected for 91 days" in r.shown_rejection_reason
    with translation.override("th"):
        assert "91" in r.shown_rejection_reason
        assert "disconnected" not in r.shown_rejection_reason
    assert not r.invoices.filter(status=Invoice.Status.UNPAID).exists()
    assert not Clock.objects.filter(request=r).exists()
    assert r.account.disconnections.get().reconnected_at is None


def test_on_day_90_a_payment_is_refused_even_by_its_due_date(account, counter, at):
    """Filed on day 60 the invoice would be due 30 days on, day 90: capped."""
    r = _file(
        account, counter, at, cut_on=date(2026, 9, 11),
        filed=bkk(2026, 11, 10, 10), offset=False,
    )  # fmt: skip
    invoice = r.invoices.get()
    assert invoice.due_date == date(2026, 12, 9)  # day 89, not 10 Dec
    at(bkk(2026, 12, 10, 9))  # day 90
    with pytest.raises(ValidationError):
        payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    assert not Payment.objects.exists()


def test_the_beat_expires_the_invoice_the_day_the_band_changes(day_29, at):
    from meters.services import reconnection_invoices_renew

    at(bkk(2026, 12, 9, 23, 59))
    assert reconnection_invoices_renew() == 0
    at(bkk(2026, 12, 10, 0, 5))
    assert reconnection_invoices_renew() == 1
    assert reconnection_invoices_renew() == 0  # safe to run twice
    statuses = sorted(day_29.invoices.values_list("status", flat=True))
    assert statuses == ["expired", "unpaid"]


# Online: refused before the provider takes money; a late callback is rejected
# whole ---------------------------------------------------------------------------


def _callback(client, invoice, *, event="evt_1", txn="txn_1"):
    data = json.dumps({
        "id": event, "type": "charge.succeeded",
        "data": {"transaction_id": txn, "reference": invoice.number,
                 "amount": str(invoice.total), "currency": "THB"},
    }).encode()  # fmt: skip
    header = sign(data, secret=SECRET, timestamp=int(time.time()))
    return client.post(
        reverse("payments:callback"), data, content_type="application/json",
        HTTP_X_PEA_PAY_SIGNATURE=header,
    )  # fmt: skip


@pytest.fixture
def inline(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PAYMENT_PROVIDER_SECRETS = [SECRET]


@pytest.mark.parametrize(("fixture", "paid", "state"), [
    ("day_29", bkk(2026, 12, 10, 10), "fees_quoted"),
    ("day_89", bkk(2026, 12, 11, 10), "rejected"),
])  # fmt: skip
def test_a_callback_past_the_band_is_rejected_with_its_reason(
    request, client, inline, at, django_capture_on_commit_callbacks,
    fixture, paid, state,
):  # fmt: skip
    r = request.getfixturevalue(fixture)
    invoice = r.invoices.get()
    at(paid)
    with django_capture_on_commit_callbacks(execute=True):
        response = _callback(client, invoice)
    assert response.status_code == 200  # decided: the provider must not retry
    event = ProviderEvent.objects.get()
    assert event.status == "rejected"
    assert event.outcome.startswith(
        "Invoice" if state == "fees_quoted" else "No payment can be taken."
    )
    assert not Payment.objects.exists() and not Receipt.objects.exists()
    r = ServiceRequest.objects.get(pk=r.pk)
    assert r.state == state and r.paid_at is None
    assert not Clock.objects.filter(request=r).exists()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.EXPIRED


def test_pay_online_past_the_band_never_reaches_the_provider(
    client, day_29, customer, at
):
    invoice = day_29.invoices.get()
    at(bkk(2026, 12, 10, 10))
    client.force_login(customer)
    response = client.post(reverse("payments:pay", args=[invoice.number]))
    assert response.status_code == 302
    assert response["Location"] == day_29.get_absolute_url()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.EXPIRED
    assert day_29.invoices.filter(status="unpaid").count() == 1


# At the counter: a clear form error ----------------------------------------------


def test_the_counter_sees_why_and_the_new_invoice(client, day_29, counter, at):
    old = day_29.invoices.get()
    at(bkk(2026, 12, 10, 10))
    client.force_login(counter)
    client.cookies["pea_language"] = "en"
    response = client.post(
        reverse("staff:act", args=[day_29.reference, "record_payment"]),
        {"record_payment-amount": str(old.total), "expected_state": "fees_quoted"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "could be paid until 9 Dec 2026" in html
    new = day_29.invoices.get(status="unpaid")
    assert f"{new.number} of 1,257.00 baht replaces it" in html
    assert not Payment.objects.exists()


# 90 days or more: the new connection and the deposit refund are offered --------


def _offer_links(html):
    return (
        'href="/requests/new/new-connection/?account=' in html,
        'href="/requests/new/deposit-refund/?account=' in html,
    )


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "File a new connection request"),
    ("th", "ยื่นคำร้องขอใช้ไฟฟ้าใหม่"),
])  # fmt: skip
def test_a_filing_refused_at_90_days_offers_both_ways_on(
    client, account, counter, customer, at, lang, text
):
    at(bkk(2026, 9, 11, 9))
    disconnection_record(
        account=account, disconnected_on=date(2026, 9, 11),
        outstanding=Decimal("850.00"), deposit_offset=False, user=counter,
    )  # fmt: skip
    at(bkk(2026, 12, 10, 10))  # day 90
    client.force_login(customer)
    client.cookies["pea_language"] = lang
    response = client.post(
        reverse("requests:file", args=["reconnection"]),
        {"account": account.pk, "contact_phone": "0812345678"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="reconnection-refused"' in html
    assert _offer_links(html) == (True, True)
    assert f"?account={account.pk}" in html and text in html
    assert not ServiceRequest.objects.exists()


def test_a_request_refused_at_90_days_offers_them_on_its_page(
    client, day_89, customer, at
):
    at(bkk(2026, 12, 10, 0, 5))
    from meters.services import reconnection_invoices_renew

    reconnection_invoices_renew()
    r = ServiceRequest.objects.get(pk=day_89.pk)
    assert r.state == "rejected"
    client.force_login(customer)
    client.cookies["pea_language"] = "en"
    html = client.get(r.get_absolute_url()).content.decode()
    assert _offer_links(html) == (True, True)
    assert "Disconnected 90 days or more" in html
    # The invoice that could no longer be paid is shown expired, with no QR.
    assert "badge-inv-expired" in html and "data-pay-online" not in html


def test_the_offered_forms_are_prefilled_from_the_account(client, account, customer):
    client.force_login(customer)
    form = client.get(
        reverse("requests:file", args=["new-connection"]), {"account": account.pk}
    ).context["form"]
    assert form.initial["premises_address"] == account.premises_address
    assert form.initial["office"] == account.office_id
    assert form.initial["meter_size"] == account.meter.size_id
    form = client.get(
        reverse("requests:file", args=["deposit-refund"]), {"account": account.pk}
    ).context["form"]
    assert form.initial["account"] == account.pk


def test_another_customers_account_prefills_nothing(client, account, other_customer):
    client.force_login(other_customer)
    form = client.get(
        reverse("requests:file", args=["new-connection"]), {"account": account.pk}
    ).context["form"]
    assert "premises_address" not in form.initial

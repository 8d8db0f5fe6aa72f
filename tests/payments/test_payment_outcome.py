"""What the customer sees of an online payment: the return page and its JSON
status follow the provider's outcome (paid, declined, expired, refused, still
waiting, late after a minute), and a failed attempt shows on the request page
with "Try again". Only the signed callbacks decide; these tests post them."""

import json
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.models import Invoice, ProviderEvent
from payments.provider import sign
from payments.selectors import online_payment_outcome
from payments.services import request_quote_fees
from requests_app import services as rs
from tests import factories

SECRET = "dev-fakepay-secret"


@pytest.fixture(autouse=True)
def _inline_tasks(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PAYMENT_PROVIDER_SECRETS = [SECRET]


@pytest.fixture
def invoice(db, customer, office, counter) -> Invoice:
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    return request_quote_fees(request=r, user=counter)


def callback(client, invoice, kind, *, event=None, txn="txn_1", amount=None):
    data = json.dumps({
        "id": event or f"evt_{kind}_{time.monotonic_ns()}", "type": kind,
        "data": {"transaction_id": txn, "reference": invoice.number,
                 "amount": str(invoice.total if amount is None else amount),
                 "currency": "THB"},
    }).encode()  # fmt: skip
    header = sign(data, secret=SECRET, timestamp=int(time.time()))
    response = client.post(
        reverse("payments:callback"),
        data,
        content_type="application/json",
        HTTP_X_PEA_PAY_SIGNATURE=header,
    )
    assert response.status_code == 200
    return response


def leave_for_the_provider(client, invoice) -> str:
    """The customer presses Pay: the session remembers when the attempt began
    and its transaction id at the provider, which this returns."""
    from fakepay.models import FakeCharge

    response = client.post(reverse("payments:pay", args=[invoice.number]))
    assert response.status_code == 302 and "/fakepay/checkout/" in response.url
    charge = FakeCharge.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])
    return charge.transaction_id


def status(client, invoice) -> dict:
    response = client.get(reverse("payments:status", args=[invoice.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.json()


# The outcome, from our records ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, state",
    [("charge.failed", "declined"), ("charge.expired", "expired")],
)
def test_a_declined_or_expired_charge_is_a_final_failed_outcome(
    client, invoice, kind, state, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.created")
        callback(client, invoice, kind)
    outcome = online_payment_outcome(invoice)
    assert (outcome.state, outcome.final, outcome.failed) == (state, True, True)
    assert outcome.at is not None
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID


@pytest.mark.django_db
def test_no_result_yet_is_waiting_then_late_after_a_minute(invoice):
    began = timezone.now()
    assert online_payment_outcome(invoice, since=began).state == "waiting"
    later = began + timedelta(seconds=61)
    outcome = online_payment_outcome(invoice, since=began, now=later)
    assert (outcome.state, outcome.final, outcome.failed) == ("late", False, False)
    # Without a known start the page cannot say the bank is late.
    assert online_payment_outcome(invoice, now=later).state == "waiting"


@pytest.mark.django_db
def test_a_decline_of_an_earlier_attempt_is_not_this_attempts_outcome(
    client, invoice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.failed")
    # (provider events are never changed: the new attempt starts after it)
    received = ProviderEvent.objects.get().received_at
    assert online_payment_outcome(invoice).state == "declined"
    before = received - timedelta(seconds=1)
    assert online_payment_outcome(invoice, since=before).state == "declined"
    after = received + timedelta(microseconds=1)
    assert online_payment_outcome(invoice, since=after).state == "waiting"


@pytest.mark.django_db
def test_a_success_we_could_not_accept_is_refused_and_a_paid_one_paid(
    client, invoice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.succeeded", amount="1.00")
    assert ProviderEvent.objects.get().status == ProviderEvent.Status.REJECTED
    assert online_payment_outcome(invoice).state == "refused"
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.succeeded", txn="txn_2")
    invoice.refresh_from_db()
    outcome = online_payment_outcome(invoice)
    assert (outcome.state, outcome.final, outcome.failed) == ("paid", True, False)


@pytest.mark.django_db
def test_a_cancelled_invoice_is_closed(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.CANCELLED)
    invoice.refresh_from_db()
    assert online_payment_outcome(invoice).state == "closed"


# The status endpoint and the return page --------------------------------------------


@pytest.mark.django_db
def test_the_status_endpoint_follows_a_decline_and_then_a_payment(
    client, invoice, customer, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    first = leave_for_the_provider(client, invoice)
    data = status(client, invoice)
    assert (data["state"], data["final"]) == ("waiting", False)
    assert 'data-payment="waiting"' in data["html"]

    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.failed", txn=first)
    data = status(client, invoice)
    assert (data["state"], data["final"]) == ("declined", True)
    assert 'data-payment="declined"' in data["html"]
    assert reverse("payments:pay", args=[invoice.number]) in data["html"]
    assert "data-pay-again" in data["html"]

    second = leave_for_the_provider(client, invoice)  # try again: a new attempt
    assert second != first
    assert status(client, invoice)["state"] == "waiting"
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.succeeded", txn=second)
    data = status(client, invoice)
    assert (data["state"], data["final"]) == ("paid", True)
    assert invoice.receipts.get().number in data["html"]


@pytest.mark.django_db
def test_an_abandoned_attempt_expiring_later_is_not_the_new_attempts_outcome(
    client, invoice, customer, django_capture_on_commit_callbacks
):
    """The customer leaves one checkout unpaid and starts another; the first
    one's expiry reaches us after the second began: the page still waits for
    the second, and follows the second's own result."""
    client.force_login(customer)
    abandoned = leave_for_the_provider(client, invoice)
    current = leave_for_the_provider(client, invoice)
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.expired", txn=abandoned)
    assert status(client, invoice)["state"] == "waiting"
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.failed", txn=current)
    assert status(client, invoice)["state"] == "declined"


@pytest.mark.django_db
def test_the_status_endpoint_says_late_a_minute_after_the_attempt(
    client, invoice, customer
):
    client.force_login(customer)
    leave_for_the_provider(client, invoice)
    session = client.session
    began, txn = session["payment_attempts"][invoice.number]
    session["payment_attempts"] = {invoice.number: [began - 61, txn]}
    session.save()
    data = status(client, invoice)
    assert (data["state"], data["final"]) == ("late", False)
    assert 'data-payment="late"' in data["html"]


@pytest.mark.django_db
def test_the_status_endpoint_is_the_payers_own(
    client, invoice, other_customer, counter
):
    url = reverse("payments:status", args=[invoice.number])
    assert client.get(url).status_code == 302  # to the login page
    for user in (other_customer, counter):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_return_page_polls_until_final_and_loads_its_script_from_static(
    client, invoice, customer, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    txn = leave_for_the_provider(client, invoice)
    url = reverse("payments:return", args=[invoice.number])
    page = client.get(url).content.decode()
    assert f'data-status-url="{reverse("payments:status", args=[invoice.number])}"' in (
        page
    )
    assert "/static/js/payment_return.js" in page and "<script>" not in page
    assert 'data-payment="waiting"' in page and "ตรวจสอบอีกครั้ง" in page  # no-JS
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.failed", txn=txn)
    page = client.get(url).content.decode()
    assert 'data-payment="declined"' in page and "data-status-url" not in page
    assert "ธนาคารหรือผู้ออกบัตรของท่านปฏิเสธรายการ" in page


# The request page --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind, state", [("charge.failed", "declined"),
                                         ("charge.expired", "expired")])  # fmt: skip
def test_the_request_page_shows_a_failed_attempt_with_try_again(
    client, invoice, customer, kind, state, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    url = invoice.request.get_absolute_url()
    page = client.get(url).content.decode()
    assert "data-last-attempt" not in page and "ลองอีกครั้ง" not in page
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, kind)
    page = client.get(url).content.decode()
    # At the top, where the customer looks first, and by the invoice.
    top = page[: page.index('<div class="two-col">')]
    assert f'data-last-attempt="{state}"' in top
    assert "ไม่มีการตัดเงิน" in top  # nothing was charged
    pay = reverse("payments:pay", args=[invoice.number])
    forms = [part.split("</form>", 1)[0] for part in page.split(pay)[1:]]
    assert len(forms) == 2 and all("ลองอีกครั้ง" in form for form in forms)


@pytest.mark.django_db
def test_the_request_page_forgets_a_decline_once_the_invoice_is_paid(
    client, invoice, customer, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.failed")
        callback(client, invoice, "charge.succeeded", txn="txn_2")
    page = client.get(invoice.request.get_absolute_url()).content.decode()
    assert "data-last-attempt" not in page


# Who took the step ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_timeline_credits_an_online_payment_to_the_payment_not_to_staff(
    client, invoice, customer, counter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.succeeded")
    event = invoice.request.events.get(action="record_payment")
    assert event.actor.username == "system-online-payments"

    def who(page: str) -> list[str]:
        return [
            part.split("</div>", 1)[0]
            for part in page.split('<div class="tl-who">')[1:]
        ]

    client.force_login(customer)
    mine = who(client.get(invoice.request.get_absolute_url()).content.decode())
    assert mine[-1] == "ชำระเงินออนไลน์" and "เจ้าหน้าที่ กฟภ." in mine[:-1]
    client.force_login(counter)
    staff = who(
        client.get(
            reverse("staff:detail", args=[invoice.request.reference])
        ).content.decode()
    )
    assert staff[-1] == "ชำระเงินออนไลน์" and str(counter) in staff


@pytest.mark.django_db
def test_the_outcome_is_read_from_the_invoice_index_of_provider_events(
    postgres, client, invoice, django_capture_on_commit_callbacks
):
    """The return page asks every few seconds: its query on the growing
    provider events must find the invoice's rows by index, never by a scan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.plans import plan_without_scans_or_sorts

    with django_capture_on_commit_callbacks(execute=True):
        callback(client, invoice, "charge.failed")
    with CaptureQueriesContext(connection) as queries:
        assert online_payment_outcome(invoice).state == "declined"
    (sql,) = [q["sql"] for q in queries if "payments_providerevent" in q["sql"]]
    plan = plan_without_scans_or_sorts(sql, None)
    assert "payments_event_invoice_idx" in plan, plan

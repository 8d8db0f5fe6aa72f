"""Paying bills online: several bills of several accounts in one invoice,
through fakepay's checkout and the signed callback, one receipt listing them;
a bill paid at most once, a second payment of it refunded."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from bills.models import Bill, BillPaymentItem
from bills.paying import bill_payment_start
from fakepay.delivery import event_body
from fakepay.models import FakeCharge
from payments.models import Invoice, Payment, ProviderEvent, Receipt, Refund
from payments.receipts import receipt_render_one
from payments.services import refund_approve
from tests import factories
from tests.bills import paying_helpers as h
from tests.payments.test_receipts import _flat, _text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client, settings):
    """Pages are read in English (refusals are matched by their words)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _inline(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PAYMENT_PROVIDER_SECRETS = [h.SECRET]


@pytest.fixture
def two_bills(customer, office, other_office):
    home = h.account(office=office, customer=customer)
    shop = h.account(office=other_office, customer=customer)
    return h.bill(home, total="856.44"), h.bill(shop, months_ago=1, total="1203.10")


def _start(client, customer, numbers):
    client.force_login(customer)
    return client.post(reverse("bills:pay"), {"step": "pay", "bill": numbers})


def _succeed(client, invoice, *, event_id="evt_1", capture):
    charge = FakeCharge.objects.filter(reference=invoice.number).latest("created_at")
    charge.status = FakeCharge.Status.SUCCEEDED
    charge.save(update_fields=["status"])
    with capture(execute=True):
        response = h.callback(
            client, event_body(charge, "charge.succeeded", event_id=event_id)
        )
    assert response.status_code == 200
    return charge


def test_the_pay_page_lists_unpaid_bills_and_ticks_those_asked_for(
    client, customer, two_bills
):
    home, shop = two_bills
    client.force_login(customer)
    page = client.get(reverse("bills:pay") + f"?bill={home.number}").content.decode()
    assert home.number in page and shop.number in page
    assert (
        f'value="{home.number}" id="bill-{home.number}" data-amount="856.44" checked'
        in page
    )
    assert (
        f'value="{shop.number}" id="bill-{shop.number}" data-amount="1203.10">' in page
    )
    review = client.post(
        reverse("bills:pay"), {"step": "review", "bill": [home.number, shop.number]}
    ).content.decode()
    assert "2,059.54" in review and 'name="step" value="pay"' in review


@pytest.mark.tools("pdftotext")
def test_two_bills_in_one_online_payment_are_both_paid_with_one_receipt_listing_both(
    client, customer, two_bills, django_capture_on_commit_callbacks
):
    home, shop = two_bills
    response = _start(client, customer, [home.number, shop.number])
    assert response.status_code == 302 and "/fakepay/checkout/" in response["Location"]
    invoice = Invoice.objects.get(kind="bills")
    assert (invoice.customer, invoice.request, invoice.total) == (
        customer, None, Decimal("2059.54"),
    )  # fmt: skip
    lines = list(invoice.lines.values_list("kind", "name_th", "name_en", "amount"))
    assert [line[0] for line in lines] == ["bill", "bill"]
    assert f"CA {home.account.ca_number} เลขที่ {home.number}" in lines[0][1]
    assert f"CA {shop.account.ca_number} No. {shop.number}" in lines[1][2]
    assert set(BillPaymentItem.objects.values_list("bill", flat=True)) == {
        home.pk, shop.pk,
    }  # fmt: skip

    _succeed(client, invoice, capture=django_capture_on_commit_callbacks)

    invoice.refresh_from_db()
    assert invoice.status == "paid"
    for b in (home, shop):
        b.refresh_from_db()
        assert (b.status, b.paid_invoice, b.paid_at) == (
            "paid",
            invoice,
            invoice.paid_at,
        )
    receipt = Receipt.objects.get()
    assert receipt.total == Decimal("2059.54") and receipt.invoice == invoice
    receipt_render_one(receipt_id=receipt.pk)  # rendered by the task already
    receipt.refresh_from_db()
    text = _text(receipt.pdf)
    for b in (home, shop):
        assert b.number in text and b.account.ca_number in text
    assert _flat("ค่าไฟฟ้า") in text and "2,059.54" in text
    # The outcome page the provider sends the customer back to.
    back = client.get(reverse("payments:return", args=[invoice.number]))
    assert receipt.number in back.content.decode()
    assert "/bills/pay/" in back.content.decode()
    # The receipt downloads for its customer and verifies.
    assert (
        client.get(reverse("payments:receipt", args=[receipt.number])).status_code
        == 200
    )


def test_duplicate_callbacks_never_pay_twice(
    client, customer, two_bills, django_capture_on_commit_callbacks
):
    home, shop = two_bills
    _start(client, customer, [home.number, shop.number])
    invoice = Invoice.objects.get(kind="bills")
    charge = _succeed(client, invoice, capture=django_capture_on_commit_callbacks)
    # The same event again, and a second event of the same transaction.
    with django_capture_on_commit_callbacks(execute=True):
        again = h.callback(
            client, event_body(charge, "charge.succeeded", event_id="evt_1")
        )
        other = h.callback(
            client, event_body(charge, "charge.succeeded", event_id="evt_2")
        )
    assert again.json()["duplicate"] is True and other.status_code == 200
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1
    assert Refund.objects.count() == 0
    assert ProviderEvent.objects.get(event_id="evt_2").status == "ignored"


def test_a_second_payment_of_a_paid_bill_is_recorded_and_refunded_never_paid_again(
    client, customer, two_bills, supervisor, django_capture_on_commit_callbacks
):
    """Two tabs: one pays the home bill alone, the other both bills."""
    home, shop = two_bills
    _start(client, customer, [home.number, shop.number])
    both = Invoice.objects.get(kind="bills")
    _start(client, customer, [home.number])
    alone = Invoice.objects.exclude(pk=both.pk).get(kind="bills")
    _succeed(
        client, alone, event_id="evt_a", capture=django_capture_on_commit_callbacks
    )
    _succeed(client, both, event_id="evt_b", capture=django_capture_on_commit_callbacks)

    both.refresh_from_db()
    assert both.status == "paid" and Payment.objects.count() == 2
    assert Receipt.objects.filter(kind="receipt").count() == 2
    home.refresh_from_db(), shop.refresh_from_db()
    assert (home.paid_invoice, shop.paid_invoice) == (alone, both)
    refund = Refund.objects.get()
    assert (refund.kind, refund.status, refund.amount, refund.invoice) == (
        "overpayment", "due", home.total, both,
    )  # fmt: skip
    with translation.override("en"):
        assert home.number in refund.shown_reason and both.number in refund.shown_reason
    # Through the existing approval: a supervisor of the invoice's office.
    approved = refund_approve(refund=refund, user=supervisor)
    assert approved.status == "approved" and approved.number.startswith("RF")
    client.force_login(supervisor)
    listed = client.get(reverse("staff:refunds") + "?status=approved").content.decode()
    assert both.number in listed and approved.number in listed


def test_choosing_the_same_bills_again_reuses_the_open_invoice(
    client, customer, two_bills
):
    home, shop = two_bills
    first = bill_payment_start(user=customer, numbers=[home.number, shop.number])
    again = bill_payment_start(user=customer, numbers=[shop.number, home.number])
    other = bill_payment_start(user=customer, numbers=[home.number])
    assert again == first and other != first
    assert Invoice.objects.filter(kind="bills").count() == 2


def test_a_paid_bill_or_someone_elses_is_refused_with_nothing_made(
    client, customer, other_customer, office, two_bills
):
    home, shop = two_bills
    Bill.objects.filter(pk=home.pk).update(status="paid")
    theirs = h.bill(h.account(office=office, customer=other_customer))
    client.force_login(customer)
    with translation.override("en"):
        paid = client.post(reverse("bills:pay"), {"step": "pay", "bill": [home.number]})
        other = client.post(
            reverse("bills:pay"), {"step": "pay", "bill": [theirs.number]}
        )
        none = client.post(reverse("bills:pay"), {"step": "pay"})
    assert paid.status_code == other.status_code == none.status_code == 400
    assert "can no longer be paid" in paid.content.decode()
    assert theirs.number not in other.content.decode()  # never listed to them
    assert "Choose at least one bill" in none.content.decode()
    assert not Invoice.objects.exists()
    with pytest.raises(Exception, match="paid or cancelled"):
        with translation.override("en"):
            bill_payment_start(user=customer, numbers=[home.number])
    with pytest.raises(Exception, match="not yours"):
        with translation.override("en"):
            bill_payment_start(user=customer, numbers=[theirs.number])


def test_the_pay_page_without_bills_says_so(client, customer):
    client.force_login(customer)
    with translation.override("en"):
        page = client.get(reverse("bills:pay"))
    assert (
        page.status_code == 200 and "You have no unpaid bill" in page.content.decode()
    )


def test_the_pay_page_runs_a_constant_number_of_queries(
    client, customer, office, django_assert_num_queries
):
    acct = h.account(office=office, customer=customer)
    h.bill(acct)
    client.force_login(customer)
    client.get(reverse("bills:pay"))
    import django.db

    def count() -> int:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(django.db.connection) as ctx:
            assert client.get(reverse("bills:pay")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for months in range(1, 12):
        h.bill(acct, months_ago=months)
    h.bill(h.account(office=office, customer=customer))
    assert count() == one


def test_another_customers_bills_never_show(client, other_customer, two_bills):
    client.force_login(other_customer)
    page = client.get(reverse("bills:pay")).content.decode()
    assert all(b.number not in page for b in two_bills)


def test_staff_pages_and_api_list_a_bill_invoice(client, customer, two_bills, counter):
    home, shop = two_bills
    invoice = bill_payment_start(user=customer, numbers=[home.number, shop.number])
    client.force_login(customer)
    listed = client.get("/api/v1/invoices/")
    assert listed.status_code == 200
    row = next(r for r in listed.json()["results"] if r["number"] == invoice.number)
    assert (row["kind"], row["reference"]) == ("bills", None)
    assert factories  # the shared factories stay importable here


def test_the_api_starts_a_payment_of_several_bills(client, customer, two_bills):
    home, shop = two_bills
    client.force_login(customer)
    response = client.post(
        "/api/v1/bill-payments/",
        {"bills": [home.number, shop.number]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    invoice = Invoice.objects.get(number=body["invoice"])
    assert body["total"] == "2059.54" and body["bills"] == [home.number, shop.number]
    assert "/fakepay/checkout/" in body["checkout_url"] and invoice.kind == "bills"
    Bill.objects.filter(pk=home.pk).update(status="paid")
    refused = client.post(
        "/api/v1/bill-payments/", {"bills": [home.number]},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 400 and "error" in refused.json()


def test_past_a_page_of_bills_the_ones_due_first_show_and_the_page_says_more_wait(
    client, customer, office, monkeypatch
):
    from bills import pay_views

    monkeypatch.setattr(pay_views, "PAY_PAGE_BILLS", 3)
    acct = h.account(office=office, customer=customer)
    bills = [h.bill(acct, months_ago=m) for m in range(3)]
    client.force_login(customer)
    page = client.get(reverse("bills:pay")).content.decode()
    assert "data-more-bills" not in page
    oldest = h.bill(acct, months_ago=3)
    Bill.objects.filter(pk=oldest.pk).update(
        due_date=bills[-1].due_date - timedelta(days=40)
    )
    page = client.get(reverse("bills:pay")).content.decode()
    assert "data-more-bills" in page and "These are the 3 bills due first" in page
    assert f'id="bill-{oldest.number}"' in page  # the oldest debt is among them
    assert sum(f'id="bill-{b.number}"' in page for b in [*bills, oldest]) == 3

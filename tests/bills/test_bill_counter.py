"""Cash for bills at any PEA counter: look up the CA (any office), tick the
bills, the exact amount, one payment and one receipt listing them."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bills.models import Bill
from bills.paying import bills_pay_cash
from core.dates import be_year
from payments.models import Invoice, Payment, Receipt
from tests.bills import paying_helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client, settings):
    """Pages are read in English (refusals are matched by their words)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _inline(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def bills(office):
    """Two unpaid bills of an account of `office` nobody linked."""
    acct = h.account(office=office, holder="นางสาวมาลี ศรีสุข")
    return h.bill(acct, months_ago=1, total="700.00"), h.bill(acct, total="812.35")


def test_a_counter_of_another_office_takes_cash_for_two_bills_one_receipt(
    client, other_counter, other_office, bills
):
    older, newer = bills
    ca = older.account.ca_number
    client.force_login(other_counter)
    page = client.get(reverse("bills_staff:counter") + f"?ca={ca}").content.decode()
    assert older.number in page and newer.number in page and "มาลี" in page
    response = client.post(
        reverse("bills_staff:counter"),
        {"ca": ca, "bill": [older.number, newer.number], "amount": "1,512.35"},
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.method, payment.amount, payment.office) == (
        "cash", Decimal("1512.35"), other_office,
    )  # fmt: skip
    receipt = Receipt.objects.get()
    year = be_year(timezone.localtime())
    assert receipt.number == f"RC{other_office.code}-{year}-000001"
    assert receipt.invoice.lines.count() == 2
    for b in bills:
        b.refresh_from_db()
        assert (b.status, b.paid_invoice) == ("paid", payment.invoice)
    after = client.get(response["Location"]).content.decode()
    assert receipt.number in after
    assert client.get(reverse("payments:receipt", args=[receipt.number])).status_code in (
        200, 202,
    )  # fmt: skip


def test_a_wrong_amount_records_nothing_and_numbering_stays_gap_free(
    client, counter, office, bills
):
    older, newer = bills
    ca = older.account.ca_number
    client.force_login(counter)
    with translation.override("en"):
        wrong = client.post(
            reverse("bills_staff:counter"),
            {"ca": ca, "bill": [older.number], "amount": "699.99"},
        )
    assert wrong.status_code == 400
    assert "exactly 700.00" in wrong.content.decode()
    assert 'value="699.99"' in wrong.content.decode()  # what was typed is kept
    assert not Invoice.objects.exists() and not Payment.objects.exists()
    first = bills_pay_cash(user=counter, ca_number=ca, numbers=[older.number],
                           amount=Decimal("700.00"))  # fmt: skip
    second = bills_pay_cash(user=counter, ca_number=ca, numbers=[newer.number],
                            amount=Decimal("812.35"))  # fmt: skip
    seqs = [first.receipts.get().seq, second.receipts.get().seq]
    assert seqs == [1, 2]


def test_a_paid_bill_is_refused_at_the_counter(counter, bills):
    older, _newer = bills
    ca = older.account.ca_number
    bills_pay_cash(
        user=counter, ca_number=ca, numbers=[older.number], amount=older.total
    )
    with (
        translation.override("en"),
        pytest.raises(Exception, match="paid or cancelled"),
    ):
        bills_pay_cash(user=counter, ca_number=ca, numbers=[older.number],
                       amount=older.total)  # fmt: skip
    assert Payment.objects.count() == 1
    assert Bill.objects.get(pk=older.pk).paid_invoice.payment.method == "cash"


def test_a_bill_of_another_account_cannot_be_ticked(counter, office, bills):
    older, _ = bills
    stranger = h.bill(h.account(office=office))
    with translation.override("en"), pytest.raises(Exception, match="not a bill of"):
        bills_pay_cash(user=counter, ca_number=older.account.ca_number,
                       numbers=[stranger.number], amount=stranger.total)  # fmt: skip


def test_only_counter_staff_reach_the_counter(client, customer, surveyor, bills):
    ca = bills[0].account.ca_number
    for user in (customer, surveyor):
        client.force_login(user)
        response = client.get(reverse("bills_staff:counter") + f"?ca={ca}")
        assert response.status_code == 403
        assert bills[0].number not in response.content.decode()


def test_an_unknown_ca_says_so(client, counter):
    client.force_login(counter)
    with translation.override("en"):
        response = client.get(reverse("bills_staff:counter") + "?ca=099999999999")
    assert response.status_code == 404
    assert "No account has the CA number 099999999999" in response.content.decode()

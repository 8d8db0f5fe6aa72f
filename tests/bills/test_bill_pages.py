"""An account's bills (its current bill, usage chart and table, history), a
bill's page, and its PDF: constant queries whatever the number of bills, the
chart's figures the bills', the PDF's text the bill's, nobody else's."""

import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bills import documents
from bills.models import Bill
from core.dates import EN_MONTHS_ABBR, THAI_MONTHS_ABBR
from tests import factories
from tests.bills.accounts_data import imported_account, monthly_bills

pytestmark = pytest.mark.django_db


def _this_month() -> date:
    return timezone.localdate().replace(day=1)


def _linked(customer, office, n, **kw):
    account = imported_account(office, customer=customer, **kw)
    totals = [f"{400 + 13 * i}.{i % 100:02d}" for i in range(n)]
    bills = monthly_bills(account, totals, newest=_this_month())
    for i, b in enumerate(bills):  # a different consumption each month
        Bill.objects.filter(pk=b.pk).update(kwh=Decimal(150 + 7 * i) + Decimal("0.5"))
    Bill.objects.filter(pk=bills[-1].pk).update(status=Bill.Status.UNPAID)
    return account, list(Bill.objects.filter(account=account).order_by("period"))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_the_account_and_bill_pages_cost_the_same_with_1_and_24_bills(
    client, customer, office
):
    client.force_login(customer)
    one, [only] = _linked(customer, office, 1)
    many, bills = _linked(customer, office, 24)
    assert len(bills) == 24
    assert _queries(client, reverse("bills:account", args=[one.ca_number])) == (
        _queries(client, reverse("bills:account", args=[many.ca_number]))
    )
    assert _queries(client, reverse("bills:bill", args=[only.number])) == (
        _queries(client, reverse("bills:bill", args=[bills[-1].number]))
    )
    two_years = reverse("bills:account", args=[many.ca_number]) + "?months=24"
    assert _queries(client, two_years) == _queries(
        client, reverse("bills:account", args=[one.ca_number]) + "?months=24"
    )


def _bars(page) -> dict:
    return dict(re.findall(r'data-bar="([^"]+)" data-kwh="([^"]+)"', page))


def _table(page) -> dict:
    rows = re.findall(
        r'data-usage-row="([^"]+)">.*?data-kwh>([^<]+)<.*?data-total>([^<]+)<', page
    )
    return {number: (kwh, total) for number, kwh, total in rows}


@pytest.mark.parametrize("months", [12, 24])
def test_the_usage_chart_and_table_hold_the_bills_figures(
    client, customer, office, months
):
    client.force_login(customer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    account, bills = _linked(customer, office, 30)
    url = reverse("bills:account", args=[account.ca_number]) + f"?months={months}"
    page = client.get(url).content.decode()
    shown = bills[-months:]  # the last `months` months, this one included
    assert _bars(page) == {b.number: str(b.kwh) for b in shown}
    assert _table(page) == {
        b.number: (f"{b.kwh:,.1f}", f"฿{b.total:,.2f}") for b in shown
    }
    # The bars' heights follow the kWh: the largest reaches the top.
    heights = dict(
        re.findall(r'data-bar="([^"]+)"[^>]*><rect [^>]*height="([^"]+)"', page)
    )
    biggest = max(shown, key=lambda b: b.kwh)
    assert float(heights[biggest.number]) == max(float(h) for h in heights.values())


def test_the_current_bill_comes_first_with_pay_and_the_history_pages(
    client, customer, office
):
    client.force_login(customer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    account, bills = _linked(customer, office, 15)
    url = reverse("bills:account", args=[account.ca_number])
    page = client.get(url).content.decode()
    current = bills[-1]
    block = page[page.index("data-current-bill") : page.index('id="usage-title"')]
    assert f"฿{current.total:,.2f}" in block and "Unpaid" in block
    assert f"{reverse('bills:pay')}?bill={current.number}" in block
    assert reverse("bills:bill_pdf", args=[current.number]) in block
    first = re.findall(r'data-bill-row="([^"]+)"', page)
    assert first == [b.number for b in reversed(bills)][:12]
    second = client.get(url + "?months=12&page=2").content.decode()
    assert re.findall(r'data-bill-row="([^"]+)"', second) == [
        b.number for b in reversed(bills[:3])
    ]


def test_a_bill_page_shows_the_bill_its_thai_qr_and_pay(client, customer, office):
    client.force_login(customer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    account, bills = _linked(customer, office, 2)
    unpaid, paid = bills[-1], bills[0]
    page = client.get(reverse("bills:bill", args=[unpaid.number])).content.decode()
    assert account.ca_number in page and unpaid.number in page
    assert f"฿{unpaid.total:,.2f}" in page and f"{unpaid.kwh:,.1f}" in page
    assert f"{reverse('bills:pay')}?bill={unpaid.number}" in page
    assert "<svg" in page and "Ref. 2 (bill number)" in page
    page = client.get(reverse("bills:bill", args=[paid.number])).content.decode()
    assert "?bill=" not in page and "Ref. 2 (bill number)" not in page
    assert "Paid" in page


def test_nobody_else_sees_an_account_or_its_bills(
    client, customer, other_customer, office, counter
):
    account, bills = _linked(customer, office, 2)
    unlinked = imported_account(office)
    [stray] = monthly_bills(unlinked, ["300.00"])
    urls = [
        reverse("bills:account", args=[account.ca_number]),
        reverse("bills:bill", args=[bills[0].number]),
        reverse("bills:bill_pdf", args=[bills[0].number]),
    ]
    client.force_login(other_customer)
    for url in urls + [
        reverse("bills:account", args=[unlinked.ca_number]),
        reverse("bills:bill", args=[stray.number]),
    ]:
        assert client.get(url).status_code == 404, url
    client.force_login(counter)
    for url in urls:
        assert client.get(url).status_code == 403, url
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302, url


@pytest.mark.tools("pdftotext")
def test_the_bill_pdf_is_rendered_by_the_worker_and_holds_the_bill(
    client, customer, office, monkeypatch
):
    from bills import tasks

    client.force_login(customer)
    account, bills = _linked(customer, office, 3, meter_serial="EM7788123")
    bill = bills[-1]
    url = reverse("bills:bill_pdf", args=[bill.number])
    sent = []
    monkeypatch.setattr(tasks.bill_render, "delay", lambda *a: sent.append(a))
    pending = client.get(url)
    assert pending.status_code == 202 and sent == [(bill.pk,)]
    assert documents.bill_render_one(bill_id=bill.pk) is True
    assert documents.bill_render_one(bill_id=bill.pk) is False  # once
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    month = bill.period
    assert account.ca_number in text and bill.number in text
    assert f"{THAI_MONTHS_ABBR[month.month - 1]} {month.year + 543}" in text
    assert f"{EN_MONTHS_ABBR[month.month - 1]} {month.year}" in text
    assert f"{bill.kwh}" in text
    assert f"{bill.total:,.2f}" in text
    assert "EM7788123" in text and f"Ref. 1 (CA): {account.ca_number}" in text
    # A correction by the billing system is a new PDF; the old one stays.
    old = documents.pdf_name(bill)
    Bill.objects.filter(pk=bill.pk).update(total=bill.total + 1)
    bill.refresh_from_db()
    assert documents.pdf_name(bill) != old
    assert documents.bill_pdf_stored(bill) is None


def test_a_bill_paid_on_the_portal_links_its_receipt(client, customer, office, counter):
    from bills.paying import bills_pay_cash
    from payments.models import Receipt

    client.force_login(customer)
    account, bills = _linked(customer, office, 1)
    bill = bills[-1]
    payment = bills_pay_cash(
        user=counter, ca_number=account.ca_number, numbers=[bill.number],
        amount=bill.total,
    )  # fmt: skip
    receipt = Receipt.objects.get(payment=payment)
    page = client.get(reverse("bills:bill", args=[bill.number])).content.decode()
    assert reverse("payments:receipt", args=[receipt.number]) in page


def test_the_usage_months_are_the_last_12_up_to_this_one():
    from bills.selectors import usage_of_account

    today = date(2026, 3, 15)
    office = factories.office_tree()["branch"]
    account = imported_account(office)
    monthly_bills(account, ["1"] * 14, newest=date(2026, 3, 1))
    periods = [b.period for b in usage_of_account(account, months=12, today=today)]
    assert periods[0] == date(2025, 4, 1) and periods[-1] == date(2026, 3, 1)
    assert len(periods) == 12
    assert periods == sorted(periods)

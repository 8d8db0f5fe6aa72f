"""The API of an account's bills and usage, a bill, and its PDF: the web
pages' figures and rules, constant queries, nobody else's."""

import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bills import documents
from bills.models import Bill
from tests.bills.accounts_data import imported_account, monthly_bills

pytestmark = pytest.mark.django_db


def _linked(customer, office, n):
    account = imported_account(office, customer=customer)
    totals = [f"{300 + 11 * i}.25" for i in range(n)]
    bills = monthly_bills(account, totals, newest=timezone.localdate().replace(day=1))
    Bill.objects.filter(pk=bills[-1].pk).update(status=Bill.Status.UNPAID)
    return account, list(Bill.objects.filter(account=account).order_by("period"))


def test_an_accounts_bills_newest_first_in_constant_queries(as_user, customer, office):
    client = as_user(customer)
    counts = []
    for n in (1, 24):
        account, bills = _linked(customer, office, n)
        url = f"/api/v1/accounts/{account.ca_number}/bills/"
        client.get(url)  # the token's and throttle's first writes, once
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url).json()
        counts.append(len(ctx.captured_queries))
        assert [b["number"] for b in body["results"]] == [
            b.number for b in reversed(bills)
        ][:20]
    assert counts[0] == counts[1]
    newest = body["results"][0]
    assert newest["status"] == "unpaid" and newest["total"] == f"{bills[-1].total}"
    assert newest["ca_number"] == account.ca_number


def test_the_usage_is_the_bills_figures(as_user, customer, office):
    account, bills = _linked(customer, office, 26)
    client = as_user(customer)
    for months in (12, 24):
        body = client.get(
            f"/api/v1/accounts/{account.ca_number}/usage/?months={months}"
        ).json()
        assert body["months"] == months
        assert [(r["bill"], r["kwh"], r["total"]) for r in body["rows"]] == [
            (b.number, f"{b.kwh}", f"{b.total}") for b in bills[-months:]
        ]
    wrong = client.get(f"/api/v1/accounts/{account.ca_number}/usage/?months=7")
    assert wrong.status_code == 400
    assert "months" in wrong.json()["error"]["fields"]


def test_a_bill_gives_its_thai_qr_references_while_unpaid(as_user, customer, office):
    account, bills = _linked(customer, office, 2)
    client = as_user(customer)
    unpaid = client.get(f"/api/v1/bills/{bills[-1].number}/").json()
    assert unpaid["thai_qr"]["ref1"] == account.ca_number
    assert unpaid["thai_qr"]["ref2"] == bills[-1].number
    assert unpaid["thai_qr"]["payload"].startswith("000201")
    paid = client.get(f"/api/v1/bills/{bills[0].number}/").json()
    assert paid["thai_qr"] is None and paid["status"] == "paid"


@pytest.mark.tools("pdftotext")
def test_the_bill_pdf_is_202_until_the_worker_renders_it(
    as_user, customer, office, monkeypatch
):
    from bills import tasks

    account, bills = _linked(customer, office, 1)
    bill = bills[-1]
    asked = []
    monkeypatch.setattr(tasks.bill_render, "delay", lambda *a: asked.append(a))
    client = as_user(customer)
    url = f"/api/v1/bills/{bill.number}/pdf/"
    first = client.get(url)
    assert first.status_code == 202 and first.json()["error"]["code"] == "not_ready"
    assert asked == [(bill.pk,)]
    documents.bill_render_one(bill_id=bill.pk)
    response = client.get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert account.ca_number in text and f"{bill.total:,.2f}" in text


def test_usage_of_an_account_without_bills_is_empty(as_user, customer, office):
    account = imported_account(office, customer=customer)
    body = as_user(customer).get(f"/api/v1/accounts/{account.ca_number}/usage/").json()
    assert body == {"ca_number": account.ca_number, "months": 12, "rows": []}

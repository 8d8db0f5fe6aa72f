"""Object-level authorization for every API operation: another customer's
ids give 404, staff of another office can neither see nor act, customers
cannot use staff operations nor staff the customer ones, and nothing private
answers without credentials. The table is checked against the URL
configuration, so a new operation without a row fails here."""

import pytest
from django.urls import get_resolver

from notifications.services import notification_enqueue
from payments.models import Receipt
from payments.receipts import receipt_render_one
from payments.services import payment_record_cash, request_quote_fees
from requests_app import services as rs
from tests import factories
from tests.bills.accounts_data import imported_account, monthly_bills

pytestmark = pytest.mark.django_db

PUBLIC = {"schema", "docs", "redoc", "token_create", "services", "service",
          "offices", "meter_sizes", "categories", "outages", "outage"}  # fmt: skip


@pytest.fixture
def world(customer, office, counter, other_office):
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    invoice = request_quote_fees(request=r, user=counter)
    paid_r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    paid = request_quote_fees(request=paid_r, user=counter)
    payment = payment_record_cash(invoice=paid, user=counter, amount=paid.total)
    receipt = Receipt.objects.get(payment=payment)
    receipt_render_one(receipt_id=receipt.pk)
    notification_enqueue(user=customer, event="request_status", request=r,
                         context={"state_label": "x"})  # fmt: skip
    account = imported_account(office, customer=customer)
    [bill] = monthly_bills(account, ["512.40"], status="unpaid")
    return {"r": r, "invoice": invoice, "receipt": receipt, "account": account,
            "bill": bill,
            "outsider": factories.StaffFactory(username="olga", office=other_office)}  # fmt: skip


# name -> (method, path, who may: "owner" | "staff")
def _table(w):
    ref, inv, rc = w["r"].reference, w["invoice"].number, w["receipt"].number
    ca, bill = w["account"].ca_number, w["bill"].number
    return {
        "token_revoke": ("delete", "/api/v1/auth/tokens/current/", "any"),
        "request_file": (
            "post",
            "/api/v1/catalog/services/new-connection/requests/",
            "customer",
        ),  # fmt: skip
        "accounts": ("get", "/api/v1/me/accounts/", "customer"),
        "notifications": ("get", "/api/v1/me/notifications/", "any"),
        "requests": ("get", "/api/v1/requests/", "customer"),
        "request": ("get", f"/api/v1/requests/{ref}/", "owner"),
        "request_documents": ("post", f"/api/v1/requests/{ref}/documents/", "owner"),
        "request_rating": ("post", f"/api/v1/requests/{ref}/rating/", "owner"),
        "bill_accounts": ("get", "/api/v1/accounts/", "customer"),
        "bill_account_link": ("post", "/api/v1/accounts/links/", "customer"),
        "bill_account_update": ("patch", f"/api/v1/accounts/{ca}/settings/", "owner"),
        "bill_account_unlink": ("delete", f"/api/v1/accounts/{ca}/link/", "owner"),
        "bill_payments": ("post", "/api/v1/bill-payments/", "customer"),
        "bill_list": ("get", f"/api/v1/accounts/{ca}/bills/", "owner"),
        "bill_usage": ("get", f"/api/v1/accounts/{ca}/usage/", "owner"),
        "bill": ("get", f"/api/v1/bills/{bill}/", "owner"),
        "bill_pdf": ("get", f"/api/v1/bills/{bill}/pdf/", "owner"),
        "invoices": ("get", "/api/v1/invoices/", "customer"),
        "invoice": ("get", f"/api/v1/invoices/{inv}/", "owner"),
        "invoice_pay": ("post", f"/api/v1/invoices/{inv}/payments/", "owner"),
        "receipt_pdf": ("get", f"/api/v1/receipts/{rc}/pdf/", "owner+office"),
        "voice": ("post", "/api/v1/voice/", "customer"),
        "queue": ("get", "/api/v1/staff/queue/", "staff"),
        "transitions": ("get", f"/api/v1/staff/requests/{ref}/transitions/", "office"),
        "transition": (
            "post",
            f"/api/v1/staff/requests/{ref}/transitions/accept/",
            "office",
        ),  # fmt: skip
    }


def test_every_operation_is_in_the_table(world):
    from api import urls

    names = {p.name for p in urls.urlpatterns}
    assert names == set(_table(world)) | PUBLIC
    assert get_resolver().resolve("/api/v1/requests/x/").url_name == "request"


def test_nothing_private_answers_without_credentials(api, world):
    for name, (method, path, _who) in _table(world).items():
        response = getattr(api, method)(path)
        assert response.status_code == 401, name
        assert response.json()["error"]["code"] == "not_authenticated", name


def test_another_customer_gets_404_for_my_things(as_user, world, other_customer):
    bob = as_user(other_customer)
    for name, (method, path, who) in _table(world).items():
        if who.startswith("owner"):
            response = getattr(bob, method)(path, {}, format="json")
            assert response.status_code == 404, name
            assert response.json()["error"]["code"] == "not_found", name
    assert bob.get("/api/v1/requests/").json()["results"] == []
    assert bob.get("/api/v1/invoices/").json()["results"] == []
    assert bob.get("/api/v1/me/notifications/").json()["results"] == []
    assert bob.get("/api/v1/accounts/").json()["results"] == []
    world["account"].refresh_from_db()  # bob's unlink changed nothing
    assert world["account"].customer_id is not None


def test_staff_of_another_office_cannot_see_or_act(as_user, world):
    olga = as_user(world["outsider"])
    for name, (method, path, who) in _table(world).items():
        if who in ("office", "owner+office"):
            response = getattr(olga, method)(path, {}, format="json")
            assert response.status_code == 404, name
    assert olga.get("/api/v1/staff/queue/").json()["results"] == []
    assert world["r"].state == "fees_quoted"  # nothing happened


def test_customers_and_staff_keep_to_their_own_operations(
    as_user, world, customer, counter
):
    alice, charlie = as_user(customer), as_user(counter)
    for name, (method, path, who) in _table(world).items():
        if who in ("staff", "office"):
            assert getattr(alice, method)(path, {}, format="json").status_code == 403, (
                name
            )
        if who in ("customer", "owner"):
            assert (
                getattr(charlie, method)(path, {}, format="json").status_code == 403
            ), name
    # The office's own staff do see and may act.
    assert charlie.get(_table(world)["transitions"][1]).status_code == 200
    assert charlie.get(_table(world)["receipt_pdf"][1]).status_code == 200
    queue = charlie.get("/api/v1/staff/queue/").json()["results"]
    assert world["r"].reference in [row["reference"] for row in queue]

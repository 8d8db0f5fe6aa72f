"""The API of my accounts: list with the current bill, link (same rules and
lockout as the web page), settings, unlink."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bills.models import Bill
from tests import factories
from tests.bills.accounts_data import imported_account, monthly_bills, verified_id

pytestmark = pytest.mark.django_db

LINK = "/api/v1/accounts/links/"


def test_linking_by_the_profiles_id_returns_the_account(as_user, customer, office):
    account = imported_account(office, holder_id=verified_id(customer))
    monthly_bills(account, ["321.50"], status=Bill.Status.UNPAID)
    response = as_user(customer).post(
        LINK, {"ca_number": account.ca_number, "nickname": "บ้าน"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ca_number"] == account.ca_number
    assert body["nickname"] == "บ้าน"
    assert body["current_bill"]["total"] == "321.50"
    assert body["unpaid_bills"] == 1


def test_linking_with_a_bill_amount(as_user, customer, office):
    account = imported_account(office)
    monthly_bills(account, ["100.00", "200.00", "300.00"])
    response = as_user(customer).post(
        LINK, {"ca_number": account.ca_number, "bill_amount": "100.00"}, format="json"
    )
    assert response.status_code == 201


def test_unknown_wrong_and_someone_elses_get_the_same_refusal(
    as_user, customer, other_customer, office
):
    theirs = imported_account(office, meter_serial="T-1")
    monthly_bills(theirs, ["100.00"])
    theirs.customer = other_customer
    theirs.save()
    mine = imported_account(office, meter_serial="M-1")
    client = as_user(customer)
    answers = [
        client.post(LINK, {"ca_number": ca, "meter_number": serial}, format="json")
        for ca, serial in (
            ("029999999999", "M-1"),
            (mine.ca_number, "WRONG"),
            (theirs.ca_number, "T-1"),
        )
    ]
    assert {r.status_code for r in answers} == {400}
    assert len({r.content for r in answers}) == 1
    assert answers[0].json()["error"]["code"] == "link_refused"


def test_no_proof_asks_for_one(as_user, customer, office):
    response = as_user(customer).post(
        LINK, {"ca_number": "029999999999"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "proof_needed"


def test_the_lockout_answers_429_even_with_the_right_proof(
    as_user, customer, office, settings
):
    settings.LINK_FAILURE_LIMIT = 2
    account = imported_account(office, meter_serial="RIGHT-1")
    client = as_user(customer)
    for _ in range(2):
        client.post(
            LINK, {"ca_number": "029999999999", "meter_number": "x"}, format="json"
        )
    response = client.post(
        LINK, {"ca_number": account.ca_number, "meter_number": "RIGHT-1"}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert int(response["Retry-After"]) > 0
    account.refresh_from_db()
    assert account.customer is None


def test_the_list_runs_the_same_queries_for_one_and_many_accounts(
    as_user, customer, office, django_assert_num_queries
):
    client = as_user(customer)

    def linked():
        a = imported_account(office, customer=customer, linked_at=timezone.now())
        monthly_bills(a, ["10.00", "20.00"], status=Bill.Status.UNPAID)

    linked()
    client.get("/api/v1/accounts/")
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/accounts/").json()["results"]) == 1
    for _ in range(4):
        linked()
    with django_assert_num_queries(len(one.captured_queries)):
        rows = client.get("/api/v1/accounts/").json()["results"]
    assert len(rows) == 5
    assert all(r["current_bill"]["total"] == "20.00" for r in rows)
    assert all(r["unpaid_bills"] == 2 for r in rows)


def test_settings_and_unlink(as_user, customer, office):
    account = factories.account_for(customer, office)
    client = as_user(customer)
    url = f"/api/v1/accounts/{account.ca_number}/"
    response = client.patch(
        url + "settings/", {"nickname": "ร้าน", "bill_notices": False}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["nickname"], response.json()["bill_notices"]) == (
        "ร้าน",
        False,
    )
    assert client.delete(url + "link/").status_code == 204
    account.refresh_from_db()
    assert account.customer is None


def test_another_customers_account_is_404(as_user, other_customer, customer, office):
    theirs = factories.account_for(other_customer, office)
    client = as_user(customer)
    url = f"/api/v1/accounts/{theirs.ca_number}/"
    assert client.patch(url + "settings/", {"nickname": "x"}).status_code == 404
    assert client.delete(url + "link/").status_code == 404
    theirs.refresh_from_db()
    assert (theirs.customer, theirs.nickname) == (other_customer, "")


def test_unlink_with_a_request_in_progress_is_409(as_user, customer, office):
    account = factories.account_for(customer, office)
    factories.submit_account_request(service_code="meter-test", account=account)
    response = as_user(customer).delete(f"/api/v1/accounts/{account.ca_number}/link/")
    assert response.status_code == 409


def test_staff_cannot_link_through_the_customer_api(as_user, counter, office):
    response = as_user(counter).post(
        LINK, {"ca_number": "029999999999", "meter_number": "x"}, format="json"
    )
    assert response.status_code == 403

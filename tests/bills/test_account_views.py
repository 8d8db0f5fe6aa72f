"""The account pages: My accounts, add, name and notices, unlink, and the
counter's link for a walk-in."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bills.models import Bill
from tests import factories
from tests.bills.accounts_data import imported_account, monthly_bills, verified_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, customer):
    client.force_login(customer)
    return customer


def _linked(customer, office, totals=("500.00",), **kw):
    account = imported_account(office, **kw)
    account.customer = customer
    account.linked_at = timezone.now()
    account.save()
    bills = monthly_bills(account, list(totals), status=Bill.Status.UNPAID)
    return account, bills


def test_my_accounts_shows_the_current_bill_and_a_pay_link(client, alice, office):
    account, bills = _linked(alice, office, totals=("400.00", "512.75"), nickname="บ้าน")
    response = client.get(reverse("bills:accounts"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "บ้าน" in page and account.ca_number in page
    assert account.premises_address in page
    assert "512.75" in page
    assert "data-other-unpaid" in page  # the older bill is unpaid too


def test_each_account_links_to_its_bills_and_to_paying_the_current_one(
    client, alice, office
):
    account, bills = _linked(alice, office, totals=("400.00", "512.75"))
    page = client.get(reverse("bills:accounts")).content.decode()
    assert f'href="{reverse("bills:pay")}?bill={bills[-1].number}"' in page
    assert f'href="{reverse("bills:account", args=[account.ca_number])}"' in page


def test_a_paid_current_bill_has_no_pay_link(client, alice, office):
    account, bills = _linked(alice, office)
    Bill.objects.filter(pk=bills[0].pk).update(status=Bill.Status.PAID)
    page = client.get(reverse("bills:accounts")).content.decode()
    assert "?bill=" not in page


def test_an_overdue_bill_says_so(client, alice, office):
    account, bills = _linked(alice, office)
    Bill.objects.filter(pk=bills[0].pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    client.cookies["django_language"] = "en"
    page = client.get(reverse("bills:accounts"), HTTP_ACCEPT_LANGUAGE="en").content
    assert b"Overdue" in page


def test_my_accounts_runs_the_same_queries_for_one_and_many_accounts(
    client, alice, office, django_assert_num_queries
):
    _linked(alice, office)
    url = reverse("bills:accounts")
    client.get(url)  # warm the session and the language
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        _linked(alice, office, totals=("100.00", "200.00", "300.00"))
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 6


def test_the_empty_state_explains_how_to_link(client, alice):
    page = client.get(reverse("bills:accounts")).content.decode()
    assert "data-empty" in page
    assert reverse("bills:account_add") in page


def test_others_accounts_are_not_listed(client, alice, other_customer, office):
    theirs, _bills = _linked(other_customer, office)
    page = client.get(reverse("bills:accounts")).content.decode()
    assert theirs.ca_number not in page


def test_adding_an_account_by_the_profiles_id(client, alice, office):
    account = imported_account(office, holder_id=verified_id(alice))
    response = client.post(
        reverse("bills:account_add"),
        {"ca_number": account.ca_number, "nickname": "บ้าน"},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.customer, account.nickname) == (alice, "บ้าน")


def test_adding_with_a_wrong_proof_keeps_what_was_typed(client, alice, office):
    account = imported_account(office)
    monthly_bills(account, ["500.00"])
    response = client.post(
        reverse("bills:account_add"),
        {"ca_number": account.ca_number, "bill_amount": "499.00", "nickname": "ร้าน"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="499.00"' in page and 'value="ร้าน"' in page
    assert account.ca_number in page
    assert response.context["form"].non_field_errors()


def test_an_unknown_ca_and_someone_elses_get_the_same_page(
    client, alice, other_customer, office
):
    theirs, bills = _linked(other_customer, office)
    url = reverse("bills:account_add")
    a = client.post(url, {"ca_number": theirs.ca_number, "bill_amount": "500.00"})
    b = client.post(url, {"ca_number": "029999999999", "bill_amount": "500.00"})
    assert a.status_code == b.status_code == 200
    assert a.context["form"].non_field_errors() == b.context["form"].non_field_errors()
    theirs.refresh_from_db()
    assert theirs.customer == other_customer


def test_the_locked_page_says_until_when_and_refuses_the_right_proof(
    client, alice, office, settings
):
    settings.LINK_FAILURE_LIMIT = 2
    account = imported_account(office, meter_serial="RIGHT-1")
    url = reverse("bills:account_add")
    for _ in range(2):
        client.post(url, {"ca_number": "029999999999", "meter_number": "x"})
    response = client.post(
        url, {"ca_number": account.ca_number, "meter_number": "RIGHT-1"}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"data-locked" in response.content
    account.refresh_from_db()
    assert account.customer is None


def test_edit_renames_and_turns_notices_off(client, alice, office):
    account = factories.account_for(alice, office)
    url = reverse("bills:account_settings", args=[account.ca_number])
    assert client.get(url).status_code == 200
    client.post(url, {"nickname": "ร้าน"})  # the box unticked
    account.refresh_from_db()
    assert (account.nickname, account.bill_notices) == ("ร้าน", False)


def test_another_customers_account_pages_are_404(client, alice, other_customer, office):
    theirs = factories.account_for(other_customer, office)
    for name in ("bills:account_settings", "bills:account_unlink"):
        url = reverse(name, args=[theirs.ca_number])
        assert client.get(url).status_code == 404
        assert client.post(url, {"nickname": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.customer == other_customer


def test_unlink_asks_first_then_unlinks(client, alice, office):
    account = factories.account_for(alice, office)
    url = reverse("bills:account_unlink", args=[account.ca_number])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert b'method="post"' in confirm.content
    account.refresh_from_db()
    assert account.customer == alice
    assert client.post(url).status_code == 302
    account.refresh_from_db()
    assert account.customer is None


def test_unlink_page_lists_the_requests_in_progress_instead(client, alice, office):
    account = factories.account_for(alice, office)
    r = factories.submit_account_request(service_code="meter-test", account=account)
    response = client.get(reverse("bills:account_unlink", args=[account.ca_number]))
    assert b"data-open-requests" in response.content
    assert r.reference.encode() in response.content


def test_a_service_page_without_an_account_points_to_linking(client, alice):
    response = client.get(reverse("requests:file", args=["meter-test"]))
    assert b"data-no-account" in response.content
    assert reverse("bills:account_add").encode() in response.content


def test_the_nav_has_my_accounts(client, alice):
    page = client.get(reverse("requests:mine")).content.decode()
    assert reverse("bills:accounts") in page


# The counter -------------------------------------------------------------------


def test_counter_links_for_a_walk_in_after_confirming(
    client, counter, customer, office
):
    account = imported_account(office, holder_id="3100100123458")
    client.force_login(counter)
    url = reverse("bills_staff:link")
    data = {
        "ca_number": account.ca_number,
        "phone": customer.phone,
        "id_shown": "3 1001 00123 45 8",
    }
    confirm = client.post(url, data)
    assert b"data-confirm" in confirm.content
    account.refresh_from_db()
    assert account.customer is None
    done = client.post(url, {**data, "confirmed": "1"})
    assert done.status_code == 302
    account.refresh_from_db()
    assert account.customer == customer


def test_counter_with_a_wrong_id_is_refused(client, counter, customer, office):
    account = imported_account(office, holder_id="3100100123458")
    client.force_login(counter)
    response = client.post(
        reverse("bills_staff:link"),
        {
            "ca_number": account.ca_number,
            "phone": customer.phone,
            "id_shown": "1100100123450",
            "confirmed": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    account.refresh_from_db()
    assert account.customer is None


def test_counter_with_an_unknown_phone_says_so(client, counter, office):
    client.force_login(counter)
    response = client.post(
        reverse("bills_staff:link"),
        {"ca_number": "020000000001", "phone": "0899999999", "id_shown": "1" * 13},
    )
    assert "phone" in response.context["form"].errors


def test_customers_and_field_staff_cannot_open_the_counter_link(
    client, customer, technician
):
    url = reverse("bills_staff:link")
    client.force_login(customer)
    assert client.get(url).status_code == 403
    client.force_login(technician)
    assert client.get(url).status_code == 403

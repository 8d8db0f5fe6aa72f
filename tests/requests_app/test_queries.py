"""Lists cost the same number of queries whatever their length, and the two
busiest lists are served by their indexes (PostgreSQL)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import selectors
from requests_app.services import request_accept, request_assign
from tests import factories

pytestmark = pytest.mark.django_db


def _file(n, *, customers, office, counter=None):
    """n requests spread over the customers; every other one accepted and
    assigned, so the rows differ in state, due date and assignee."""
    made = []
    for i in range(n):
        req = factories.submit_request(
            customer=customers[i % len(customers)], office=office
        )
        if counter is not None and i % 2:
            request_accept(request=req, user=counter)
            request_assign(request=req, user=counter, assignee=counter)
        made.append(req)
    return made


def _last_page(client, url) -> str:
    """Follow "Next" to the last page of the queue."""
    while True:
        page = client.get(url).context["page"]
        if not page.has_next:
            return url
        url = reverse("staff:queue") + "?" + page.next_query


def _count(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


# The staff queue -------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [5, 25])
def test_the_queue_costs_the_same_queries_for_3_and_30_requests(
    client, counter, office, monkeypatch, django_assert_num_queries, page_size
):
    monkeypatch.setattr("requests_app.staff_views.PAGE_SIZE", page_size)
    customers = [factories.CustomerFactory() for _ in range(3)]
    _file(3, customers=customers, office=office, counter=counter)
    client.force_login(counter)
    small, response = _count(client, reverse("staff:queue"))
    assert len(response.context["rows"]) == 3

    more = [factories.CustomerFactory() for _ in range(7)]
    _file(27, customers=customers + more, office=office, counter=counter)

    # Keyset pages read the rows with a due time and, when the page is not
    # full, those without one: never more queries than the short list took.
    large, response = _count(client, reverse("staff:queue"))
    assert large <= small
    assert len(response.context["rows"]) == page_size
    assert response.context["page"].total == 30
    deep, response = _count(client, _last_page(client, reverse("staff:queue")))
    assert deep <= small
    assert response.context["rows"]


def test_a_search_of_the_queue_costs_the_same_queries_for_3_and_30_requests(
    client, counter, office, django_assert_num_queries
):
    somchai = factories.CustomerFactory(first_name="สมชาย")
    _file(3, customers=[somchai], office=office, counter=counter)
    client.force_login(counter)
    url = reverse("staff:queue") + "?q=สมชาย&state=accepted"
    small, response = _count(client, url)
    assert len(response.context["rows"]) == 1

    _file(27, customers=[somchai], office=office, counter=counter)

    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["rows"]) == 14


# "My requests" ---------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [5, 25])
def test_my_requests_cost_the_same_queries_for_3_and_30_requests(
    client, customer, office, counter, monkeypatch, django_assert_num_queries, page_size
):
    monkeypatch.setattr("requests_app.views.PAGE_SIZE", page_size)
    _file(3, customers=[customer], office=office, counter=counter)
    client.force_login(customer)
    small, response = _count(client, reverse("requests:mine"))
    assert len(response.context["rows"]) == 3

    _file(27, customers=[customer], office=office, counter=counter)

    with django_assert_num_queries(small):
        response = client.get(reverse("requests:mine"))
    assert len(response.context["rows"]) == page_size
    assert response.context["page"].paginator.count == 30


def test_the_second_page_of_my_requests_costs_no_more_than_the_first(
    client, customer, office, monkeypatch
):
    monkeypatch.setattr("requests_app.views.PAGE_SIZE", 5)
    _file(12, customers=[customer], office=office)
    client.force_login(customer)

    first, _ = _count(client, reverse("requests:mine"))
    second, response = _count(client, reverse("requests:mine") + "?page=2")

    assert second == first
    assert response.context["page"].number == 2


# Indexes (PostgreSQL) ----------------------------------------------------------------


def _explain(qs) -> str:
    """The plan with fresh statistics (as autovacuum would leave them)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE requests_app_servicerequest")
    return qs.explain()


def _sorts(plan: str) -> list[str]:
    return [line for line in plan.splitlines() if re.search(r"\bSort\b", line)]


def test_the_staff_queue_is_read_in_order_from_req_queue_idx(
    postgres, counter, customer, office, other_office
):
    for target in (office, office, other_office):
        factories.submit_request(customer=customer, office=target)

    qs = selectors.staff_queue(counter)
    plan = _explain(qs)

    assert "req_queue_idx" in plan, plan
    assert _sorts(plan) == [], plan
    assert len(qs) == 2


def test_a_page_of_the_staff_queue_is_read_in_order_from_req_queue_idx(
    postgres, counter, customer, office
):
    factories.submit_request(customer=customer, office=office)

    plan = _explain(selectors.staff_queue(counter)[:25])

    assert "req_queue_idx" in plan, plan
    assert _sorts(plan) == [], plan


def test_my_requests_are_read_in_order_from_req_applicant_idx(
    postgres, customer, other_customer, office
):
    for who in (customer, customer, other_customer):
        factories.submit_request(customer=who, office=office)

    qs = selectors.request_list_for_customer(customer)
    plan = _explain(qs)

    assert "req_applicant_idx" in plan, plan
    assert _sorts(plan) == [], plan
    assert len(qs) == 2


def test_the_queue_filtered_by_state_is_read_in_order_from_an_office_index(
    postgres, counter, customer, office
):
    for _ in range(2):
        request_accept(
            request=factories.submit_request(customer=customer, office=office),
            user=counter,
        )

    qs = selectors.staff_queue(counter, state="accepted")
    plan = _explain(qs)

    # req_office_state_idx serves it, but an open state also satisfies the
    # partial req_queue_idx; the planner picks either by the statistics.
    assert re.search(r"Index Scan using (req_office_state_idx|req_queue_idx)", plan), (
        plan
    )
    assert _sorts(plan) == [], plan
    assert len(qs) == 2

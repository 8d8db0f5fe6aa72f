"""The staff queue pages by keyset: each page starts after the last row of the
page before (due time NULLS LAST, then id), so a deep page is an index range
like the first, and paging forward and back shows every request once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core import keyset
from requests_app.models import ServiceRequest
from requests_app.selectors import staff_queue
from tests import factories
from tests.plans import plan_without_scans_or_sorts

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(customer, office):
    """11 open requests: due times with ties, and three waiting on the
    customer (no due time), which come last."""
    reqs = [
        factories.submit_request(customer=customer, office=office) for _ in range(11)
    ]
    base = timezone.now() + timedelta(days=1)
    dues = [base, base, base + timedelta(hours=1), base - timedelta(hours=5), None,
            base, None, base + timedelta(days=3), base - timedelta(hours=5), None,
            base + timedelta(hours=1)]  # fmt: skip
    for req, due in zip(reqs, dues, strict=True):
        ServiceRequest.objects.filter(pk=req.pk).update(due_at=due)
    return reqs


def _refs(response):
    return [row["r"].reference for row in response.context["rows"]]


def _walk(client, direction, url, keep=""):
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        pages.append((page.number, _refs(response)))
        more = page.has_next if direction == "next_query" else page.has_previous
        url = (
            reverse("staff:queue") + "?" + keep + getattr(page, direction)
            if more
            else None
        )
    return pages, url


def test_next_and_previous_walk_the_whole_queue_in_promise_order(
    client, counter, queue, monkeypatch
):
    monkeypatch.setattr("requests_app.staff_views.PAGE_SIZE", 3)
    expected = list(staff_queue(counter).values_list("reference", flat=True))
    assert len(expected) == 11
    client.force_login(counter)

    forward, _ = _walk(client, "next_query", reverse("staff:queue"))
    assert [n for n, _refs in forward] == [1, 2, 3, 4]
    assert [ref for _n, refs in forward for ref in refs] == expected
    # The rows without a due time come last, across a page boundary.
    assert [len(refs) for _n, refs in forward] == [3, 3, 3, 2]

    last = client.get(reverse("staff:queue"), {"after": keyset.encode(
        ServiceRequest.objects.get(reference=forward[2][1][-1]), "due_at"), "p": 4})  # fmt: skip
    backward, _ = _walk(client, "previous_query", reverse("staff:queue") + "?"
                        + last.context["page"].previous_query)  # fmt: skip
    assert backward == forward[2::-1]


def test_the_pager_counts_up_to_its_cap(client, counter, queue, monkeypatch):
    monkeypatch.setattr("requests_app.staff_views.PAGE_SIZE", 3)
    monkeypatch.setattr(keyset, "COUNT_CAP", 5)
    client.force_login(counter)
    client.cookies["pea_language"] = "en"
    response = client.get(reverse("staff:queue"))
    page = response.context["page"]
    assert not page.total_is_exact and page.num_pages is None
    assert "Page 1 · 1–3 of more than 5" in response.content.decode()

    monkeypatch.setattr(keyset, "COUNT_CAP", 50)
    response = client.get(reverse("staff:queue"))
    assert "Page 1 of 4 · 1–3 of 11" in response.content.decode()


def _token(raw: str) -> str:
    import base64

    return base64.urlsafe_b64encode(raw.encode()).decode()


@pytest.mark.parametrize("cursor", ["garbage", "LXw=", "", "MjAyNnw5OQ", "%00",
                                    _token("-|99999999999999999999999"), _token("-|-5"),
                                    _token("2026-11-23T10:00:00|5")])  # fmt: skip
def test_a_cursor_that_is_not_ours_shows_the_first_page(client, counter, queue, cursor):
    client.force_login(counter)
    for name in ("after", "before"):
        response = client.get(reverse("staff:queue"), {name: cursor, "p": "x"})
        assert response.status_code == 200
        assert response.context["page"].number == 1
        assert len(response.context["rows"]) == 11


def test_a_deep_page_of_a_region_is_an_index_range_on_postgresql(offices, customer):
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    region_sup = factories.StaffFactory(username="rex", role="supervisor",
                                        office=offices["region"])  # fmt: skip
    req = factories.submit_request(customer=customer, office=offices["branch"])
    qs = staff_queue(region_sup)
    captured = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, ctx: (
            captured.append((sql, params)) or execute(sql, params, many, ctx)
        )
    ):
        keyset.keyset_page(qs, "due_at", {"after": keyset.encode(req, "due_at")}, 25)
    sql, params = captured[0]  # the rows after the cursor, with a due time
    plan = plan_without_scans_or_sorts(sql, params)
    assert "req_region_queue_idx" in plan, plan
    assert "Sort" not in plan.split("req_region_queue_idx")[0], plan
    # The cursor is where the index range starts, not a filter over the rows
    # before it: page 10,000 reads what page 1 reads.
    cond = plan.split("Index Cond:", 1)[1].splitlines()[0]
    assert "due_at >=" in cond, plan


def test_closed_requests_page_by_id_alone(
    client, counter, customer, office, monkeypatch
):
    """Closed requests have no due time: the list is one range of ids, with
    no query for timed rows (which no index of theirs could answer)."""
    from requests_app.services import request_cancel

    monkeypatch.setattr("requests_app.staff_views.PAGE_SIZE", 2)
    reqs = [
        factories.submit_request(customer=customer, office=office) for _ in range(5)
    ]
    for req in reqs:
        request_cancel(request=req, user=customer, reason="ไม่ต้องการแล้ว")
    assert not ServiceRequest.objects.filter(due_at__isnull=False).exists()
    client.force_login(counter)
    captured = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, ctx: (
            captured.append(sql) or execute(sql, params, many, ctx)
        )
    ):
        forward, _ = _walk(client, "next_query",
                           reverse("staff:queue") + "?state=cancelled",
                           keep="state=cancelled&")  # fmt: skip
    assert [ref for _n, refs in forward for ref in refs] == [r.reference for r in reqs]
    assert not any('"due_at" IS NOT NULL' in sql for sql in captured)

"""A province or region supervisor's queue reads the province and region
copied onto each request at filing: the same requests as the office-path
scope, served by one index range."""

import pytest

from requests_app.models import ServiceRequest
from requests_app.selectors import office_scope_q, staff_queue
from tests import factories
from tests.plans import plan_without_scans_or_sorts

pytestmark = pytest.mark.django_db


def test_filing_copies_the_branch_province_and_region(customer, offices):
    r = factories.submit_request(customer=customer, office=offices["branch"])
    assert (r.province, r.region) == (offices["province"], offices["region"])


def test_supervisor_queues_hold_the_same_requests_as_the_path_scope(
    customer, offices, supervisor
):
    for office in (offices["branch"], offices["other_branch"], offices["branch"]):
        factories.submit_request(customer=customer, office=office)
    region_sup = factories.StaffFactory(username="rex", role="supervisor",
                                        office=offices["region"])  # fmt: skip
    for user in (supervisor, region_sup):
        by_copy = set(staff_queue(user).values_list("pk", flat=True))
        by_path = set(
            ServiceRequest.objects.filter(office_scope_q(user)).values_list(
                "pk", flat=True
            )
        )
        assert by_copy == by_path and by_copy
    assert staff_queue(supervisor).count() == 2  # its province's branch only
    assert staff_queue(region_sup).count() == 3


def test_the_region_queue_is_an_index_range_on_postgresql(offices, customer):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    region_sup = factories.StaffFactory(username="rex", role="supervisor",
                                        office=offices["region"])  # fmt: skip
    sql, params = staff_queue(region_sup)[:25].query.sql_with_params()
    plan = plan_without_scans_or_sorts(sql, params)
    assert "req_region_queue_idx" in plan, plan
    assert "Sort" not in plan.split("req_region_queue_idx")[0], plan

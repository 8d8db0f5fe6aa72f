"""The supervisor dashboard on a seeded data set: the numbers are computed here
independently (from the rows the test made), in Thai and English; each number
drills down to its list, which exports as CSV; the page costs the same number
of queries for a small and a larger office."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from requests_app import services as rs
from sla.models import Clock
from tests import factories

pytestmark = pytest.mark.django_db


def _seed(offices, counter, other_counter, monkeypatch, n=6):
    """n new connections per branch; in the branch: 2 accepted on time, 1
    accepted late (filed ten days ago: late whatever the weekends and holidays between), 1 at risk, 1 late, 1 cancelled."""
    branch, other = offices["branch"], offices["other_branch"]
    now = timezone.now()
    made = {"branch": [], "other": []}
    for key, office in (("branch", branch), ("other", other)):
        for i in range(n):
            if key == "branch" and i == 2:
                monkeypatch.setattr(timezone, "now", lambda: now - timedelta(days=10))
            customer = factories.CustomerFactory()
            made[key].append(factories.submit_request(customer=customer, office=office))
            monkeypatch.undo()
    b = made["branch"]
    for r in b[:3]:
        rs.request_accept(request=r, user=counter)
    # The fourth is past 75 % of its time, the fifth past due.
    Clock.objects.filter(request=b[3], step_code="accept").update(
        at_risk_at=now - timedelta(minutes=5), due_at=now + timedelta(minutes=30)
    )
    Clock.objects.filter(request=b[4], step_code="accept").update(
        at_risk_at=now - timedelta(hours=2), due_at=now - timedelta(minutes=1)
    )
    rs.request_cancel(request=b[5], user=b[5].applicant, reason="ย้าย")
    rs.request_accept(request=made["other"][0], user=other_counter)
    return made


def _expected(office_ids):
    """The dashboard's headline numbers, straight from the rows."""
    from requests_app.models import ServiceRequest

    now = timezone.now()
    reqs = [r for r in ServiceRequest.objects.all() if r.office_id in office_ids]
    clocks = [c for c in Clock.objects.all() if c.office_id in office_ids]
    finished = [c for c in clocks if c.status in ("met", "missed") and c.stopped_at]
    return {
        "open": sum(r.is_open for r in reqs),
        "at_risk": sum(
            c.status == "running" and c.at_risk_at <= now < c.due_at for c in clocks
        ),
        "breached": sum(c.status == "running" and c.due_at <= now for c in clocks),
        "met": sum(c.status == "met" for c in finished),
        "finished": len(finished),
    }


def _kpis(html):
    return dict(re.findall(r'data-kpi="(\w+)">([^<]+)<', html))


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_numbers_are_right_for_the_branch_and_the_province(
    client, offices, counter, other_counter, supervisor, language, monkeypatch
):
    _seed(offices, counter, other_counter, monkeypatch)
    client.force_login(supervisor)  # province supervisor: both branches
    client.cookies["pea_language"] = language
    province_ids = {
        o.pk for o in offices.values() if o.path.startswith(supervisor.office.path)
    }
    for office, ids in (
        ("", province_ids),
        (offices["branch"].code, {offices["branch"].pk}),
    ):
        expected = _expected(ids)
        response = client.get(reverse("sla:dashboard"), {"office": office, "weeks": 4})
        d = response.context["d"]
        assert (d.open_total, d.at_risk, d.breached, d.met, d.finished) == (
            expected["open"], expected["at_risk"], expected["breached"],
            expected["met"], expected["finished"],
        )  # fmt: skip
        kpis = _kpis(response.content.decode())
        assert kpis["open"] == str(expected["open"])
        assert kpis["breached"] == str(expected["breached"])
    # Branch only: 6 filed, 1 cancelled → 5 open; 1 at risk, 1 late;
    # acceptance: 2 met, 1 missed; call-backs are still running.
    assert (expected["open"], expected["at_risk"], expected["breached"]) == (5, 1, 1)
    assert (expected["met"], expected["finished"]) == (2, 3)
    with translation.override(language):
        heading = "Service level dashboard" if language == "en" else "แดชบอร์ด"
    assert heading in response.content.decode()


def test_each_number_drills_down_to_its_list_and_csv(
    client, offices, counter, other_counter, supervisor, monkeypatch
):
    made = _seed(offices, counter, other_counter, monkeypatch)
    client.force_login(supervisor)
    branch = offices["branch"].code
    late = client.get(reverse("sla:list", args=["breached"]), {"office": branch})
    assert [c.request for c in late.context["page"].object_list] == [made["branch"][4]]
    missed = client.get(
        reverse("sla:list", args=["missed"]),
        {"office": branch, "service": "new-connection", "step": "accept"},
    )
    assert missed.context["page"].paginator.count == 1
    response = client.get(
        reverse("sla:list", args=["open"]), {"office": branch, "format": "csv"}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 1 + 5
    assert {r[0] for r in rows[1:]} == {r.reference for r in made["branch"][:5]}


def _csv(client, kind, **params):
    response = client.get(reverse("sla:list", args=[kind]), {**params, "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_csv_gives_local_times_as_the_screen_does_and_says_so(
    client, offices, counter, other_counter, supervisor, monkeypatch
):
    made = _seed(offices, counter, other_counter, monkeypatch)
    client.force_login(supervisor)
    branch = offices["branch"].code

    def local(moment):  # Asia/Bangkok is UTC+7 all year
        return (moment + timedelta(hours=7)).strftime("%Y-%m-%d %H:%M:%S")

    client.cookies["pea_language"] = "en"
    head, *rows = _csv(client, "open", office=branch)
    assert head[4] == "Due (Asia/Bangkok)"
    by_ref = {r[0]: r for r in rows}
    for r in made["branch"][:5]:
        r.refresh_from_db()
        assert by_ref[r.reference][4] == local(r.due_at)
    head, row = _csv(client, "breached", office=branch)
    clock = Clock.objects.get(request=made["branch"][4], step_code="accept")
    assert head[4:7] == [
        "Started (Asia/Bangkok)", "Due (Asia/Bangkok)", "Stopped (Asia/Bangkok)",
    ]  # fmt: skip
    assert row[4:7] == [local(clock.started_at), local(clock.due_at), ""]
    client.cookies["pea_language"] = "th"
    head, _row = _csv(client, "breached", office=branch)
    assert head[5] == "กำหนดเสร็จ (Asia/Bangkok)"


def test_only_supervisors_see_their_own_offices(client, offices, counter, supervisor):
    client.force_login(counter)
    assert client.get(reverse("sla:dashboard")).status_code == 404
    region_other = factories.StaffFactory(
        role="supervisor", office=offices["other_branch"]
    )
    client.force_login(region_other)
    response = client.get(reverse("sla:dashboard"), {"office": offices["branch"].code})
    assert response.status_code == 404


def test_the_page_costs_the_same_queries_for_few_and_many(
    client, offices, counter, other_counter, supervisor, monkeypatch
):
    _seed(offices, counter, other_counter, monkeypatch)
    client.force_login(supervisor)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("sla:dashboard")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(2):
        _seed(offices, counter, other_counter, monkeypatch, n=8)
    assert count() == few

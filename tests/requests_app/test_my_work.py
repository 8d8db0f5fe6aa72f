"""My appointments: field staff land on what is to do (today's, then coming
days', then overdue work, each by time) with the address and a call button;
finished work has its own tab (issue 18)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.models import Appointment
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("staff:my_work")


def _today_at(hour: int, days: int = 0):
    """A local time of today (or `days` away) that is on that day whatever
    the clock says when the test runs."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=days, hours=hour)


def _order(req, who, when, status="open"):
    done = status != "open"
    return Appointment.objects.create(
        request=req, kind="survey", assignee=who, scheduled_for=when, status=status,
        done_at=when if done else None, done_by=who if done else None,
    )  # fmt: skip


@pytest.fixture
def work(submitted_request, surveyor, technician):
    """24 finished visits of today and before, and open work of every group."""
    finished = [
        _order(submitted_request, surveyor, _today_at(8, -i), "done") for i in range(23)
    ] + [_order(submitted_request, surveyor, _today_at(7), "cancelled")]
    return {
        "finished": finished,
        "coming": _order(submitted_request, surveyor, _today_at(10, 1)),
        "today_late": _order(submitted_request, surveyor, _today_at(15)),
        "overdue": _order(submitted_request, surveyor, _today_at(9, -2)),
        "today_early": _order(submitted_request, surveyor, _today_at(9)),
        "someone_elses": _order(submitted_request, technician, _today_at(11)),
    }


def test_open_work_comes_first_today_then_coming_then_overdue(
    client, surveyor, work, submitted_request
):
    client.force_login(surveyor)
    client.cookies["pea_language"] = "en"
    response = client.get(URL)

    listed = list(response.context["page"].object_list)
    assert [a.pk for a in listed] == [
        work[k].pk for k in ("today_early", "today_late", "coming", "overdue")
    ]
    assert response.context["counts"] == {
        "today": 2, "coming": 1, "overdue": 1, "open": 4,
    }  # fmt: skip
    html = response.content.decode()
    assert (
        html.index(">Today<")
        < html.index(">Coming days<")
        < html.index("Overdue: from earlier days, still to do")
    )
    assert html.count('class="chip chip-late">Overdue<') == 1
    assert 'aria-current="page" class="current">To do' in html
    # The address, and the customer's phone to call.
    phone = submitted_request.contact_phone
    assert submitted_request.premises_address in html
    assert html.count(f'href="tel:{phone}"') == 4


def test_finished_work_has_its_own_tab_newest_first_with_the_phone_masked(
    client, surveyor, work, submitted_request
):
    client.force_login(surveyor)
    response = client.get(URL, {"tab": "done"})

    listed = list(response.context["page"].object_list)
    assert len(listed) == 24
    assert {a.status for a in listed} == {"done", "cancelled"}
    times = [a.scheduled_for for a in listed]
    assert times == sorted(times, reverse=True)
    html = response.content.decode()
    assert "tel:" not in html
    phone = submitted_request.contact_phone
    assert phone not in html and f"{phone[:3]}-XXX-{phone[-4:]}" in html
    assert 'aria-current="page" class="current">' in html


def test_the_tabs_page_on_their_own(client, surveyor, submitted_request):
    for i in range(30):
        _order(submitted_request, surveyor, _today_at(8, -i), "done")
    client.force_login(surveyor)
    html = client.get(URL, {"tab": "done"}).content.decode()
    assert "?tab=done&page=2" in html
    page2 = client.get(URL, {"tab": "done", "page": 2})
    assert len(page2.context["page"].object_list) == 5
    assert not client.get(URL).context["page"].object_list


@pytest.mark.parametrize("tab", ["", "done"])
def test_the_list_takes_the_same_queries_however_long(
    client, surveyor, submitted_request, django_assert_num_queries, tab
):
    client.force_login(surveyor)
    other = factories.submit_request(
        customer=factories.CustomerFactory(), office=submitted_request.office
    )
    counts = []
    for n in (2, 20):
        Appointment.objects.filter(assignee=surveyor).delete()
        for i in range(n):
            req = other if i % 2 else submitted_request
            _order(req, surveyor, _today_at(9, i - n // 2), "done" if tab else "open")
        # session + user, the counts, the page's count and its rows
        with django_assert_num_queries(5) as ctx:
            response = client.get(URL, {"tab": tab} if tab else {})
        assert len(response.context["page"].object_list) == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_nothing_to_do_says_so(client, surveyor):
    client.force_login(surveyor)
    client.cookies["pea_language"] = "en"
    assert "Nothing to do" in client.get(URL).content.decode()
    assert "No finished work yet." in client.get(URL, {"tab": "done"}).content.decode()

"""Staff sessions end after STAFF_SESSION_IDLE_HOURS (8) without a request;
customers keep Django's two weeks (accounts/middleware.py)."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.middleware import SEEN_KEY

pytestmark = pytest.mark.django_db
HOURS = 8


def _set_seen(client, seconds_ago: float) -> None:
    session = client.session
    session[SEEN_KEY] = time.time() - seconds_ago
    session.save()


def test_a_staff_session_expires_eight_idle_hours_after_its_last_request(
    client, counter
):
    client.force_login(counter)
    assert client.get(reverse("staff:queue")).status_code == 200
    row = Session.objects.get(session_key=client.session.session_key)
    left = (row.expire_date.timestamp() - time.time()) / 3600
    assert HOURS - 0.1 < left <= HOURS  # the database row ends with it too


def test_within_eight_hours_the_clerk_carries_on(client, counter):
    client.force_login(counter)
    client.get(reverse("staff:queue"))
    _set_seen(client, HOURS * 3600 - 120)
    assert client.get(reverse("staff:queue")).status_code == 200
    # ...and that request starts the eight hours again.
    assert time.time() - client.session[SEEN_KEY] < 5


def test_after_eight_idle_hours_the_clerk_must_log_in_again(client, counter):
    client.force_login(counter)
    client.get(reverse("staff:queue"))
    _set_seen(client, HOURS * 3600 + 1)
    response = client.get(reverse("staff:queue"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert "8" in response.content.decode() and (
        "ไม่มีการใช้งาน" in response.content.decode()
        or "without activity" in response.content.decode()
    )


def test_the_api_with_an_idle_staff_session_answers_401(client, counter):
    client.force_login(counter)
    client.get(reverse("staff:queue"))
    _set_seen(client, HOURS * 3600 + 1)
    response = client.get("/api/v1/staff/queue/")
    assert response.status_code in (401, 403)


def test_customers_keep_their_two_week_session(client, customer):
    client.force_login(customer)
    client.get(reverse("requests:mine"))
    assert SEEN_KEY not in client.session
    row = Session.objects.get(session_key=client.session.session_key)
    assert (row.expire_date.timestamp() - time.time()) / 86400 > 13


def test_the_idle_time_is_a_setting(client, counter, settings):
    settings.STAFF_SESSION_IDLE_HOURS = 1
    client.force_login(counter)
    client.get(reverse("staff:queue"))
    _set_seen(client, 3601)
    assert client.get(reverse("staff:queue")).status_code == 302

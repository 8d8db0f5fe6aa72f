"""Tokens (issue, use, expire, revoke), the one error shape in the request's
language, throttling, and list operations in a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, token_hash
from notifications.services import notification_enqueue
from payments.services import request_quote_fees
from requests_app import services as rs
from tests import factories
from tests.api.conftest import login

pytestmark = pytest.mark.django_db


def _with(token):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return c


def test_a_token_works_until_revoked_or_expired(api, customer):
    token = login(api, customer)
    stored = ApiToken.objects.get(key_hash=token_hash(token))
    assert stored.prefix == token[:8] and token not in str(stored.__dict__)
    assert _with(token).get("/api/v1/requests/").status_code == 200
    assert _with(token).delete("/api/v1/auth/tokens/current/").status_code == 204
    assert _with(token).get("/api/v1/requests/").status_code == 401

    second = login(api, customer)
    ApiToken.objects.filter(key_hash=token_hash(second)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    refused = _with(second).get("/api/v1/requests/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"
    customer.is_active = False
    customer.save()
    third = ApiToken.objects.create(user=customer, key_hash=token_hash("k" * 43),
                                    prefix="kkkkkkkk",
                                    expires_at=timezone.now() + timedelta(days=1))  # fmt: skip
    assert third and _with("k" * 43).get("/api/v1/requests/").status_code == 401


def test_a_wrong_password_and_bad_input_share_the_error_shape(api, customer):
    wrong = api.post("/api/v1/auth/tokens/", {"username": customer.username,
                                              "password": "nope"}, format="json")  # fmt: skip
    assert wrong.status_code == 401
    assert set(wrong.json()["error"]) == {"code", "message", "fields"}
    empty = api.post("/api/v1/auth/tokens/", {}, format="json")
    assert empty.status_code == 400
    body = empty.json()["error"]
    assert body["code"] == "validation_error"
    assert set(body["fields"]) == {"username", "password"}


def test_messages_follow_the_request_language(as_user, customer, office):
    me = as_user(customer)
    th = me.post("/api/v1/outages/", {"symptom": "area_dark"}, format="json",
                 HTTP_ACCEPT_LANGUAGE="th")  # fmt: skip
    en = me.post("/api/v1/outages/", {"symptom": "area_dark"}, format="json",
                 HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert th.status_code == en.status_code == 400
    assert "address" in th.json()["error"]["fields"]
    assert "Give the CA number" in " ".join(en.json()["error"]["fields"]["address"])
    assert "หมายเลข CA" in " ".join(th.json()["error"]["fields"]["address"])


def test_logins_are_throttled_per_address(api, customer, settings):
    from django.core.cache import cache

    cache.clear()
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], login="3/min")
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": rates,
    }
    from rest_framework.throttling import SimpleRateThrottle

    old = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [
            api.post("/api/v1/auth/tokens/", {"username": "x", "password": "y"},
                     format="json").status_code
            for _ in range(5)
        ]  # fmt: skip
        thai = api.post("/api/v1/auth/tokens/", {}, format="json",
                        HTTP_ACCEPT_LANGUAGE="th").json()["error"]  # fmt: skip
    finally:
        SimpleRateThrottle.THROTTLE_RATES = old
        cache.clear()
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
    assert thai["code"] == "throttled" and "มีคำขอมากเกินไป" in thai["message"]


def _grow(customer, office, counter, n):
    for _ in range(n):
        r = rs.request_accept(
            request=factories.submit_request(customer=customer, office=office),
            user=counter,
        )
        request_quote_fees(request=r, user=counter)
        notification_enqueue(user=customer, event="request_status", request=r,
                             context={"state_label": "x"})  # fmt: skip


@pytest.mark.parametrize("path, who", [
    ("/api/v1/requests/", "customer"), ("/api/v1/invoices/", "customer"),
    ("/api/v1/me/notifications/", "customer"), ("/api/v1/me/accounts/", "customer"),
    ("/api/v1/staff/queue/", "counter"), ("/api/v1/catalog/services/", "customer"),
])  # fmt: skip
def test_lists_run_a_constant_number_of_queries(
    path, who, as_user, customer, office, counter
):
    client = as_user({"customer": customer, "counter": counter}[who])
    _grow(customer, office, counter, 2)
    factories.account_for(customer, office)
    client.get(path)  # the token's first use records it (one UPDATE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    _grow(customer, office, counter, 5)
    factories.account_for(customer, office)
    with CaptureQueriesContext(connection) as more:
        response = client.get(path)
    assert response.status_code == 200
    assert len(more) == len(few), [q["sql"][:60] for q in more.captured_queries]


def test_lists_page_by_cursor(as_user, customer, office, counter):
    _grow(customer, office, counter, 3)
    me = as_user(customer)
    first = me.get("/api/v1/requests/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = me.get(first["next"]).json()
    refs = [r["reference"] for r in first["results"] + second["results"]]
    assert len(refs) == len(set(refs)) == 3
    only = me.get("/api/v1/requests/?state=submitted").json()["results"]
    assert only == []

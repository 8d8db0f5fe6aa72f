"""API answers carry customers' data: `Cache-Control: no-store` on every one,
success or error (api/middleware.py); the portal's pages are left to Django."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_an_authenticated_api_answer_is_not_stored(client, customer):
    client.force_login(customer)
    response = client.get(reverse("api:requests"))
    assert response.status_code == 200 and _no_store(response)
    assert "private" in response["Cache-Control"]


def test_api_errors_and_the_anonymous_catalogue_are_not_stored_either(client):
    assert _no_store(client.get(reverse("api:requests")))  # 401
    assert _no_store(client.get(reverse("api:services")))
    assert _no_store(client.get("/api/v1/no-such-thing/"))  # 404
    token = client.post(
        reverse("api:token_create"), {"username": "nobody", "password": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert token.status_code in (400, 401) and _no_store(token)


def test_the_portal_pages_are_not_touched(client):
    assert not _no_store(client.get(reverse("charter")))

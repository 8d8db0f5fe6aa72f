"""A NUL character in the query string is refused with a 400 (PostgreSQL
cannot compare it: it was a server error on every filtered list)."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_filter_is_a_clear_400(client, counter):
    client.force_login(counter)
    web = client.get("/staff/", {"q": "a\x00b"})
    assert web.status_code == 400
    assert client.get("/staff/", {"q": "ab"}).status_code == 200


def test_the_api_answers_in_its_error_shape(client, counter):
    client.force_login(counter)
    api = client.get("/api/v1/staff/queue/", {"service": "\x00"})
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "validation_error"


def test_a_nul_in_the_path_is_not_found(client, customer):
    client.force_login(customer)
    assert client.get("/requests/A\x00B/").status_code == 404
    api = client.get("/api/v1/requests/A\x00B/")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"

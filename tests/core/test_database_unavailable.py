"""The database out of reach (restart, fail-over) gives a clean 503, with
Retry-After, in Thai and English, never a traceback; other errors stay 500.
Fault drill 3 (scripts/drills.sh) checks the same on a real restart."""

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import include, path

from core.views import RETRY_AFTER_SECONDS


def db_down(request):
    raise OperationalError(
        'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
    )


def connection_dropped(request):
    raise InterfaceError("connection already closed")


def driver_error(request):
    """The driver's own error (psycopg2 on PostgreSQL), not wrapped by Django."""
    raise connection.Database.OperationalError("server closed the connection")


def wrapped(request):
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError as exc:
        raise RuntimeError("while saving the session") from exc


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("down/", db_down),
    path("dropped/", connection_dropped),
    path("driver/", driver_error),
    path("wrapped/", wrapped),
    path("boom/", boom),
    path("api/v1/down/", db_down),
    path("", include("pea_portal.urls")),
]
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"


@pytest.fixture
def client(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/down/", "/dropped/", "/driver/", "/wrapped/"])
def test_it_answers_503_when_the_database_cannot_be_reached(client, url):
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.content.decode()
    assert "ระบบไม่พร้อมให้บริการชั่วคราว" in body
    assert "briefly unavailable" in body
    for leak in ("Traceback", "OperationalError", "InterfaceError", "psycopg",
                 "127.0.0.1", "connection"):  # fmt: skip
        assert leak not in body


def test_the_api_gets_its_error_shape_with_503(client):
    response = client.get("/api/v1/down/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "OperationalError" not in response.content.decode()


def test_any_other_error_is_still_a_500(client):
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Retry-After" not in response

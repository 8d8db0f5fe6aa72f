"""Who may open what: every customer and staff URL of a request, for each actor.

Alice (customer) files a request at `office`. Bob (another customer) and
Dave (counter staff of another office) must not learn that it exists: they get
a 404, never a 403. Anonymous visitors are sent to the login page.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from requests_app.models import Document, RequestEvent, State
from requests_app.services import document_attach
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(submitted_request) -> Document:
    return submitted_request.documents.order_by("pk").first()


def _customer_urls(req, document):
    """(method, url, data) for each customer-facing URL of one request."""
    return {
        "requests:detail": ("get", reverse("requests:detail", args=[req.reference])),
        "requests:document": (
            "get",
            reverse("requests:document", args=[document.token]),
        ),
        "requests:action": (
            "post",
            reverse("requests:action", args=[req.reference, "cancel"]),
        ),
        "requests:upload": ("post", reverse("requests:upload", args=[req.reference])),
    }


def _staff_urls(req):
    return {
        "staff:detail": ("get", reverse("staff:detail", args=[req.reference])),
        "staff:act": ("post", reverse("staff:act", args=[req.reference, "accept"])),
        "staff:assign": ("post", reverse("staff:assign", args=[req.reference])),
    }


def _post_data(req, document):
    """A well-formed POST for any of the URLs, so only the access rule decides."""
    return {
        "expected_state": req.state,
        "reason": "ขอยกเลิก",
        "claim": "1",
        "document_type": str(document.document_type_id),
        "file": factories.pdf("extra.pdf"),
    }


def _call(client, method, url, req, document):
    if method == "post":
        return client.post(url, _post_data(req, document))
    return client.get(url)


CUSTOMER_URL_NAMES = [
    "requests:detail",
    "requests:document",
    "requests:action",
    "requests:upload",
]
STAFF_URL_NAMES = ["staff:detail", "staff:act", "staff:assign"]


def _unchanged(req, documents_before):
    req.refresh_from_db()
    assert req.state == State.SUBMITTED
    assert req.assigned_to_id is None
    assert req.documents.count() == documents_before
    assert (
        not RequestEvent.objects.filter(request=req).exclude(action="submit").exists()
    )


# Another customer -----------------------------------------------------------------


@pytest.mark.parametrize("name", CUSTOMER_URL_NAMES)
def test_another_customer_gets_404_on_every_url_of_the_request(
    client, other_customer, submitted_request, document, name
):
    method, url = _customer_urls(submitted_request, document)[name]
    documents_before = submitted_request.documents.count()
    client.force_login(other_customer)

    response = _call(client, method, url, submitted_request, document)

    assert response.status_code == 404
    _unchanged(submitted_request, documents_before)


# Anonymous --------------------------------------------------------------------------


@pytest.mark.parametrize("name", CUSTOMER_URL_NAMES + STAFF_URL_NAMES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(
    client, submitted_request, document, name
):
    urls = {
        **_customer_urls(submitted_request, document),
        **_staff_urls(submitted_request),
    }
    method, url = urls[name]
    documents_before = submitted_request.documents.count()

    response = _call(client, method, url, submitted_request, document)

    assert response.status_code == 302
    expected = redirect_to_login(url, reverse(django_settings.LOGIN_URL))["Location"]
    assert response["Location"] == expected
    assert urlsplit(response["Location"]).path == reverse("accounts:login")
    _unchanged(submitted_request, documents_before)


def test_an_anonymous_visitor_is_sent_to_the_login_page_from_the_queue(client):
    response = client.get(reverse("staff:queue"))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("accounts:login")


# Staff of another office ------------------------------------------------------------


@pytest.mark.parametrize("name", STAFF_URL_NAMES)
def test_staff_of_another_office_get_404_and_change_nothing(
    client, other_counter, submitted_request, document, name
):
    method, url = _staff_urls(submitted_request)[name]
    documents_before = submitted_request.documents.count()
    client.force_login(other_counter)

    response = _call(client, method, url, submitted_request, document)

    assert response.status_code == 404
    _unchanged(submitted_request, documents_before)


def test_staff_of_another_office_cannot_download_the_document(
    client, other_counter, document
):
    client.force_login(other_counter)

    response = client.get(reverse("requests:document", args=[document.token]))

    assert response.status_code == 404


def test_staff_of_another_office_do_not_see_the_request_in_their_queue(
    client, other_counter, submitted_request
):
    client.force_login(other_counter)

    response = client.get(reverse("staff:queue"))

    assert response.status_code == 200
    assert submitted_request.reference not in response.content.decode()


# Customers on staff screens ---------------------------------------------------------


@pytest.mark.parametrize("name", ["staff:queue", "staff:file"])
def test_a_customer_is_refused_the_staff_screens(client, customer, name):
    client.force_login(customer)

    response = client.get(reverse(name))

    assert response.status_code == 403


@pytest.mark.parametrize("name", STAFF_URL_NAMES)
def test_even_the_owner_is_refused_the_staff_urls_of_their_request(
    client, customer, submitted_request, document, name
):
    method, url = _staff_urls(submitted_request)[name]
    documents_before = submitted_request.documents.count()
    client.force_login(customer)

    response = _call(client, method, url, submitted_request, document)

    assert response.status_code == 403
    _unchanged(submitted_request, documents_before)


# Staff of the office and the supervisor above ---------------------------------------


@pytest.mark.parametrize("actor", ["counter", "surveyor", "technician", "supervisor"])
def test_staff_covering_the_office_open_the_request(
    client, request, submitted_request, actor
):
    client.force_login(request.getfixturevalue(actor))

    response = client.get(reverse("staff:detail", args=[submitted_request.reference]))

    assert response.status_code == 200
    assert response.context["req"].pk == submitted_request.pk


def test_the_supervisor_of_the_province_above_sees_the_request_in_the_queue(
    client, supervisor, submitted_request
):
    client.force_login(supervisor)

    response = client.get(reverse("staff:queue"))

    assert submitted_request.reference in response.content.decode()


@pytest.mark.parametrize("actor", ["counter", "supervisor"])
def test_staff_covering_the_office_open_the_document_in_the_browser(
    client, request, document, actor
):
    client.force_login(request.getfixturevalue(actor))

    response = client.get(reverse("requests:document", args=[document.token]))

    assert response.status_code == 200
    # A preview beside the request (issue 18), still under a name of ours.
    assert response["Content-Disposition"].startswith("inline;")
    assert f"{document.request.reference}-" in response["Content-Disposition"]
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == factories.PDF_BYTES


# The owner ----------------------------------------------------------------------------


def test_the_owner_opens_their_request(client, customer, submitted_request):
    client.force_login(customer)

    response = client.get(
        reverse("requests:detail", args=[submitted_request.reference])
    )

    assert response.status_code == 200
    assert submitted_request.reference in response.content.decode()


def test_the_owner_downloads_their_document_with_the_bytes_they_uploaded(
    client, customer, submitted_request, document
):
    client.force_login(customer)

    response = client.get(reverse("requests:document", args=[document.token]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == factories.PDF_BYTES
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    expected_name = f"{submitted_request.reference}-{document.document_type.code}.pdf"
    assert expected_name in disposition
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_owner_downloads_an_image_with_its_own_content_type(
    client, customer, submitted_request
):
    image = document_attach(
        request=submitted_request,
        document_type=submitted_request.documents.first().document_type,
        uploaded=SimpleUploadedFile("photo.png", factories.PNG_BYTES),
        user=customer,
    )
    client.force_login(customer)

    response = client.get(reverse("requests:document", args=[image.token]))

    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == factories.PNG_BYTES


def test_an_unknown_document_token_is_404_even_for_staff(client, counter):
    client.force_login(counter)

    response = client.get(reverse("requests:document", args=["0" * 32]))

    assert response.status_code == 404


def test_the_owner_may_cancel_their_own_request(client, customer, submitted_request):
    client.force_login(customer)

    response = client.post(
        reverse("requests:action", args=[submitted_request.reference, "cancel"]),
        {"expected_state": "submitted", "reason": "เปลี่ยนใจ"},
    )

    assert response.status_code == 302
    submitted_request.refresh_from_db()
    assert submitted_request.state == State.CANCELLED


@pytest.mark.parametrize("action", ["accept", "reject", "quote_fees", "explode"])
def test_the_owner_cannot_take_a_staff_step_through_the_customer_url(
    client, customer, submitted_request, action
):
    client.force_login(customer)

    response = client.post(
        reverse("requests:action", args=[submitted_request.reference, action]),
        {"expected_state": "submitted", "reason": "x"},
    )

    assert response.status_code == 404
    _unchanged(submitted_request, submitted_request.documents.count())


def test_the_counter_of_the_office_may_accept(client, counter, submitted_request):
    client.force_login(counter)

    response = client.post(
        reverse("staff:act", args=[submitted_request.reference, "accept"]),
        {"expected_state": "submitted"},
    )

    assert response.status_code == 302
    submitted_request.refresh_from_db()
    assert submitted_request.state == State.ACCEPTED

"""The portal's icon: every page links it, and /favicon.ico (what a browser asks
for where a page names none: a PDF, the API's JSON) leads to it; both are
static files that are served (no 404 on every page, issue 18)."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import reverse


@pytest.mark.django_db
@override_settings(WHITENOISE_USE_FINDERS=True)  # static files served as in the demo
def test_the_pages_link_an_icon_that_is_served():
    client = Client()  # built here: WhiteNoise reads the setting when it starts
    page = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(svg.streaming_content)
    ico = client.get("/favicon.ico", follow=True)
    assert ico.redirect_chain == [("/static/favicon.ico", 302)]
    assert ico.status_code == 200
    assert b"".join(ico.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_error_pages_link_it_too():
    for name in ("500.html", "503.html"):
        assert 'rel="icon" href="/static/favicon.svg"' in render_to_string(name)

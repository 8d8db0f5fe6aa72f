"""A user's own language from the moment they log in (issue 18): the English
customer on a Thai browser reads English, page after page, and the switcher
still changes it for the visit."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
THAI_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "th-TH,th;q=0.9"}


@pytest.fixture
def emma(db):
    return factories.CustomerFactory(username="emma", preferred_language="en")


def _log_in(client, user, **extra):
    return client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD},
        **THAI_BROWSER,
        **extra,
    )


def test_the_english_customer_on_a_thai_browser_reads_english(client, emma):
    assert 'lang="th"' in client.get(reverse("home"), **THAI_BROWSER).content.decode()

    response = _log_in(client, emma)

    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    for page in (reverse("home"), reverse("requests:mine")):
        html = client.get(page, **THAI_BROWSER).content.decode()
        assert '<html lang="en">' in html
        assert "My requests" in html


def test_it_is_kept_after_logging_out(client, emma):
    _log_in(client, emma)
    client.post(reverse("accounts:logout"), **THAI_BROWSER)

    html = client.get(reverse("accounts:login"), **THAI_BROWSER).content.decode()
    assert '<html lang="en">' in html


def test_the_thai_customer_on_an_english_browser_reads_thai(client, customer):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chosen before logging in

    response = client.post(
        reverse("accounts:login"),
        {"username": customer.username, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "th"
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="th">' in html


def test_the_switcher_still_changes_it_for_the_visit(client, emma):
    _log_in(client, emma)

    client.post(reverse("set_language"), {"language": "th", "next": "/"})

    html = client.get(reverse("home"), **THAI_BROWSER).content.decode()
    assert '<html lang="th">' in html
    emma.refresh_from_db()
    assert emma.preferred_language == "en"  # the language of her SMS stays


def test_a_failed_login_leaves_the_language_alone(client, emma):
    response = client.post(
        reverse("accounts:login"),
        {"username": emma.username, "password": "wrong-password"},
        **THAI_BROWSER,
    )

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_signing_up_in_english_on_a_thai_browser_opens_english(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "kind": "individual",
            "first_name": "Emma",
            "last_name": "Stone",
            "phone": "0891234567",
            "email": "",
            "national_id": factories.national_id(9077),
            "preferred_language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },  # fmt: skip
        **THAI_BROWSER,
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(response["Location"], **THAI_BROWSER).content.decode()
    assert '<html lang="en">' in html
    assert "Welcome! Your account is ready." in html

"""Logging in and getting back in (issue 9): lockout after repeated failures
on the web form and the API alike, password reset by an SMS code with its
limits, the security log in UTC, session fixation, CSRF and logout."""

import logging
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import PasswordResetCode
from notifications.models import OutboxMessage
from notifications.services import outbox_deliver_one
from requests_app.models import ServiceRequest, State
from tests import factories
from tests.handset import handset

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOGIN = "/accounts/login/"
TOKENS = "/api/v1/auth/tokens/"
RESET = "/accounts/password-reset/"
RESET_CODE = "/accounts/password-reset/code/"
RESET_NEW = "/accounts/password-reset/new/"
ISO_UTC = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z ")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The API's login throttle counts in the cache: none carried over."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def security_log(caplog):
    """The pea.security records. The logger does not propagate (its own UTC
    handler writes it), so caplog's handler is attached to it directly."""
    logger = logging.getLogger("pea.security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="pea.security")
    yield caplog
    logger.removeHandler(caplog.handler)


def events(caplog) -> list[str]:
    return [r.security["event"] for r in caplog.records if r.name == "pea.security"]


def records(caplog, event):
    return [
        r
        for r in caplog.records
        if r.name == "pea.security" and r.security["event"] == event
    ]


@pytest.fixture
def mobile_customer(db):
    """A customer as the portal makes them: the mobile number is the username."""
    return factories.CustomerFactory(
        username="0812345678", phone="0812345678", preferred_language="en"
    )


def web_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def api_login(api, username, password, **extra):
    return api.post(
        TOKENS, {"username": username, "password": password}, format="json", **extra
    )


def fail_web(client, username, times, **extra):
    return [
        web_login(client, username, "wrong-password", **extra) for _ in range(times)
    ]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# Lockout ------------------------------------------------------------------------


def test_the_web_login_locks_out_after_five_failures(client, mobile_customer):
    responses = fail_web(client, "0812345678", 5)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    # Now even the right password is refused, and nobody is logged in.
    response = web_login(client, "0812345678", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lockout_page_says_when_to_try_again_and_how_to_reset(
    client, mobile_customer
):
    fail_web(client, "0812345678", 5)

    response = web_login(client, "0812345678", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    assert "accounts/lockout.html" in [t.name for t in response.templates]
    page = response.content.decode()
    until = timezone.localtime(response.context["until"])
    # Locked out for 30 minutes from the failure that locked it.
    assert timedelta(minutes=29) < until - timezone.now() <= timedelta(minutes=30)
    assert f"{until:%H:%M}" in page
    assert reverse("accounts:password_reset") in page
    assert 1700 <= int(response["Retry-After"]) <= 1800


def test_the_lockout_page_is_in_thai_by_default(client, mobile_customer):
    fail_web(client, "0812345678", 5)

    response = web_login(client, "0812345678", PASSWORD)

    assert response.status_code == 429
    assert '<html lang="th">' in response.content.decode()
    assert " น." in response.content.decode()  # the time as Thai readers write it


def test_the_api_locks_out_after_five_failures(mobile_customer):
    api = APIClient()
    statuses = [
        api_login(api, "0812345678", "wrong-password").status_code for _ in range(5)
    ]

    assert statuses == [401, 401, 401, 401, 429]
    response = api_login(api, "0812345678", PASSWORD)
    assert response.status_code == 429
    body = response.json()["error"]
    assert body["code"] == "locked_out"
    assert int(response["Retry-After"]) > 0
    assert "token" not in response.json()


def test_web_and_api_failures_count_together(client, mobile_customer):
    fail_web(client, "0812345678", 3)
    api = APIClient()
    api_login(api, "0812345678", "wrong")

    assert api_login(api, "0812345678", "wrong").status_code == 429
    assert web_login(client, "0812345678", PASSWORD).status_code == 429


def test_every_spelling_of_a_mobile_number_counts_towards_one_lockout(
    client, mobile_customer
):
    for spelling in ("081-234-5678", "+66812345678", "081 234 5678", "66812345678"):
        web_login(client, spelling, "wrong")

    assert web_login(client, "0812345678", "wrong").status_code == 429
    assert AccessAttempt.objects.get().username == "0812345678"


def test_the_lockout_is_per_username_and_address(client, mobile_customer):
    fail_web(client, "0812345678", 5, REMOTE_ADDR="203.0.113.7")

    # The customer, at home, is not locked out by someone guessing elsewhere…
    elsewhere = Client()
    response = web_login(elsewhere, "0812345678", PASSWORD, REMOTE_ADDR="198.51.100.2")
    assert response.status_code == 302
    # …and the guesser may still log in to another account of their own.
    other = factories.CustomerFactory(username="0898765432", phone="0898765432")
    response = web_login(Client(), other.username, PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302


def test_a_successful_login_clears_the_failures(client, mobile_customer):
    fail_web(client, "0812345678", 4)
    assert web_login(client, "0812345678", PASSWORD).status_code == 302
    client.logout()

    responses = fail_web(client, "0812345678", 4)

    assert {r.status_code for r in responses} == {200}


def test_the_customer_can_log_in_again_after_the_cooldown(client, mobile_customer):
    fail_web(client, "0812345678", 5)
    assert web_login(client, "0812345678", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))

    assert web_login(client, "0812345678", PASSWORD).status_code == 302
    assert logged_in(client)


def test_tries_while_locked_out_do_not_extend_the_lockout(client, mobile_customer):
    fail_web(client, "0812345678", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=20))

    web_login(client, "0812345678", "wrong")  # refused, not counted
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))

    assert web_login(client, "0812345678", PASSWORD).status_code == 302


def test_staff_unlock_a_username_with_the_axes_command(client, mobile_customer):
    fail_web(client, "0812345678", 5)

    call_command("axes_reset_username", "0812345678", stdout=open("/dev/null", "w"))

    assert web_login(client, "0812345678", PASSWORD).status_code == 302


def test_unknown_user_and_wrong_password_get_the_same_answer(client, mobile_customer):
    wrong_password = web_login(client, "0812345678", "wrong")
    unknown_user = web_login(client, "0899999999", "wrong")

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert list(wrong_password.context["form"].non_field_errors()) == list(
        unknown_user.context["form"].non_field_errors()
    )
    api = APIClient()
    assert (
        api_login(api, "0812345678", "wrong").json()
        == api_login(api, "0899999999", "wrong").json()
    )


def test_an_unknown_username_is_locked_out_the_same_way(client, mobile_customer):
    known = fail_web(client, "0812345678", 5)[-1]
    unknown = fail_web(client, "0899999999", 5)[-1]

    assert known.status_code == unknown.status_code == 429
    assert known.templates[0].name == unknown.templates[0].name


def test_an_inactive_account_gets_the_same_answer_as_a_wrong_password(client):
    factories.CustomerFactory(
        username="0861111111", phone="0861111111", is_active=False
    )

    right_password = web_login(client, "0861111111", PASSWORD)
    wrong_password = web_login(client, "0861111111", "wrong")

    assert list(right_password.context["form"].non_field_errors()) == list(
        wrong_password.context["form"].non_field_errors()
    )


def test_test_client_logins_still_work_with_axes_on(client, mobile_customer):
    assert settings.AXES_ENABLED
    assert client.login(username="0812345678", password=PASSWORD)
    client.logout()
    client.force_login(mobile_customer)
    assert client.get(reverse("requests:mine")).status_code == 200


# Password reset by SMS code -----------------------------------------------------------


def ask_code(client, phone, **extra):
    return client.post(RESET, {"phone": phone}, **extra)


def sms_code(user) -> str:
    """The code, as the customer's phone receives it."""
    message = OutboxMessage.objects.filter(
        recipient=user, event="password_reset_code"
    ).latest("pk")
    with handset() as inbox:
        outbox_deliver_one(message_id=message.pk)
    return re.search(r"\b(\d{6})\b", inbox[message.to][-1]).group(1)


def test_the_login_page_links_to_the_password_reset(client):
    response = client.get(LOGIN)

    assert reverse("accounts:password_reset") in response.content.decode()


def test_a_customer_resets_the_password_with_the_code_sent_by_sms(
    client, mobile_customer, security_log
):
    response = ask_code(client, "081-234-5678")
    assert response.status_code == 302
    assert response["Location"] == RESET_CODE
    page = client.get(RESET_CODE).content.decode()
    assert "081-XXX-5678" in page

    code = sms_code(mobile_customer)
    message = OutboxMessage.objects.get(event="password_reset_code")
    assert message.to == "0812345678"
    assert message.channel == "sms"
    # Only a keyed hash of the code is stored.
    row = PasswordResetCode.objects.get()
    assert code not in (row.code_hash, row.salt)

    response = client.post(RESET_CODE, {"code": code})
    assert response.status_code == 302
    assert response["Location"] == RESET_NEW

    # Django's validators apply to the new password.
    response = client.post(
        RESET_NEW, {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]

    new = "a-new-long-passphrase"
    response = client.post(RESET_NEW, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert response["Location"] == LOGIN

    assert web_login(Client(), "0812345678", PASSWORD).status_code == 200
    assert web_login(Client(), "0812345678", new).status_code == 302
    # The code is spent; the flow cannot be replayed.
    assert client.get(RESET_NEW)["Location"] == RESET
    # The code never reaches the log, nor does the full number.
    text = "\n".join(r.getMessage() for r in security_log.records)
    assert code not in text
    assert "0812345678" not in text
    assert {"password_reset_requested", "password_reset_done"} <= set(
        events(security_log)
    )


def test_a_reset_ends_every_other_session_and_api_token(client, mobile_customer):
    elsewhere = Client()
    elsewhere.force_login(mobile_customer)
    assert elsewhere.get(reverse("requests:mine")).status_code == 200
    token = api_login(APIClient(), "0812345678", PASSWORD).json()["token"]
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert app.get("/api/v1/me/accounts/").status_code == 200

    ask_code(client, "0812345678")
    client.post(RESET_CODE, {"code": sms_code(mobile_customer)})
    client.post(
        RESET_NEW,
        {"new_password1": "fresh-passphrase-9", "new_password2": "fresh-passphrase-9"},
    )

    response = elsewhere.get(reverse("requests:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert app.get("/api/v1/me/accounts/").status_code == 401


def test_a_reset_lifts_the_lockout(client, mobile_customer):
    fail_web(client, "0812345678", 5)

    reset = Client()
    ask_code(reset, "0812345678")
    reset.post(RESET_CODE, {"code": sms_code(mobile_customer)})
    reset.post(
        RESET_NEW, {"new_password1": "fresh-pass-77", "new_password2": "fresh-pass-77"}
    )

    assert web_login(client, "0812345678", "fresh-pass-77").status_code == 302


def test_the_code_expires_after_ten_minutes(client, mobile_customer):
    ask_code(client, "0812345678")
    code = sms_code(mobile_customer)
    PasswordResetCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(RESET_CODE, {"code": code})

    assert response.status_code == 200
    assert response.context["expired"]
    assert client.get(RESET_NEW)["Location"] == RESET_CODE


def test_the_code_is_valid_for_ten_minutes(client, mobile_customer):
    ask_code(client, "0812345678")
    row = PasswordResetCode.objects.get()

    assert row.expires_at - row.created_at == timedelta(minutes=10)


def test_a_code_has_five_tries(client, mobile_customer):
    ask_code(client, "0812345678")
    code = sms_code(mobile_customer)
    wrong = "000000" if code != "000000" else "111111"

    first = client.post(RESET_CODE, {"code": wrong})
    assert "4" in first.context["form"].errors["code"][0]
    for _ in range(4):
        client.post(RESET_CODE, {"code": wrong})

    response = client.post(RESET_CODE, {"code": code})
    assert response.status_code == 200, (response.status_code, response.content[:300])
    assert response.context["expired"]
    assert PasswordResetCode.objects.get().attempts == 5
    assert client.get(RESET_NEW)["Location"] == RESET_CODE


def test_at_most_three_codes_per_number_per_hour(client, mobile_customer):
    statuses = [ask_code(client, "0812345678").status_code for _ in range(4)]

    assert statuses == [302, 302, 302, 429]
    assert OutboxMessage.objects.filter(event="password_reset_code").count() == 3
    # An hour later the number may ask again.
    PasswordResetCode.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert ask_code(client, "0812345678").status_code == 302


def test_the_throttled_page_says_when_to_ask_again(client, mobile_customer):
    for _ in range(3):
        ask_code(client, "0812345678")

    response = ask_code(client, "0812345678", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    retry_at = timezone.localtime(response.context["retry_at"])
    assert f"{retry_at:%H:%M}" in response.content.decode()


def test_at_most_ten_codes_per_address_per_hour(client):
    numbers = [f"08{n:08d}" for n in range(11)]
    statuses = [
        ask_code(client, n, REMOTE_ADDR="203.0.113.9").status_code for n in numbers
    ]

    assert statuses == [302] * 10 + [429]
    assert (
        ask_code(Client(), "0899999999", REMOTE_ADDR="198.51.100.1").status_code == 302
    )


def test_asking_for_an_unknown_number_looks_the_same(client, mobile_customer):
    known = ask_code(client, "0812345678")
    known_page = client.get(RESET_CODE).content.decode()
    other = Client()
    unknown = ask_code(other, "0899999999")
    unknown_page = other.get(RESET_CODE).content.decode()

    assert (known.status_code, known["Location"]) == (
        unknown.status_code,
        unknown["Location"],
    )

    def strip(page):
        page = re.sub(r"08\d-XXX-\d{4}", "PHONE", page)
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    assert strip(known_page) == strip(unknown_page)
    # Only the account's number got an SMS; any code typed for the other fails.
    assert OutboxMessage.objects.filter(event="password_reset_code").count() == 1
    response = other.post(RESET_CODE, {"code": "123456"})
    assert response.context["form"].errors["code"]
    # And the unknown number is throttled exactly like a known one.
    for _ in range(2):
        ask_code(client, "0812345678")
        ask_code(other, "0899999999")
    assert ask_code(client, "0812345678").status_code == 429
    assert ask_code(other, "0899999999").status_code == 429


def test_staff_get_no_code_by_sms(client, office):
    factories.StaffFactory(username="charlie", phone="0823456789", office=office)

    assert ask_code(client, "0823456789").status_code == 302
    assert not OutboxMessage.objects.filter(event="password_reset_code").exists()


def test_the_code_steps_need_a_code_asked_for_first(client, mobile_customer):
    assert client.get(RESET_CODE)["Location"] == RESET
    assert client.get(RESET_NEW)["Location"] == RESET
    # With a code asked for, the new password waits for the code.
    ask_code(client, "0812345678")
    assert client.get(RESET_NEW)["Location"] == RESET_CODE


def test_the_new_password_must_be_chosen_within_ten_minutes_of_the_code(
    client, mobile_customer
):
    ask_code(client, "0812345678")
    client.post(RESET_CODE, {"code": sms_code(mobile_customer)})
    PasswordResetCode.objects.update(verified_at=timezone.now() - timedelta(minutes=11))

    response = client.post(
        RESET_NEW, {"new_password1": "fresh-pass-77", "new_password2": "fresh-pass-77"}
    )

    assert response["Location"] == RESET_CODE
    assert web_login(Client(), "0812345678", "fresh-pass-77").status_code == 200


# The security log -----------------------------------------------------------------


def assert_utc_now(record):
    """The line as the configured handler writes it starts with the time of
    the event in UTC, ISO 8601 with a Z."""
    handler = logging.getLogger("pea.security").handlers[0]
    line = handler.formatter.format(record)
    stamp = ISO_UTC.match(line)
    assert stamp, line
    written = datetime.strptime(stamp.group(1), "%Y-%m-%dT%H:%M:%S.%f").replace(
        tzinfo=UTC
    )
    assert abs(datetime.now(UTC) - written) < timedelta(minutes=1)
    assert record.security["at"].endswith("Z")


def test_the_security_logger_writes_utc_iso_times(settings):
    from core.security_log import UTCFormatter

    handler = logging.getLogger("pea.security").handlers[0]
    assert isinstance(handler.formatter, UTCFormatter)
    assert settings.LOGGING["loggers"]["pea.security"]["level"] == "INFO"
    assert settings.TIME_ZONE == "Asia/Bangkok"  # and still the stamp is UTC


def test_web_logins_are_logged(client, mobile_customer, security_log):
    web_login(client, "081-234-5678", "wrong", REMOTE_ADDR="203.0.113.7")
    web_login(client, "0812345678", PASSWORD, REMOTE_ADDR="203.0.113.7")

    failure = records(security_log, "login_failure")[0]
    success = records(security_log, "login_success")[0]
    assert failure.security == {
        **failure.security,
        "channel": "web",
        "username": "081-XXX-5678",
        "user_id": None,
        "ip": "203.0.113.7",
        "path": LOGIN,
    }
    assert success.security["user_id"] == mobile_customer.pk
    assert success.security["username"] == "081-XXX-5678"
    for record in (failure, success):
        assert_utc_now(record)
        assert "0812345678" not in record.getMessage()
        assert PASSWORD not in record.getMessage()
        assert "wrong" not in record.getMessage()


def test_a_lockout_and_the_refusals_after_it_are_logged(
    client, mobile_customer, security_log
):
    fail_web(client, "0812345678", 5)
    web_login(client, "0812345678", PASSWORD)

    # Axes locks out while the fifth failure is being recorded: its
    # lockout_start comes with that failure, the refusal after both.
    logged = events(security_log)
    assert Counter(logged[:6]) == {"login_failure": 5, "lockout_start": 1}
    assert logged[6:] == ["login_locked_out"]
    for event in ("lockout_start", "login_locked_out"):
        assert_utc_now(records(security_log, event)[0])


def test_api_logins_are_logged(mobile_customer, security_log):
    api = APIClient()
    api_login(api, "0812345678", "wrong")
    api_login(api, "0812345678", PASSWORD)

    logged = [
        (r.security["event"], r.security["channel"], r.security["path"])
        for r in security_log.records
        if r.name == "pea.security"
    ]
    assert logged == [
        ("login_failure", "api", TOKENS),
        ("login_success", "api", TOKENS),
    ]
    assert records(security_log, "login_success")[0].security["user_id"] == (
        mobile_customer.pk
    )
    for event in ("login_failure", "login_success"):
        assert_utc_now(records(security_log, event)[0])


def test_an_api_lockout_is_logged(mobile_customer, security_log):
    api = APIClient()
    for _ in range(6):
        api_login(api, "0812345678", "wrong")

    logged = events(security_log)
    assert Counter(logged[:6]) == {"login_failure": 5, "lockout_start": 1}
    assert logged[6:] == ["login_locked_out"]


def test_a_refused_staff_page_is_logged(client, customer, security_log):
    client.force_login(customer)
    security_log.clear()

    response = client.get(reverse("staff:queue"))

    assert response.status_code == 403
    (record,) = records(security_log, "access_denied")
    assert record.security["user_id"] == customer.pk
    assert record.security["status"] == 403
    assert record.security["path"] == reverse("staff:queue")
    assert_utc_now(record)


def test_an_api_request_without_a_valid_token_is_logged(security_log):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    response = api.get("/api/v1/me/accounts/?phone=0812345678")

    assert response.status_code == 401
    (record,) = records(security_log, "not_authenticated")
    assert record.security["status"] == 401
    assert record.security["path"] == "/api/v1/me/accounts/"  # no query string
    assert "0812345678" not in record.getMessage()
    assert_utc_now(record)


def test_a_failed_api_login_is_logged_once(mobile_customer, security_log):
    api_login(APIClient(), "0812345678", "wrong")

    assert events(security_log) == ["login_failure"]


def test_a_national_id_typed_as_username_is_masked(client, security_log):
    web_login(client, "1101700203451", "wrong")

    message = records(security_log, "login_failure")[0].getMessage()
    assert "1101700203451" not in message
    assert "XXXXXXXXXX451" in message


def test_a_username_cannot_forge_a_log_line(client, security_log):
    web_login(client, 'x" event=login_success\nuser', "wrong")

    message = records(security_log, "login_failure")[0].getMessage()
    assert "\n" not in message
    assert message.count("event=") == 1


# Session fixation, logout --------------------------------------------------------------


def test_the_session_key_changes_at_login(client, mobile_customer):
    client.get(LOGIN)
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key

    web_login(client, "0812345678", PASSWORD)

    assert logged_in(client)
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_a_session_id_planted_by_an_attacker_is_not_kept(client, mobile_customer):
    # A session the attacker made (and so knows the key of)…
    planted = SessionStore()
    planted["attacker"] = True
    planted.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    web_login(client, "0812345678", PASSWORD)

    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    # …and one that never existed.
    invented = Client()
    invented.cookies[settings.SESSION_COOKIE_NAME] = "attackerchosen0123456789abcdefgh"
    web_login(invented, "0812345678", PASSWORD)
    assert (
        invented.cookies[settings.SESSION_COOKIE_NAME].value
        != "attackerchosen0123456789abcdefgh"
    )
    assert logged_in(invented)


def test_logout_ends_the_session(client, mobile_customer, security_log):
    web_login(client, "0812345678", PASSWORD)
    key = client.session.session_key

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    response = replay.get(reverse("requests:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "logout" in events(security_log)


# CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_a_login_post_without_the_csrf_token_is_refused(
    csrf_client, mobile_customer, security_log
):
    csrf_client.get(LOGIN)  # the CSRF cookie is set; the form's token is not sent

    response = web_login(csrf_client, "0812345678", PASSWORD)

    assert response.status_code == 403
    assert not logged_in(csrf_client)
    (record,) = records(security_log, "csrf_failure")
    assert record.security["reason"] == "token_missing"
    assert record.security["path"] == LOGIN
    assert_utc_now(record)


def test_a_login_post_with_the_csrf_token_passes(csrf_client, mobile_customer):
    csrf_client.get(LOGIN)
    token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value

    response = csrf_client.post(
        LOGIN,
        {"username": "0812345678", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302


def test_a_staff_action_without_the_csrf_token_is_refused(
    csrf_client, submitted_request, counter, security_log
):
    csrf_client.force_login(counter)
    csrf_client.get(reverse("staff:queue"))

    response = csrf_client.post(
        reverse("staff:act", args=[submitted_request.reference, "accept"])
    )

    assert response.status_code == 403
    submitted_request.refresh_from_db()
    assert submitted_request.state == State.SUBMITTED
    assert records(security_log, "csrf_failure")[0].security["user_id"] == counter.pk


def test_paying_an_invoice_without_the_csrf_token_is_refused(
    csrf_client, customer, office, counter, security_log
):
    from payments.services import request_quote_fees
    from requests_app.services import request_accept

    sr = request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    invoice = request_quote_fees(request=sr, user=counter)
    csrf_client.force_login(customer)
    csrf_client.get(reverse("requests:mine"))

    response = csrf_client.post(reverse("payments:pay", args=[invoice.number]))

    assert response.status_code == 403
    assert records(security_log, "csrf_failure")
    assert ServiceRequest.objects.get(pk=sr.pk).state == sr.state

"""A password-reset code reaches the phone and nothing else: the outbox row
holds it only until it is sent (so a failed send can be retried within the
code's minutes), never in its body, and no backend logs, prints or keeps it."""

import importlib
import logging
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.services import password_reset_request, password_reset_verify
from notifications.backends import DeliveryError
from notifications.models import SECRET_MARK, OutboxMessage, SentSMS
from notifications.services import MAX_ATTEMPTS, outbox_deliver_one
from tests import factories
from tests.handset import handset

pytestmark = pytest.mark.django_db

PHONE = "0812345678"


class DownGatewayBackend:
    """A gateway that refuses, quoting the message as some gateways do."""

    def send(self, message) -> None:
        raise DeliveryError(f"gateway busy, not sent: {message.body}")


@pytest.fixture
def ask(db):
    """A customer asks for a code: the reset row and its outbox message."""
    factories.CustomerFactory(username=PHONE, phone=PHONE, preferred_language="th")

    def ask():
        reset = password_reset_request(phone=PHONE, ip_address="198.51.100.1")
        message = OutboxMessage.objects.filter(event="password_reset_code").latest("pk")
        return reset, message

    return ask


def stored_texts(message) -> list[str]:
    """Every text the database holds for the message, and its SentSMS copy."""
    row = OutboxMessage.objects.filter(pk=message.pk).values().get()
    texts = [str(v) for v in row.values()]
    texts += list(SentSMS.objects.filter(outbox=message).values_list("body", flat=True))
    return texts


def test_after_delivery_the_row_and_the_database_copy_hold_no_code(ask, settings):
    settings.SMS_BACKEND = "notifications.backends.DatabaseSMSBackend"
    reset, message = ask()
    code = message.secret
    assert len(code) == 6 and code.isdigit()
    assert code not in message.body and SECRET_MARK in message.body  # not even now

    assert outbox_deliver_one(message_id=message.pk) is True

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.secret == ""
    assert not [t for t in stored_texts(message) if code in t]
    assert SECRET_MARK in SentSMS.objects.get(outbox=message).body


def test_the_phone_gets_the_code_and_it_works(ask):
    reset, message = ask()
    with handset() as inbox:
        outbox_deliver_one(message_id=message.pk)
    (received,) = inbox[PHONE]
    assert SECRET_MARK not in received
    code = next(w for w in received.replace(".", " ").split() if w.isdigit())
    assert password_reset_verify(reset_id=reset.pk, code=code).verified_at


def test_the_console_backend_prints_and_logs_no_code(ask, settings, capsys, caplog):
    settings.SMS_BACKEND = "notifications.backends.ConsoleSMSBackend"
    caplog.set_level(logging.DEBUG)
    reset, message = ask()
    code = message.secret

    assert outbox_deliver_one(message_id=message.pk) is True

    out, err = capsys.readouterr()
    assert f"[SMS outbox #{message.pk}]" in out and SECRET_MARK in out
    assert code not in out + err
    assert code not in caplog.text
    assert not [t for t in stored_texts(message) if code in t]


def test_a_failed_send_is_retried_with_the_code(ask, settings, caplog):
    reset, message = ask()
    code = message.secret
    settings.SMS_BACKEND = f"{__name__}.DownGatewayBackend"
    assert outbox_deliver_one(message_id=message.pk) is False

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.secret == code  # kept for the retry, in its own column
    assert "gateway busy" in message.last_error and code not in message.last_error
    assert code not in message.body and code not in caplog.text

    with handset() as inbox:
        assert outbox_deliver_one(message_id=message.pk) is True
    assert code in inbox[PHONE][0]
    assert password_reset_verify(reset_id=reset.pk, code=code).verified_at
    message.refresh_from_db()
    assert message.attempts == 2 and message.secret == ""
    assert not [t for t in stored_texts(message) if code in t]


def test_a_code_past_its_minutes_is_not_sent_and_is_forgotten(ask):
    reset, message = ask()
    OutboxMessage.objects.filter(pk=message.pk).update(
        secret_until=timezone.now() - timedelta(seconds=1)
    )
    with handset() as inbox:
        assert outbox_deliver_one(message_id=message.pk) is False
    assert inbox == {}
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED and message.secret == ""


def test_giving_up_after_the_last_attempt_forgets_the_code(ask, settings):
    reset, message = ask()
    code = message.secret
    settings.SMS_BACKEND = f"{__name__}.DownGatewayBackend"
    for _ in range(MAX_ATTEMPTS):
        outbox_deliver_one(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert not [t for t in stored_texts(message) if code in t]


def test_codes_stored_before_the_change_are_masked(ask):
    """Migration 0004: readable codes of older rows become the mark; one
    still pending and in its minutes moves to `secret` and is still sent."""
    sent = OutboxMessage.objects.create(
        channel="sms", to=PHONE, language="en", event="password_reset_code",
        body="PEA: Your code to set a new password is 314159. It works for 10 "
        "minutes.", status=OutboxMessage.Status.SENT,
    )  # fmt: skip
    SentSMS.objects.create(outbox=sent, to=PHONE, body=sent.body)
    pending = OutboxMessage.objects.create(
        channel="sms", to=PHONE, language="en", event="password_reset_code",
        body="PEA: Your code to set a new password is 271828.",
    )  # fmt: skip
    migration = importlib.import_module(
        "notifications.migrations.0004_mask_reset_codes"
    )
    migration.mask(apps, None)

    sent.refresh_from_db()
    pending.refresh_from_db()
    assert "314159" not in sent.body and SECRET_MARK in sent.body
    assert "314159" not in SentSMS.objects.get(outbox=sent).body
    assert pending.secret == "271828" and "271828" not in pending.body
    with handset() as inbox:
        assert outbox_deliver_one(message_id=pending.pk) is True
    assert "271828" in inbox[PHONE][0]

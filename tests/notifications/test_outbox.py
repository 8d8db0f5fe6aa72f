"""The outbox: messages are written with the change they report, in the
customer's language, and delivered once (SPEC §4, notifications)."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from notifications.backends import DeliveryError
from notifications.models import OutboxMessage, SentSMS
from notifications.services import MAX_ATTEMPTS, outbox_deliver_one, outbox_flush
from requests_app.exceptions import TransitionRefused
from requests_app.models import ServiceRequest, State
from requests_app.services import request_accept, request_resubmit
from tests import factories

pytestmark = pytest.mark.django_db

THAI = re.compile(r"[\u0E00-\u0E7F]")


class FailingSMSBackend:
    """A gateway that is down."""

    def send(self, message):
        raise DeliveryError("gateway timed out")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english_customer(db):
    return factories.CustomerFactory(username="emma", preferred_language="en")


def status_messages(sr):
    return OutboxMessage.objects.filter(request=sr, event="request_status")


# Written with the change -----------------------------------------------------------


def test_a_state_change_writes_one_sms_and_one_email_for_the_customer(
    submitted_request, counter, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        request_accept(request=submitted_request, user=counter)

    rows = status_messages(submitted_request)
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "sms"]
    assert rows.get(channel="sms").to == customer.phone
    assert rows.get(channel="email").to == customer.email
    assert all(m.recipient == customer for m in rows)
    assert all(m.status == OutboxMessage.Status.PENDING for m in rows)
    assert all(submitted_request.reference in m.body for m in rows)
    assert rows.get(channel="email").subject
    # Delivery is only scheduled once the change commits: one per message.
    assert len(callbacks) == 2


def test_a_customer_without_email_gets_only_the_sms(office, counter):
    customer = factories.CustomerFactory(username="noemail", email="")
    sr = factories.submit_request(customer=customer, office=office)

    request_accept(request=sr, user=counter)

    assert list(status_messages(sr).values_list("channel", flat=True)) == ["sms"]


def test_submitting_a_request_writes_the_received_messages(submitted_request, customer):
    rows = OutboxMessage.objects.filter(request=submitted_request)

    assert sorted(rows.values_list("event", "channel")) == [
        ("request_submitted", "email"),
        ("request_submitted", "sms"),
    ]


def test_a_refused_transition_writes_no_message(
    submitted_request, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(PermissionDenied):
            request_accept(request=submitted_request, user=customer)
        with pytest.raises(TransitionRefused):
            request_resubmit(request=submitted_request, user=customer)

    assert not status_messages(submitted_request).exists()
    assert callbacks == []


def test_a_rolled_back_transition_writes_no_message(
    submitted_request, counter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                request_accept(request=submitted_request, user=counter)
                assert status_messages(submitted_request).count() == 2
                raise RuntimeError("something after the change failed")

    assert not status_messages(submitted_request).exists()
    assert ServiceRequest.objects.get(pk=submitted_request.pk).state == State.SUBMITTED
    assert callbacks == []


# In the customer's language ----------------------------------------------------------


def test_messages_follow_an_english_customers_language(
    english_customer, office, counter
):
    sr = factories.submit_request(customer=english_customer, office=office)
    request_accept(request=sr, user=counter)

    rows = OutboxMessage.objects.filter(request=sr)
    assert rows.count() == 4
    for message in rows:
        assert message.language == "en"
        assert not THAI.search(message.body), message.body
        assert not THAI.search(message.subject), message.subject
    email = rows.get(event="request_submitted", channel="email")
    assert "New electricity connection" in email.body
    assert "Accepted" in rows.get(event="request_status", channel="sms").body


def test_messages_follow_a_thai_customers_language(submitted_request, counter):
    request_accept(request=submitted_request, user=counter)

    rows = OutboxMessage.objects.filter(request=submitted_request)
    assert set(rows.values_list("language", flat=True)) == {"th"}
    submitted = rows.filter(event="request_submitted")
    assert all(THAI.search(m.body) for m in submitted)
    assert "ขอใช้ไฟฟ้าใหม่" in submitted.get(channel="email").body


# Delivery --------------------------------------------------------------------------


def test_it_sends_an_sms_once(submitted_request, customer):
    message = OutboxMessage.objects.get(request=submitted_request, channel="sms")

    assert outbox_deliver_one(message_id=message.pk) is True
    assert outbox_deliver_one(message_id=message.pk) is False

    sent = SentSMS.objects.get()
    assert (sent.outbox, sent.to, sent.body) == (message, customer.phone, message.body)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1


def test_it_sends_an_email_once(submitted_request, customer, mailoutbox):
    message = OutboxMessage.objects.get(request=submitted_request, channel="email")

    assert outbox_deliver_one(message_id=message.pk) is True
    assert outbox_deliver_one(message_id=message.pk) is False

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [customer.email]
    assert mail.subject == message.subject
    assert mail.body == message.body
    assert not SentSMS.objects.exists()


def test_a_failing_gateway_leaves_the_message_pending_for_a_retry(
    submitted_request, settings
):
    settings.SMS_BACKEND = f"{__name__}.FailingSMSBackend"
    message = OutboxMessage.objects.get(request=submitted_request, channel="sms")

    assert outbox_deliver_one(message_id=message.pk) is False
    assert outbox_deliver_one(message_id=message.pk) is False

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 2
    assert "DeliveryError" in message.last_error
    assert message.sent_at is None
    assert not SentSMS.objects.exists()


def test_it_gives_up_after_the_last_attempt(submitted_request, settings):
    settings.SMS_BACKEND = f"{__name__}.FailingSMSBackend"
    message = OutboxMessage.objects.get(request=submitted_request, channel="sms")

    for _ in range(MAX_ATTEMPTS):
        outbox_deliver_one(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == MAX_ATTEMPTS
    assert outbox_deliver_one(message_id=message.pk) is False


def test_a_message_that_failed_once_is_sent_when_the_gateway_is_back(
    submitted_request, settings
):
    message = OutboxMessage.objects.get(request=submitted_request, channel="sms")
    settings.SMS_BACKEND = f"{__name__}.FailingSMSBackend"
    outbox_deliver_one(message_id=message.pk)

    settings.SMS_BACKEND = "notifications.backends.DatabaseSMSBackend"
    assert outbox_deliver_one(message_id=message.pk) is True

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert SentSMS.objects.filter(outbox=message).count() == 1


def test_the_flush_delivers_what_is_pending(submitted_request, counter, mailoutbox):
    request_accept(request=submitted_request, user=counter)
    first = OutboxMessage.objects.filter(request=submitted_request).first()
    outbox_deliver_one(message_id=first.pk)

    assert outbox_flush() == 3
    assert outbox_flush() == 0

    assert not OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING
    ).exists()
    assert SentSMS.objects.count() == 2
    assert len(mailoutbox) == 2


def test_the_flush_leaves_failures_pending(submitted_request, settings, mailoutbox):
    settings.SMS_BACKEND = f"{__name__}.FailingSMSBackend"

    assert outbox_flush() == 1

    assert len(mailoutbox) == 1
    pending = OutboxMessage.objects.get(status=OutboxMessage.Status.PENDING)
    assert pending.channel == "sms"
    assert pending.attempts == 1

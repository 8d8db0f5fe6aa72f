"""SMS backends. A real gateway adapter implements `send(message)`, sends
`message.body` and raises `DeliveryError` on a failure worth retrying.

`message.body` holds a password-reset code while it is being sent; what a
backend logs, prints or keeps is `message.body_without_secret()`."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from notifications.models import OutboxMessage, SentSMS

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    pass


class DatabaseSMSBackend:
    """Keeps each SMS in a table the demo and tests can read (a reset code
    masked: a copy in the portal's database is not the customer's phone)."""

    def send(self, message: OutboxMessage) -> None:
        SentSMS.objects.get_or_create(
            outbox=message,
            defaults={"to": message.to, "body": message.body_without_secret()},
        )


class ConsoleSMSBackend:
    def send(self, message: OutboxMessage) -> None:
        # Only the outbox id: phone numbers and bodies stay out of the logs (PDPA).
        logger.info("SMS outbox=%s event=%s", message.pk, message.event)
        print(f"[SMS outbox #{message.pk}] {message.body_without_secret()}")


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()


def send_email(message: OutboxMessage) -> None:
    send_mail(
        subject=message.subject,
        message=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[message.to],
    )

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Stands in the stored body for a secret (a password-reset code).
SECRET_MARK = "••••••"


class OutboxMessage(models.Model):
    """A message to send, written in the same transaction as the change it
    reports. Delivery happens later, in a task; a failed or lost delivery is
    retried by the beat sweep, so nothing is sent for a rolled-back change and
    nothing is lost for a committed one.

    A message carrying a secret (a password-reset code) stores its body with
    SECRET_MARK in the code's place and the code in `secret`, which is kept
    only while the message is still to be sent: delivery fills the code in
    for the backend, then blanks `secret` once sent, once given up, or once
    `secret_until` has passed (an expired code is not sent)."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # None for a visitor known only by a phone number (an outage reporter).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=254)
    language = models.CharField(max_length=2)
    event = models.CharField(max_length=40)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    request = models.ForeignKey(
        "requests_app.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    secret = models.CharField(max_length=32, blank=True)
    secret_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # Beat sweep: pending messages, oldest first.
            models.Index(
                fields=["created_at"],
                name="outbox_pending_idx",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.event} → {self.recipient_id} ({self.status})"

    def body_without_secret(self) -> str:
        """The body fit for a log or a copy kept: the secret shown as
        SECRET_MARK (also while delivery has it filled in)."""
        if self.secret:
            return self.body.replace(self.secret, SECRET_MARK)
        return self.body


class SentSMS(models.Model):
    """What the database SMS backend 'sent' (development and demo)."""

    to = models.CharField(max_length=20)
    body = models.TextField()
    outbox = models.OneToOneField(OutboxMessage, on_delete=models.CASCADE)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.to}: {self.body[:40]}"

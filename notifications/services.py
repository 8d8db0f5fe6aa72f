import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from core.dates import format_date
from core.queue import delay_on_commit
from notifications.backends import get_sms_backend, send_email
from notifications.models import SECRET_MARK, OutboxMessage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def notification_enqueue(
    *, user, event: str, context: dict, request=None
) -> list[OutboxMessage]:
    """Write the messages for `event` to the outbox, in the caller's transaction.

    Text comes from templates/notifications/<event>_{sms,subject,email}.txt in the
    recipient's language. Delivery is scheduled after commit, so a rolled-back
    change sends nothing.
    """
    language = user.preferred_language or "th"
    rows = []
    with translation.override(language):
        ctx = {**context, "user": user, "request": request}
        if request is not None:
            ctx.setdefault(
                "url", settings.SITE_URL.rstrip("/") + request.get_absolute_url()
            )
            ctx.setdefault("due", format_date(request.due_at, with_time=True))
        if user.phone:
            body = render_to_string(f"notifications/{event}_sms.txt", ctx).strip()
            rows.append(
                OutboxMessage(
                    recipient=user,
                    channel=OutboxMessage.Channel.SMS,
                    to=user.phone,
                    language=language,
                    event=event,
                    body=body,
                    request=request,
                )
            )
        if user.email:
            subject = render_to_string(
                f"notifications/{event}_subject.txt", ctx
            ).strip()
            body = render_to_string(f"notifications/{event}_email.txt", ctx).strip()
            rows.append(
                OutboxMessage(
                    recipient=user,
                    channel=OutboxMessage.Channel.EMAIL,
                    to=user.email,
                    language=language,
                    event=event,
                    subject=subject,
                    body=body,
                    request=request,
                )
            )
    OutboxMessage.objects.bulk_create(rows)
    for message in rows:
        _schedule(message.pk)
    return rows


def notification_enqueue_sms(
    *,
    phone: str,
    language: str,
    event: str,
    context: dict,
    recipient=None,
    secret: str = "",
    secret_until: datetime | None = None,
) -> OutboxMessage:
    """An SMS to a phone number, for someone who may have no account (a
    visitor reporting an outage); same outbox, same delivery and retries.

    `secret` (a one-time code) is what the template's `{{ secret }}` shows
    on the phone; the stored body has SECRET_MARK in its place, and the code
    is kept only until it is sent, given up or past `secret_until`
    (OutboxMessage)."""
    language = language or "th"
    if secret and (SECRET_MARK in secret or not secret.strip()):
        raise ValueError("a secret must be a code, not the mark")
    with translation.override(language):
        ctx = {**context, "secret": SECRET_MARK if secret else ""}
        body = render_to_string(f"notifications/{event}_sms.txt", ctx).strip()
    if secret and SECRET_MARK not in body:
        raise ValueError(f"notifications/{event}_sms.txt does not show the secret")
    message = OutboxMessage.objects.create(
        recipient=recipient,
        channel=OutboxMessage.Channel.SMS,
        to=phone,
        language=language,
        event=event,
        body=body,
        secret=secret,
        secret_until=secret_until if secret else None,
    )
    _schedule(message.pk)
    return message


def _schedule(pk: int) -> None:
    """Deliver on commit; broker down: the beat sweep delivers it later."""
    delay_on_commit(
        "notifications.tasks.outbox_deliver",
        pk,
        warning="outbox %s: could not reach the broker; left for the sweep",
        logger=logger,
    )


def outbox_deliver_one(*, message_id: int) -> bool:
    """Deliver one pending message. Safe to run twice: the row is claimed with
    a lock and only a pending row is sent."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return False
        if message.secret_until is not None and message.secret_until <= timezone.now():
            # A code past its time opens nothing: not sent, and not kept.
            message.status = OutboxMessage.Status.FAILED
            message.last_error = "expired before it could be delivered"
            message.secret = ""
            message.save(update_fields=["status", "last_error", "secret"])
            logger.warning("outbox %s: secret expired before delivery", message.pk)
            return False
        message.attempts += 1
        stored_body = message.body
        if message.secret:  # the backend sends the code; the row keeps the mark
            message.body = stored_body.replace(SECRET_MARK, message.secret)
        try:
            if message.channel == OutboxMessage.Channel.SMS:
                get_sms_backend().send(message)
            else:
                send_email(message)
        except Exception as exc:  # noqa: BLE001 - any backend failure is retried
            error = f"{type(exc).__name__}: {exc}"
            if message.secret:  # a gateway's error may quote the message
                error = error.replace(message.secret, SECRET_MARK)
            message.body = stored_body
            message.last_error = error[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
                message.secret = ""
            message.save(update_fields=["attempts", "last_error", "status", "secret"])
            logger.warning(
                "outbox %s: delivery failed (%s)", message.pk, type(exc).__name__
            )
            return False
        message.body = stored_body
        message.secret = ""
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.save(
            update_fields=["attempts", "status", "sent_at", "last_error", "secret"]
        )
        if message.request_id and message.channel == OutboxMessage.Channel.SMS:
            for hook in settings.REQUEST_SMS_SENT_HOOKS:
                import_string(hook)(
                    request_id=message.request_id,
                    written_at=message.created_at,
                    sent_at=message.sent_at,
                )
        return True


def outbox_flush(*, limit: int = 500) -> int:
    """Deliver what is still pending (the safety net run by beat)."""
    ids = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if outbox_deliver_one(message_id=pk))

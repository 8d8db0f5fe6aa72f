import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.dates import format_date
from notifications.backends import get_sms_backend, send_email
from notifications.models import OutboxMessage

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
        transaction.on_commit(lambda pk=message.pk: _schedule(pk))
    return rows


def notification_enqueue_sms(
    *, phone: str, language: str, event: str, context: dict, recipient=None
) -> OutboxMessage:
    """An SMS to a phone number, for someone who may have no account (a
    visitor reporting an outage); same outbox, same delivery and retries."""
    language = language or "th"
    with translation.override(language):
        body = render_to_string(f"notifications/{event}_sms.txt", context).strip()
    message = OutboxMessage.objects.create(
        recipient=recipient, channel=OutboxMessage.Channel.SMS, to=phone,
        language=language, event=event, body=body,
    )  # fmt: skip
    transaction.on_commit(lambda: _schedule(message.pk))
    return message


def _schedule(pk: int) -> None:
    from notifications.tasks import outbox_deliver

    try:
        outbox_deliver.delay(pk)
    except Exception:  # broker down: the beat sweep delivers it later
        logger.warning("outbox %s: could not reach the broker; left for the sweep", pk)


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
        message.attempts += 1
        try:
            if message.channel == OutboxMessage.Channel.SMS:
                get_sms_backend().send(message)
            else:
                send_email(message)
        except Exception as exc:  # noqa: BLE001 - any backend failure is retried
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            message.save(update_fields=["attempts", "last_error", "status"])
            logger.warning(
                "outbox %s: delivery failed (%s)", message.pk, type(exc).__name__
            )
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        if message.request_id and message.channel == OutboxMessage.Channel.SMS:
            from sla.clocks import message_sent

            message_sent(
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

import logging

from celery import shared_task

from payments import receipts

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def receipt_render(receipt_id: int) -> bool:
    return receipts.receipt_render_one(receipt_id=receipt_id)


@shared_task(acks_late=True)
def receipt_render_copy(receipt_id: int) -> bool:
    return receipts.receipt_render_copy(receipt_id=receipt_id)


@shared_task
def receipts_render_missing() -> int:
    return receipts.receipts_render_missing()


@shared_task(acks_late=True)
def provider_event_apply(event_pk: int) -> str:
    from payments.services import provider_event_apply as apply

    return apply(event_pk=event_pk)


@shared_task
def provider_events_apply_pending() -> int:
    """Safety net: callbacks stored while the broker was down. One event that
    fails never stops the others: its transaction is rolled back, the error
    logged, and it stays received for the next sweep (a database blip passes;
    a bad amount is rejected by the service, not raised). Returns how many
    were tried."""
    from payments.models import ProviderEvent
    from payments.services import provider_event_apply as apply

    pks = list(
        ProviderEvent.objects.filter(status="received")
        .order_by("received_at")
        .values_list("pk", flat=True)[:500]
    )
    for pk in pks:
        try:
            apply(event_pk=pk)
        except Exception:
            logger.exception("provider event %s failed; the sweep goes on", pk)
    return len(pks)


@shared_task(acks_late=True)
def settlement_reconcile(settlement_id: int) -> dict:
    from payments.services import settlement_reconcile as reconcile

    return reconcile(settlement_id=settlement_id)


@shared_task(acks_late=True)
def invoice_render(invoice_id: int) -> bool:
    return receipts.invoice_render_one(invoice_id=invoice_id)


@shared_task(acks_late=True)
def refund_render(refund_id: int) -> bool:
    from payments.vouchers import voucher_render_one

    return voucher_render_one(refund_id=refund_id)

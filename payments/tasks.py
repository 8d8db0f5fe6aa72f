from celery import shared_task

from payments import receipts


@shared_task(acks_late=True)
def receipt_render(receipt_id: int) -> bool:
    return receipts.receipt_render_one(receipt_id=receipt_id)


@shared_task
def receipts_render_missing() -> int:
    return receipts.receipts_render_missing()

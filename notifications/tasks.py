from celery import shared_task

from notifications import services


@shared_task(acks_late=True)
def outbox_deliver(message_id: int) -> bool:
    return services.outbox_deliver_one(message_id=message_id)


@shared_task
def outbox_flush() -> int:
    return services.outbox_flush()

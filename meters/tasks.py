from celery import shared_task


@shared_task
def reconnection_invoices_renew() -> int:
    """Reconnection invoices past their day band: expired and priced again
    (charter §3.7). Safe to run twice."""
    from meters.services import reconnection_invoices_renew as renew

    return renew()

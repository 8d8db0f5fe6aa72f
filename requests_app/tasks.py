from celery import shared_task


@shared_task
def pending_uploads_expire() -> int:
    """Beat: the files kept from refused filings, a day on. Safe to run twice."""
    from requests_app.services import pending_uploads_expire as expire

    return expire()

from celery import shared_task
from django.utils import timezone

from bills.notices import bill_notices_sweep
from bills.sources import billing_source


@shared_task
def issue_bills() -> int:
    """The billing source's daily run (the fake issues the month's bills of
    the accounts read today; the export files issue none)."""
    return billing_source().issue_bills(today=timezone.localdate())


@shared_task
def send_bill_notices() -> dict:
    result = bill_notices_sweep()
    return {"issued": result.issued, "reminded": result.reminded}


@shared_task(acks_late=True)
def bill_render(bill_id: int) -> bool:
    """A bill's PDF (bills.documents), when a customer asks for it."""
    from bills.documents import bill_render_one

    return bill_render_one(bill_id=bill_id)


@shared_task(acks_late=True)
def import_billing_file(import_id: int) -> str:
    """Import an uploaded export file (bills.importer); a second delivery of
    the task finds the import claimed and does nothing."""
    from bills.importer import billing_import_claim, billing_import_run

    bi = billing_import_claim(import_id=import_id)
    if bi is None:
        return "claimed"
    return billing_import_run(billing_import=bi).status


@shared_task
def send_overdue_notices() -> dict:
    """The overdue sweep (bills.overdue): first notices, then disconnection
    notices."""
    from bills.overdue import overdue_sweep

    result = overdue_sweep()
    return {
        "first_notices": result.first_notices,
        "disconnection_notices": result.disconnection_notices,
    }

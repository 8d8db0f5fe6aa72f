"""What payments does when a request takes a step (settings.STEP_EFFECTS;
requests_app.machine)."""

from payments.services import invoice_cancel_open

# Steps that call a request off: its unpaid invoices can no longer be paid.
CALLED_OFF = ("cancel", "reject")


def open_invoices_cancel(step) -> None:
    if step.name in CALLED_OFF:
        invoice_cancel_open(request=step.request)

"""The fake provider's hosted payment page: pay or decline, then back to the
merchant. The result reaches the merchant only by the signed callbacks."""

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from fakepay.delivery import deliver, events_for
from fakepay.models import FakeCharge


@require_http_methods(["GET", "POST"])
def checkout(request, charge_id):
    charge = get_object_or_404(FakeCharge, pk=charge_id)
    if request.method == "POST" and charge.status == FakeCharge.Status.PENDING:
        charge.status = (
            FakeCharge.Status.SUCCEEDED
            if request.POST.get("action") == "pay"
            else FakeCharge.Status.FAILED
        )
        charge.save(update_fields=["status"])
        events = events_for(charge)
        if settings.FAKEPAY_SYNC:
            for kind, event_id in events:
                deliver(charge, kind, event_id=event_id)
        else:
            from fakepay.tasks import deliver_event

            for kind, event_id in events:
                transaction.on_commit(
                    lambda k=kind, e=event_id: deliver_event.delay(str(charge.pk), k, e)
                )
        return redirect(charge.return_url)
    return render(request, "fakepay/checkout.html", {"charge": charge})

"""The fake provider's hosted payment page: pay or decline, then back to the
merchant; left unpaid past its time, it expires. The result reaches the
merchant only by the signed callbacks."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from fakepay.delivery import events_for, expire, send
from fakepay.models import FakeCharge


@require_http_methods(["GET", "POST"])
def checkout(request, charge_id):
    charge = get_object_or_404(FakeCharge, pk=charge_id)
    if charge.is_expired():
        # Opened after its time: the merchant hears of it now, if the sweep
        # (fakepay.tasks.expire_checkouts) has not told it yet.
        expire(charge)
        return render(
            request, "fakepay/checkout.html", {"charge": charge, "expired": True}
        )
    if request.method == "POST" and charge.status == FakeCharge.Status.PENDING:
        charge.status = (
            FakeCharge.Status.SUCCEEDED
            if request.POST.get("action") == "pay"
            else FakeCharge.Status.FAILED
        )
        charge.save(update_fields=["status"])
        send(charge, events_for(charge))
        return redirect(charge.return_url)
    return render(request, "fakepay/checkout.html", {"charge": charge})

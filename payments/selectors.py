from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from payments.models import FeeItem, Invoice


def fees_in_force(service, *, on_date, meter_size=None) -> QuerySet:
    """The fee schedule lines valid on a date (a price list with an end date
    still prices requests from its time). With a meter size: that size's lines
    and the ones for every size."""
    qs = (
        FeeItem.objects.filter(service=service, effective_from__lte=on_date)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on_date))
        .select_related("meter_size")
    )
    if meter_size is not None:
        qs = qs.filter(Q(meter_size=meter_size) | Q(meter_size__isnull=True))
    return qs.order_by("meter_size__sort_order", "kind", "code")


def may_handle_money(user) -> bool:
    """Counter staff, supervisors and admins see the office's cash and refunds;
    field staff (surveyors, technicians) do not."""
    from accounts.models import FIELD_ROLES

    return user.is_authenticated and user.role not in FIELD_ROLES


def _customer_or_office(user, customer_id, office) -> bool:
    from accounts.offices import covers_office

    return customer_id == user.pk or (
        user.is_office_staff and covers_office(user, office)
    )


def receipt_get_for_user(user, number: str):
    """A receipt its customer or the office's staff may download; 404 else."""
    from django.http import Http404

    from payments.models import Receipt

    receipt = (
        Receipt.objects.select_related("invoice", "office")
        .filter(number=number)
        .first()
    )
    if receipt is None or not _customer_or_office(
        user, receipt.invoice.customer_id, receipt.office
    ):
        raise Http404
    return receipt


def invoice_get_for_user(user, number: str):
    from django.http import Http404

    invoice = Invoice.objects.select_related("office").filter(number=number).first()
    if invoice is None or not _customer_or_office(
        user, invoice.customer_id, invoice.office
    ):
        raise Http404
    return invoice


def refund_get_for_user(user, number: str):
    from django.http import Http404

    from payments.models import Refund

    refund = (
        Refund.objects.select_related("request__office", "invoice__office")
        .filter(number=number)
        .first()
    )
    if refund is None:
        raise Http404
    # A bill payment's refund has no request: its invoice's customer, office.
    payer_id = (
        refund.request.applicant_id if refund.request_id else refund.invoice.customer_id
    )
    office = (refund.request or refund.invoice).office
    if not _customer_or_office(user, payer_id, office):
        raise Http404
    if payer_id != user.pk and not may_handle_money(user):
        from django.core.exceptions import PermissionDenied
        from django.utils.translation import gettext as _

        raise PermissionDenied(_("Your role does not handle the office's money."))
    return refund


def settlements_for_user(user) -> QuerySet:
    """The settlement imports of the office trees the user supervises (an
    import for a province shows to its supervisors and to the region's);
    an administrator sees every import."""
    from accounts.models import User
    from payments.models import Settlement

    qs = Settlement.objects.defer("content").select_related("uploaded_by", "office")
    if user.role == User.Role.ADMIN:
        return qs
    if user.role != User.Role.SUPERVISOR or user.office_id is None:
        return qs.none()
    return qs.filter(office__path__startswith=user.office.path)


def settlement_get_for_user(user, pk: int):
    """One import of the user's trees; 404 for anyone else's."""
    from django.http import Http404

    settlement = settlements_for_user(user).filter(pk=pk).first()
    if settlement is None:
        raise Http404
    return settlement


def settlement_row_get_for_user(user, pk: int):
    from django.http import Http404

    from payments.models import SettlementRow

    row = (
        SettlementRow.objects.select_related("settlement")
        .filter(settlement__in=settlements_for_user(user).values("pk"), pk=pk)
        .first()
    )
    if row is None:
        raise Http404
    return row


def request_last_paid_at(request):
    """When the money for the request was last received, as its paid invoice
    records it (a bank line posted days later keeps the bank's time)."""
    return (
        Invoice.objects.filter(
            request=request, status=Invoice.Status.PAID, paid_at__isnull=False
        )
        .order_by("-paid_at")
        .values_list("paid_at", flat=True)
        .first()
    )


def invoice_get_for_customer(user, number: str) -> Invoice:
    """An invoice of the user's own (the pages a payer comes back to); 404 for
    anyone else's, staff included."""
    from django.http import Http404

    invoice = (
        Invoice.objects.select_related("request")
        .filter(number=number, customer=user)
        .first()
    )
    if invoice is None or not user.is_authenticated:
        raise Http404
    return invoice


# What the provider's callbacks said of an online payment ---------------------------

# The events that end a payment attempt at the provider (payments/provider.py).
CHARGE_RESULTS = ("charge.succeeded", "charge.failed", "charge.expired")
# After this long without a result the return page says the bank is slow.
LATE_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class OnlineOutcome:
    """Where an online payment of an invoice stands, from our records only.

    paid      the invoice is paid;
    declined  the provider refused the charge (nothing was taken);
    expired   the payment page timed out at the provider;
    refused   the provider took the money but we could not accept it for this
              invoice (wrong amount, past its day band): it goes back through
              the settlement's refunds;
    closed    the invoice can no longer be paid (cancelled or expired);
    waiting   no result yet; `late` once LATE_AFTER has passed since the
              attempt began.
    """

    state: str
    at: datetime | None = None  # when the result reached us

    FINAL = frozenset({"paid", "declined", "expired", "refused", "closed"})

    @property
    def final(self) -> bool:
        return self.state in self.FINAL

    @property
    def failed(self) -> bool:
        """An attempt that ended without a payment: the customer may try again."""
        return self.state in ("declined", "expired", "refused")


def online_payment_outcome(
    invoice: Invoice,
    *,
    since: datetime | None = None,
    transaction_id: str = "",
    now: datetime | None = None,
) -> OnlineOutcome:
    """The outcome of the invoice's online payment attempt begun at `since`
    (its last attempt when None): results that reached us before it belong to
    an earlier attempt. With the attempt's `transaction_id`, only its own
    results count: an earlier attempt the provider expires later is not this
    one. One query on ProviderEvent (its invoice index) when the invoice is
    unpaid."""
    from django.utils import timezone

    from payments.models import ProviderEvent

    if invoice.status == Invoice.Status.PAID:
        return OnlineOutcome("paid", invoice.paid_at)
    results = ProviderEvent.objects.filter(
        invoice_number__in=[invoice.number, invoice.payment_ref],
        kind__in=CHARGE_RESULTS,
    )
    if since is not None:
        results = results.filter(received_at__gte=since)
    if transaction_id:
        results = results.filter(transaction_id=transaction_id)
    last = (
        results.order_by("-received_at", "-pk")
        .only("kind", "status", "received_at")
        .first()
    )
    if last is not None:
        if last.kind == "charge.failed":
            return OnlineOutcome("declined", last.received_at)
        if last.kind == "charge.expired":
            return OnlineOutcome("expired", last.received_at)
        if last.status == ProviderEvent.Status.REJECTED:
            return OnlineOutcome("refused", last.received_at)
        # A success still to be applied (the task runs after commit).
    if invoice.status != Invoice.Status.UNPAID:
        return OnlineOutcome("closed")
    now = now or timezone.now()
    if since is not None and now - since >= LATE_AFTER:
        return OnlineOutcome("late")
    return OnlineOutcome("waiting")

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
        Refund.objects.select_related("request__office").filter(number=number).first()
    )
    if refund is None or not _customer_or_office(
        user, refund.request.applicant_id, refund.request.office
    ):
        raise Http404
    if refund.request.applicant_id != user.pk and not may_handle_money(user):
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

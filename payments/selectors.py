from django.db.models import Q, QuerySet

from payments.models import FeeItem


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

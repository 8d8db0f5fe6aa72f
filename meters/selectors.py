from meters.models import MeterSize


def default_meter_size() -> MeterSize:
    """For requests with no meter of their own (cover rental): the smallest."""
    return MeterSize.objects.filter(is_active=True).order_by("sort_order").first()


def meter_sizes_in_use():
    """The sizes offered today, in charter order (the wiring standard table)."""
    return MeterSize.objects.filter(is_active=True).order_by("sort_order", "code")

from django.db.models import QuerySet

from accounts.models import User
from accounts.offices import office_scope_q
from meters.models import ElectricityAccount, MeterSize


def default_meter_size() -> MeterSize:
    """For requests with no meter of their own (cover rental): the smallest."""
    return MeterSize.objects.filter(is_active=True).order_by("sort_order").first()


def reconnection_refusal_offer(account) -> dict:
    """What a customer refused reconnection at 90 days or more (charter §3.7)
    is offered: a new connection for the premises and the refund of what is
    left of the deposit once the unpaid bills are settled against it."""
    contract = getattr(account, "contract", None)
    cut = account.disconnections.order_by("-disconnected_on").first()
    return {
        "account": account,
        "deposit": contract.deposit if contract else None,
        "outstanding": cut.outstanding if cut else None,
        "deposit_offset": bool(cut and cut.deposit_offset),
    }


def account_meter_size(account) -> MeterSize:
    """The size of an account's meter: its portal Meter's, or for an account
    imported from the billing system (no Meter row) the size its code names,
    else the smallest in use, so every account service works for it."""
    if account.meter_id:
        return account.meter.size
    size = None
    if account.meter_size_code:
        size = MeterSize.objects.filter(code=account.meter_size_code).first()
    return size or default_meter_size()


def account_meter_serial(account) -> str:
    """The serial of an account's meter, portal or billing system's."""
    return account.meter.serial if account.meter_id else account.meter_serial


def meter_sizes_in_use():
    """The sizes offered today, in charter order (the wiring standard table)."""
    return MeterSize.objects.filter(is_active=True).order_by("sort_order", "code")


def accounts_for_customer(user: User) -> QuerySet:
    # Served by account_customer_idx.
    return (
        ElectricityAccount.objects.filter(customer=user)
        .select_related("office", "meter__size")
        .order_by("created_at")
    )


def account_by_ca_for_staff(user: User, ca_number: str):
    """An account of the user's offices by its CA number, or None."""
    return (
        ElectricityAccount.objects.filter(office_scope_q(user, prefix="office__"))
        .filter(ca_number=ca_number.strip())
        .select_related("office", "meter__size")
        .first()
    )

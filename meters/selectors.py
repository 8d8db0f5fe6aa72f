from meters.models import MeterSize


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

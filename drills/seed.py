"""Data for the drills, made through the app's services (tests/factories.py),
in the drill's own database."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from tests import factories

PASSWORD = "drill-pass-1!"
BANGKOK = ZoneInfo("Asia/Bangkok")


def people() -> dict:
    """The office tree, a customer, counter staff of the branch, and two
    supervisors above it (province and region), who get breach escalations."""
    from accounts.models import User

    offices = factories.office_tree()
    branch = offices["branch"]
    actors = {
        "offices": offices,
        "branch": branch,
        "customer": factories.CustomerFactory(
            username="0811110001", phone="0811110001"
        ),
        "counter": factories.StaffFactory(
            username="drill-counter", role="counter", office=branch
        ),
        "supervisor": factories.StaffFactory(
            username="drill-supervisor",
            role="supervisor",
            office=offices["province"],
            phone="0822220001",
        ),  # fmt: skip
        "head": factories.StaffFactory(
            username="drill-head",
            role="supervisor",
            office=offices["region"],
            phone="0822220002",
        ),  # fmt: skip
    }
    # One known password, hashed once (the app's own hasher, as gunicorn uses).
    User.objects.update(password=make_password(PASSWORD))
    return actors


def submitted_request(actors):
    """Filed by the customer: its acceptance clock runs."""
    return factories.submit_request(
        customer=actors["customer"], office=actors["branch"]
    )


def quoted_request(actors):
    """A new connection accepted and quoted: its invoice waits for payment."""
    from payments.services import request_quote_fees
    from requests_app import services as rs

    req = factories.submit_request(customer=actors["customer"], office=actors["branch"])
    req = rs.request_accept(request=req, user=actors["counter"])
    invoice = request_quote_fees(request=req, user=actors["counter"])
    return req, invoice


def paid_request(actors):
    """Paid at the counter: a receipt is issued and its PDF is to be made."""
    from payments.services import payment_record_cash

    req, invoice = quoted_request(actors)
    payment = payment_record_cash(
        invoice=invoice, user=actors["counter"], amount=invoice.total
    )
    return req, payment.receipts.get()


def filed_in_the_past() -> datetime:
    """09:00 on a weekday two weeks ago: every promise of a request filed
    then is long past."""
    day = timezone.localdate() - timedelta(days=14)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(9, 0), tzinfo=BANGKOK)


def late_request(actors, *, at: datetime | None = None):
    """A request filed two weeks ago and never accepted: its acceptance clock
    is past due, for the SLA sweep to escalate."""
    at = at or filed_in_the_past()
    with mock.patch.object(timezone, "now", return_value=at):
        return factories.submit_request(
            customer=actors["customer"], office=actors["branch"]
        )

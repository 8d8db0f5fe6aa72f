"""Overdue bills (issue 20, SPEC §5): a bill unpaid past its due date gets a
first notice, once; after its tariff's grace period, a disconnection notice,
once, stating what the account owes and the first day its supply may be cut.
Both by SMS and e-mail through the outbox, in the customer's language (the
notices are the utility's duty to the customer, so they go whatever the
account's bill-notice setting), and on the customer's pages.

The days are dated reference data (bills/overdue_rules.json). A sweep reads
the partial indexes bill_overdue_due_idx / bill_disconnect_due_idx: each bill
leaves them with its notice or its payment, so the sweep's cost follows the
bills falling due, not every unpaid bill. Bills of accounts nobody linked are
marked too (the billing system's paper notice reaches them); only linked
customers get a message. Each bill is claimed by a conditional UPDATE in the
transaction that writes its messages: a sweep run twice, or two at once,
tells once.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation

from bills.models import Bill
from core.dates import format_date, format_month
from notifications.services import notification_enqueue

BATCH = 500


@dataclass(frozen=True)
class OverdueRules:
    first_notice_after_days: int
    grace_days: dict
    disconnect_after_notice_days: int
    notice_window_days: int

    def grace(self, tariff: str) -> int:
        return int(self.grace_days.get(tariff, self.grace_days["default"]))


@cache
def _table() -> list[tuple[date, OverdueRules]]:
    raw = json.loads(Path(__file__).with_name("overdue_rules.json").read_text())
    return [
        (
            date.fromisoformat(row["since"]),
            OverdueRules(**{k: v for k, v in row.items() if k != "since"}),
        )
        for row in raw["rules"]
    ]


def rules_on(day: date) -> OverdueRules:
    chosen = _table()[0][1]
    for since, rules in _table():
        if since <= day:
            chosen = rules
    return chosen


@dataclass
class OverdueResult:
    first_notices: int = 0
    disconnection_notices: int = 0


def account_owes(account) -> Decimal:
    """What the account owes: its unpaid bills."""
    total = Bill.objects.filter(account=account, status=Bill.Status.UNPAID).aggregate(
        s=Sum("total")
    )["s"]
    return total or Decimal("0.00")


def _tell(bill: Bill, event: str, *, dates=None, **extra) -> bool:
    """Message the account's customer; False when nobody linked it."""
    customer = bill.account.customer
    if customer is None:
        return False
    # Dates and the month in the customer's language, as the templates are.
    with translation.override(customer.preferred_language or "th"):
        context = {
            **{name: format_date(day) for name, day in (dates or {}).items()},
            "bill": bill,
            "ca": bill.account.ca_number,
            "nickname": bill.account.nickname,
            "month": format_month(bill.period),
            "amount": f"{bill.total:,.2f}",
            "due": format_date(bill.due_date),
            "url": settings.SITE_URL.rstrip("/")
            + reverse("bills:bill", args=[bill.number]),
            **extra,
        }
    notification_enqueue(user=customer, event=event, context=context)
    return True


def _candidates(field: str, due_before: date):
    # Served by the partial index of `field` (bill_overdue_due_idx,
    # bill_disconnect_due_idx).
    return (
        Bill.objects.filter(
            status=Bill.Status.UNPAID,
            due_date__lt=due_before,
            **{f"{field}__isnull": True},
        )
        .order_by("due_date", "pk")
        .values_list("pk", "due_date", "account__tariff")
    )


def overdue_notices_send(*, now: datetime | None = None) -> int:
    """The first notice of each bill unpaid past its due date; how many
    bills got one (messages go to linked customers)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = rules_on(today)
    before = today - timedelta(days=rules.first_notice_after_days - 1)
    told = 0
    while rows := list(_candidates("overdue_notice_at", before)[:BATCH]):
        for pk, due, _tariff in rows:
            with transaction.atomic():
                if not Bill.objects.filter(
                    pk=pk, status=Bill.Status.UNPAID, overdue_notice_at__isnull=True
                ).update(overdue_notice_at=now):
                    continue  # paid meanwhile, or another sweep told them
                if (today - due).days > rules.notice_window_days:
                    continue  # an old debt seen late: marked, not news
                bill = Bill.objects.select_related("account__customer").get(pk=pk)
                told += _tell(bill, "bill_overdue")
    return told


def disconnection_notices_send(*, now: datetime | None = None) -> int:
    """The disconnection notice of each bill unpaid past its due date and
    its tariff's grace period: the amount the account owes and the first
    day its supply may be cut; how many bills got one."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = rules_on(today)
    longest = max(int(v) for v in rules.grace_days.values())
    shortest = min(int(v) for v in rules.grace_days.values())
    told = 0
    seen_until = None
    while True:
        rows = _candidates(
            "disconnection_notice_at", today - timedelta(days=shortest - 1)
        )
        if seen_until is not None:
            rows = rows.filter(due_date__gte=seen_until[0]).exclude(
                due_date=seen_until[0], pk__lte=seen_until[1]
            )
        rows = list(rows[:BATCH])
        if not rows:
            break
        seen_until = (rows[-1][1], rows[-1][0])
        for pk, due, tariff in rows:
            if (today - due).days < rules.grace(tariff):
                continue  # this tariff's grace has not run out yet
            with transaction.atomic():
                if not Bill.objects.filter(
                    pk=pk, status=Bill.Status.UNPAID,
                    disconnection_notice_at__isnull=True,
                ).update(
                    disconnection_notice_at=now,
                    disconnect_from=today
                    + timedelta(days=rules.disconnect_after_notice_days),
                ):  # fmt: skip
                    continue
                if (today - due).days > rules.notice_window_days + longest:
                    continue
                bill = Bill.objects.select_related("account__customer").get(pk=pk)
                told += _tell(
                    bill,
                    "bill_disconnection_notice",
                    owed=f"{account_owes(bill.account):,.2f}",
                    dates={"cut_from": bill.disconnect_from},
                )
    return told


def overdue_sweep(*, now: datetime | None = None) -> OverdueResult:
    now = now or timezone.now()
    return OverdueResult(
        first_notices=overdue_notices_send(now=now),
        disconnection_notices=disconnection_notices_send(now=now),
    )

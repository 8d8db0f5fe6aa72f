"""The SMS and e-mail a customer gets of a bill: once when it is issued, and
once three days before its due date while it is unpaid, through the outbox,
in their language; only for accounts linked to a customer who left the
account's bill notices on.

Beat runs the sweeps (bills.tasks). A sweep claims each bill with a
conditional UPDATE (issue_notice_at / reminder_at still empty) in the
transaction that writes the messages, so two workers, or a sweep run twice,
tell the customer once; a rolled-back claim sends nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from bills.models import Bill
from core.dates import format_date, format_month
from notifications.services import notification_enqueue

# A bill is announced while it is fresh: one issued (or imported) more than
# this long ago, or already past its due date, is not news any more (an
# import of last year's bills must not send last year's notices).
ISSUE_NOTICE_WINDOW = timedelta(days=7)
REMIND_DAYS_BEFORE = 3
BATCH = 200


@dataclass
class NoticeResult:
    issued: int = 0
    reminded: int = 0


def _to_tell():
    """Unpaid bills of accounts linked to a customer who wants bill notices."""
    return Bill.objects.filter(
        status=Bill.Status.UNPAID,
        account__customer__isnull=False,
        account__bill_notices=True,
    )


def _tell(bill: Bill, event: str) -> None:
    customer = bill.account.customer
    # Dates and the month in the customer's language, as the templates are.
    with translation.override(customer.preferred_language or "th"):
        context = {
            "bill": bill,
            "account": bill.account,
            "ca": bill.account.ca_number,
            "nickname": bill.account.nickname,
            "month": format_month(bill.period),
            "amount": f"{bill.total:,.2f}",
            "due": format_date(bill.due_date),
            # The bill's page (bills.bill_views).
            "url": settings.SITE_URL.rstrip("/")
            + reverse("bills:bill", args=[bill.number]),
        }
    notification_enqueue(user=customer, event=event, context=context)


def _sweep(queryset, *, field: str, event: str, order: str, now: datetime) -> int:
    told = 0
    while ids := list(
        queryset.filter(**{f"{field}__isnull": True})
        .order_by(order, "pk")
        .values_list("pk", flat=True)[:BATCH]
    ):
        claimed_any = False
        for pk in ids:
            with transaction.atomic():
                # Conditions on the bill's own row only: a second UPDATE that
                # waited for the first sees the row it wrote and claims nothing.
                claimed = Bill.objects.filter(
                    pk=pk, status=Bill.Status.UNPAID, **{f"{field}__isnull": True}
                ).update(**{field: now})
                if not claimed:  # another sweep told them, or it was paid
                    continue
                claimed_any = True
                bill = Bill.objects.select_related("account__customer").get(pk=pk)
                _tell(bill, event)
                told += 1
        if not claimed_any:
            break
    return told


def bill_issue_notices_send(*, now: datetime | None = None) -> int:
    """Tell customers of their new bills; how many bills were told of."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    fresh = _to_tell().filter(
        created_at__gte=now - ISSUE_NOTICE_WINDOW, due_date__gte=today
    )
    return _sweep(
        fresh, field="issue_notice_at", event="bill_issued", order="created_at", now=now
    )


def bill_reminders_send(*, now: datetime | None = None) -> int:
    """Remind customers of unpaid bills due within three days (not of those
    already overdue); how many bills were reminded of."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due_soon = _to_tell().filter(
        due_date__gte=today, due_date__lte=today + timedelta(days=REMIND_DAYS_BEFORE)
    )
    return _sweep(
        due_soon, field="reminder_at", event="bill_due_soon", order="due_date", now=now
    )


def bill_notices_sweep(*, now: datetime | None = None) -> NoticeResult:
    now = now or timezone.now()
    return NoticeResult(
        issued=bill_issue_notices_send(now=now), reminded=bill_reminders_send(now=now)
    )

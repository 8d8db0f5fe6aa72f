"""The overdue sweep at national size (issue 20): its cost follows the bills
falling due, not the unpaid ones. Runs on the import benchmark's database
(bench/import_bench.py: 1,000,000 accounts, 12,000,000 bills, of which
about 920,000 unpaid), so run that first:

    bash scripts/bench.sh import          # once: 1M accounts, 12M bills
    bash scripts/bench.sh overdue [--due 10000] [--linked 0.1]

Every unpaid bill is first marked as noticed (nothing falls due), and the
sweep (bills.overdue.overdue_sweep, as beat runs it) is timed; then --due
unpaid bills are made due eight days ago, past every tariff's grace, so each
gets both notices, and a --linked share of their accounts is linked to a
customer (their notices write SMS and e-mail to the outbox and send the
delivery task to the broker; the others are only marked), and one sweep is
timed; then nothing due again.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pea_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import CustomerProfile, User  # noqa: E402
from bills.models import Bill  # noqa: E402
from bills.overdue import overdue_sweep  # noqa: E402
from meters.models import ElectricityAccount  # noqa: E402
from notifications.models import OutboxMessage  # noqa: E402


def sql(text, params=None):
    with connection.cursor() as c:
        c.execute(text, params or [])
        return c.rowcount


def quiet_ms(runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = overdue_sweep()
        times.append((time.perf_counter() - start) * 1000)
        assert result.first_notices == result.disconnection_notices == 0
    return statistics.median(times)


def customer() -> User:
    user = User.objects.filter(username="bench-overdue").first()
    if user is None:
        user = User.objects.create(
            username="bench-overdue", phone="0899990000",
            email="overdue@example.test", first_name="Bench",
        )  # fmt: skip
        CustomerProfile.objects.create(user=user, national_id="1101700230705")
    return user


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--linked", type=float, default=0.1)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    accounts = ElectricityAccount.objects.count()
    bills = Bill.objects.count()
    unpaid = Bill.objects.filter(status="unpaid").count()
    if accounts < 1_000_000:
        print(f"only {accounts:,} accounts: run `bash scripts/bench.sh import` first")
    now = timezone.now()
    start = time.perf_counter()
    sql("UPDATE meters_electricityaccount SET customer_id = NULL, linked_at = NULL "
        "WHERE customer_id IS NOT NULL")  # fmt: skip
    sql("UPDATE bills_bill SET overdue_notice_at = %s, disconnection_notice_at = %s "
        "WHERE status = 'unpaid' AND (overdue_notice_at IS NULL "
        "OR disconnection_notice_at IS NULL)", [now, now])  # fmt: skip
    sql("VACUUM ANALYZE bills_bill")
    print(f"{accounts:,} accounts, {bills:,} bills ({unpaid:,} unpaid); "
          f"set-up {time.perf_counter() - start:.0f} s")  # fmt: skip
    print(f"nothing falling due: {quiet_ms():.1f} ms a sweep (median of 7)")

    ids = list(
        Bill.objects.filter(status="unpaid").order_by("pk")
        .values_list("pk", flat=True)[: args.due]
    )  # fmt: skip
    due = timezone.localdate() - timedelta(days=8)
    Bill.objects.filter(pk__in=ids).update(
        due_date=due, overdue_notice_at=None, disconnection_notice_at=None,
        disconnect_from=None,
    )  # fmt: skip
    linked_accounts = list(
        Bill.objects.filter(pk__in=ids).order_by("pk")
        .values_list("account_id", flat=True)[: int(len(ids) * args.linked)]
    )  # fmt: skip
    ElectricityAccount.objects.filter(pk__in=linked_accounts).update(
        customer=customer(), linked_at=now
    )
    OutboxMessage.objects.filter(recipient__username="bench-overdue").delete()
    sql("ANALYZE bills_bill")
    start = time.perf_counter()
    result = overdue_sweep()
    took = time.perf_counter() - start
    messages = OutboxMessage.objects.filter(recipient__username="bench-overdue").count()
    print(
        f"{len(ids):,} falling due ({len(set(linked_accounts)):,} accounts linked): "
        f"{took:.2f} s, {took / len(ids) * 1000:.2f} ms a bill "
        f"({result.first_notices:,} first and {result.disconnection_notices:,} "
        f"disconnection notices told, {messages:,} outbox messages)"
    )
    print(f"nothing falling due again: {quiet_ms():.1f} ms a sweep (median of 7)")


if __name__ == "__main__":
    main()

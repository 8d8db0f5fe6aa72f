"""A stand-in for PEA's billing system (ECS / c-Service) in the embedded demo
and the tests: it reads every meter once a month and issues the bill, as the
real one does before its export files reach us (bills.sources.ExportFiles).

Consumption looks real and is deterministic: a base load per account, a
seasonal curve (the hot season, April–May, peaks; the cool season dips) and a
little noise, all drawn from a hash of the CA number and the month, so running
it again gives the same numbers. Readings continue from the account's last
bill. The bill is priced by dated reference data (fake_billing_rates.json:
rates, service charges, Ft), then kept as issued:
the portal never recomputes a bill (SPEC §5).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bills.models import Bill
from meters.models import ElectricityAccount
from payments.vat import vat_on

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Tariff:
    # (kWh in the block, baht per kWh), cheapest first; None = the rest.
    blocks: tuple[tuple[int | None, Decimal], ...]
    service_charge: Decimal  # baht a month
    # The typical monthly base load of such an account (kWh), low–high.
    base_load: tuple[int, int]


def _d(text: str) -> Decimal:
    return Decimal(text)


# The dated reference data (bills/fake_billing_rates.json): the tariffs' rates
# and service charges, Ft, the days to pay. A change is a new dated row there.
def _load_rates():
    raw = json.loads((Path(__file__).with_name("fake_billing_rates.json")).read_text())
    tariffs = [
        (
            date.fromisoformat(row["since"]),
            {
                code: Tariff(
                    blocks=tuple((size, _d(rate)) for size, rate in t["blocks"]),
                    service_charge=_d(t["service_charge"]),
                    base_load=tuple(t["base_load"]),
                )
                for code, t in row["tariffs"].items()
            },
        )
        for row in raw["tariffs"]
    ]
    ft = [(date.fromisoformat(since), _d(rate)) for since, rate in raw["ft"]]
    return tariffs, raw["default_tariff"], ft, raw["due_days"]


TARIFFS, DEFAULT_TARIFF, FT, DUE_DAYS = _load_rates()

# How much of its base load an account uses in each month: the hot season
# (March–May) peaks in April and May, the cool season (November–January) dips.
SEASON = {
    1: _d("0.82"),
    2: _d("0.92"),
    3: _d("1.15"),
    4: _d("1.38"),
    5: _d("1.35"),
    6: _d("1.15"),
    7: _d("1.05"),
    8: _d("1.02"),
    9: _d("1.00"),
    10: _d("0.97"),
    11: _d("0.88"),
    12: _d("0.80"),
}


def _unit(*parts) -> float:
    """A number in [0, 1) fixed by its parts: the same CA and month give the
    same number on every run and every machine."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _dated(table, on: date):
    value = table[0][1]
    for since, row in table:
        if since <= on:
            value = row
    return value


def tariff_of(account: ElectricityAccount, on: date) -> tuple[str, Tariff]:
    tariffs = _dated(TARIFFS, on)
    code = account.tariff if account.tariff in tariffs else DEFAULT_TARIFF
    return code, tariffs[code]


def ft_rate(on: date) -> Decimal:
    return _dated(FT, on)


def reading_day(ca_number: str) -> int:
    """The day of the month the account's meter is read (its route's day)."""
    return 15 + int(_unit("read-day", ca_number) * 10)  # 15–24


def month_start(day: date) -> date:
    return day.replace(day=1)


def bill_number(ca_number: str, period: date) -> str:
    """The month and the CA: unique, as each account has one bill a month."""
    return f"{period:%Y%m}{ca_number}"


def consumption(ca_number: str, tariff: Tariff, period: date) -> Decimal:
    """Whole kWh for the month: base load × season × noise (±10 %)."""
    low, high = tariff.base_load
    base = low + (high - low) * _unit("base", ca_number)
    noise = 0.9 + 0.2 * _unit("noise", ca_number, f"{period:%Y-%m}")
    kwh = Decimal(base) * SEASON[period.month] * Decimal(noise)
    return kwh.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def energy_charge(kwh: Decimal, tariff: Tariff) -> Decimal:
    """The progressive blocks: each block's kWh at its own rate."""
    left, total = kwh, Decimal(0)
    for size, rate in tariff.blocks:
        used = left if size is None else min(left, Decimal(size))
        total += used * rate
        left -= used
        if left <= 0:
            break
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Priced:
    energy_charge: Decimal
    ft: Decimal
    service_charge: Decimal
    vat: Decimal
    total: Decimal


def price(kwh: Decimal, tariff: Tariff, on: date) -> Priced:
    energy = energy_charge(kwh, tariff)
    ft = (kwh * ft_rate(on)).quantize(CENT, rounding=ROUND_HALF_UP)
    service = tariff.service_charge
    vat = vat_on(energy + ft + service)  # once, on the sum (SPEC §5)
    return Priced(energy, ft, service, vat, energy + ft + service + vat)


def _start_reading(account: ElectricityAccount) -> Decimal:
    if account.source == ElectricityAccount.Source.PORTAL:
        return Decimal("0.0")  # a new meter, connected through the portal
    return Decimal(1000 + int(_unit("start", account.ca_number) * 20000))


def bill_issue(
    *, account: ElectricityAccount, period: date, read_on: date | None = None
) -> Bill | None:
    """Read the meter and issue the bill of `period` (a month's first day).
    None when the account already has that month's bill: running it twice
    issues nothing new (the unique account + period)."""
    period = month_start(period)
    read_on = read_on or period.replace(day=reading_day(account.ca_number))
    with transaction.atomic():
        if Bill.objects.filter(account=account, period=period).exists():
            return None
        last = (
            Bill.objects.filter(account=account, period__lt=period)
            .order_by("-period")
            .only("reading", "read_on")
            .first()
        )
        previous = last.reading if last else _start_reading(account)
        read_from = last.read_on if last else read_on - timedelta(days=30)
        _code, tariff = tariff_of(account, period)
        kwh = consumption(account.ca_number, tariff, period)
        priced = price(kwh, tariff, period)
        try:
            with transaction.atomic():
                return Bill.objects.create(
                    number=bill_number(account.ca_number, period),
                    account=account,
                    period=period,
                    read_from=read_from,
                    read_on=read_on,
                    previous_reading=previous,
                    reading=previous + kwh,
                    kwh=kwh,
                    energy_charge=priced.energy_charge,
                    ft=priced.ft,
                    service_charge=priced.service_charge,
                    vat=priced.vat,
                    total=priced.total,
                    due_date=read_on + timedelta(days=DUE_DAYS),
                )
        except IntegrityError:  # another run issued it a moment ago
            return None


def bill_settle_elsewhere(*, bill: Bill, paid_at: datetime) -> bool:
    """The billing system says the bill was paid at a bank or a counter of
    its own (no portal payment): it is paid. False when it was not unpaid."""
    return bool(
        Bill.objects.filter(pk=bill.pk, status=Bill.Status.UNPAID).update(
            status=Bill.Status.PAID, paid_at=paid_at, updated_at=timezone.now()
        )
    )


def billed_accounts():
    """Accounts the billing system reads: every imported one, and the live
    accounts the portal opened (they have a meter of ours)."""
    return ElectricityAccount.objects.filter(
        Q(source=ElectricityAccount.Source.BILLING)
        | Q(source=ElectricityAccount.Source.PORTAL, meter__isnull=False)
    ).order_by("pk")


class FakeBillingSystem:
    """BILLING_SOURCE for the embedded demo and the tests."""

    is_fake = True

    def issue_bills(self, *, today: date) -> int:
        """Issue this month's bill of every account whose reading day has
        come and that has none yet; the number issued."""
        period = month_start(today)
        have = Bill.objects.filter(period=period).values("account_id")
        issued = 0
        for account in billed_accounts().exclude(pk__in=have).iterator():
            read_on = period.replace(day=reading_day(account.ca_number))
            if read_on > today:
                continue
            # An account the portal opened this month is first read next month.
            opened = timezone.localtime(account.created_at).date()
            if account.source == ElectricityAccount.Source.PORTAL and opened >= period:
                continue
            if bill_issue(account=account, period=period, read_on=read_on):
                issued += 1
        return issued


def at_ten(day: date) -> datetime:
    """10:00 Bangkok time on `day` (when the demo's paid bills were paid)."""
    return timezone.make_aware(datetime.combine(day, time(10, 0)))

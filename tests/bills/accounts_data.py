"""Accounts as the billing system's import leaves them (no portal customer,
no Meter row), with monthly bills; for the linking tests."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from bills.models import Bill
from meters.models import ElectricityAccount

_seq = count(1)


def imported_account(
    office, *, holder_id="", ca_number=None, meter_serial="PEA-123456",
    tariff="1.1.2", **extra,
):  # fmt: skip
    n = next(_seq)
    return ElectricityAccount.objects.create(
        ca_number=ca_number or f"0200{n:08d}",
        source=ElectricityAccount.Source.BILLING,
        holder_name="นาง ทดสอบ ใจดี",
        holder_id=holder_id,
        tariff=tariff,
        meter_serial=meter_serial,
        meter_size_code="5(15)-1",
        office=office,
        premises_address="12 ม.3 ต.ในเมือง อ.เมือง",
        **extra,
    )


def monthly_bills(account, totals, *, newest=None, status=Bill.Status.PAID):
    """Bills of consecutive months ending with `newest` (default: last
    month); `totals` from the oldest to the newest."""
    newest = newest or (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    bills = []
    months = len(totals)
    for i, total in enumerate(totals):
        back = months - 1 - i
        y, m = newest.year, newest.month - back
        while m <= 0:
            y, m = y - 1, m + 12
        period = date(y, m, 1)
        total = Decimal(total)
        bills.append(
            Bill.objects.create(
                number=f"B{account.ca_number}{y:04d}{m:02d}",
                account=account,
                period=period,
                read_from=period,
                read_on=period + timedelta(days=27),
                previous_reading=Decimal("1000.0") + i * 100,
                reading=Decimal("1100.0") + i * 100,
                kwh=Decimal("100.0"),
                energy_charge=total - Decimal("10.00"),
                ft=Decimal("0.00"),
                service_charge=Decimal("10.00"),
                vat=Decimal("0.00"),
                total=total,
                due_date=period + timedelta(days=45),
                status=status,
            )
        )
    return bills


def verified_id(customer) -> str:
    """The customer's profile ID, marked as checked by staff (an ID typed at
    sign-up links nothing by itself); for an account held in that ID."""
    from django.utils import timezone

    profile = customer.profile
    profile.id_verified_at = timezone.now()
    profile.save(update_fields=["id_verified_at"])
    if profile.kind == profile.Kind.JURISTIC:
        return profile.juristic_registration_no
    return profile.national_id

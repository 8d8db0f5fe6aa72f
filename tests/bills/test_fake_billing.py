"""The fake billing system issues each month's bill of the accounts it reads:
real-looking, deterministic, priced by PEA's progressive blocks, once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bills import fake_billing as fb
from bills.models import Bill
from bills.tasks import issue_bills
from meters.models import ElectricityAccount
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return factories.office_tree()["branch"]


def _imported(office, ca="020999000001", tariff="1.1.2", customer=None):
    return ElectricityAccount.objects.create(
        ca_number=ca,
        source=ElectricityAccount.Source.BILLING,
        customer=customer,
        holder_name="นายทดสอบ ระบบ",
        holder_id=factories.national_id(77),
        tariff=tariff,
        meter_serial="EM99000001",
        office=office,
        premises_address="1 หมู่ 1",
    )


def _after_reading_day(account, year, month) -> date:
    return date(year, month, fb.reading_day(account.ca_number))


def test_it_prices_the_residential_blocks_as_pea_publishes_them():
    tariffs = fb._dated(fb.TARIFFS, date(2025, 6, 1))
    # 1.1.2: 150 kWh at 3.2484, then 4.2218 up to 400, then 4.4217.
    assert fb.energy_charge(Decimal(253), tariffs["1.1.2"]) == Decimal("922.11")
    assert fb.energy_charge(Decimal(500), tariffs["1.1.2"]) == Decimal("1984.88")
    # 1.1.1: 15 / 10 / 10 / 65 / 50 kWh blocks from 2.3488 up.
    assert fb.energy_charge(Decimal(150), tariffs["1.1.1"]) == Decimal("518.91")
    assert fb.energy_charge(Decimal(10), tariffs["1.1.1"]) == Decimal("23.49")


def test_vat_is_seven_percent_of_energy_ft_and_service_together():
    tariff = fb._dated(fb.TARIFFS, date(2025, 6, 1))["1.1.2"]
    priced = fb.price(Decimal(253), tariff, date(2025, 6, 1))
    assert priced.ft == Decimal("49.89")  # 253 kWh × 0.1972
    assert priced.service_charge == Decimal("24.62")
    assert priced.vat == Decimal("69.76")  # 7 % of 996.62
    assert priced.total == Decimal("1066.38")


def test_a_bill_is_issued_on_the_reading_day_with_the_due_date_after_it(office):
    account = _imported(office)
    day = _after_reading_day(account, 2026, 4)
    assert fb.FakeBillingSystem().issue_bills(today=date(2026, 4, 14)) == 0
    assert fb.FakeBillingSystem().issue_bills(today=day) == 1
    bill = Bill.objects.get(account=account)
    assert bill.period == date(2026, 4, 1)
    assert bill.read_on == day
    assert bill.due_date == day + timedelta(days=fb.DUE_DAYS)
    assert bill.number == f"202604{account.ca_number}"
    assert bill.status == Bill.Status.UNPAID
    assert bill.kwh > 0 and bill.reading == bill.previous_reading + bill.kwh
    assert bill.total == (bill.energy_charge + bill.ft + bill.service_charge + bill.vat)


def test_running_it_twice_in_a_month_issues_nothing_new(office):
    account = _imported(office)
    day = _after_reading_day(account, 2026, 5)
    assert fb.FakeBillingSystem().issue_bills(today=day) == 1
    assert fb.FakeBillingSystem().issue_bills(today=day) == 0
    assert fb.FakeBillingSystem().issue_bills(today=date(2026, 5, 31)) == 0
    assert fb.bill_issue(account=account, period=date(2026, 5, 1)) is None
    assert Bill.objects.filter(account=account).count() == 1


def test_the_numbers_are_the_same_on_every_run(office):
    account = _imported(office)
    first = fb.bill_issue(account=account, period=date(2026, 4, 1))
    again = (first.kwh, first.total, first.previous_reading)
    Bill.objects.all().delete()
    second = fb.bill_issue(account=account, period=date(2026, 4, 1))
    assert (second.kwh, second.total, second.previous_reading) == again


def test_readings_continue_from_the_last_bill(office):
    account = _imported(office)
    bills = [fb.bill_issue(account=account, period=date(2026, m, 1)) for m in (1, 2, 3)]
    for before, after in zip(bills, bills[1:], strict=False):
        assert after.previous_reading == before.reading
        assert after.read_from == before.read_on


def test_the_hot_season_uses_more_than_the_cool_season(office):
    accounts = [_imported(office, ca=f"02099900{i:04d}") for i in range(20)]
    for account in accounts:
        fb.bill_issue(account=account, period=date(2026, 4, 1))
        fb.bill_issue(account=account, period=date(2026, 12, 1))
    april = sum(
        Bill.objects.filter(period=date(2026, 4, 1)).values_list("kwh", flat=True)
    )
    december = sum(
        Bill.objects.filter(period=date(2026, 12, 1)).values_list("kwh", flat=True)
    )
    assert april > Decimal("1.4") * december
    # ... and accounts differ from one another (a base load each).
    assert (
        len(
            set(
                Bill.objects.filter(period=date(2026, 4, 1)).values_list(
                    "kwh", flat=True
                )
            )
        )
        > 10
    )


def test_a_small_user_on_1_1_1_is_priced_by_its_own_blocks(office):
    account = _imported(office, tariff="1.1.1")
    small = fb.bill_issue(account=account, period=date(2026, 1, 1))
    blocks = fb._dated(fb.TARIFFS, date(2026, 1, 1))["1.1.1"]
    assert small.service_charge == Decimal("8.19")
    assert small.kwh < 150
    assert small.energy_charge == fb.energy_charge(small.kwh, blocks)


def test_portal_accounts_are_read_from_the_month_after_their_connection(office):
    from django.utils import timezone

    customer = factories.CustomerFactory()
    account = factories.account_for(customer, office)  # connected today
    today = timezone.localdate()
    day = fb.reading_day(account.ca_number)
    assert fb.FakeBillingSystem().issue_bills(today=today.replace(day=28)) == 0
    following = (today.replace(day=1) + timedelta(days=31)).replace(day=day)
    assert fb.FakeBillingSystem().issue_bills(today=following) == 1
    bill = account.bills.get()
    assert bill.previous_reading == 0 and bill.read_on == following


def test_the_beat_task_runs_the_configured_source_daily(office, settings):
    _imported(office)
    entry = settings.CELERY_BEAT_SCHEDULE["bills-issue"]
    assert entry["task"] == issue_bills.name == "bills.tasks.issue_bills"
    settings.BILLING_SOURCE = "bills.sources.ExportFiles"
    assert issue_bills.run() == 0
    assert not Bill.objects.exists()


def test_a_paid_elsewhere_bill_is_paid_once(office):
    from django.utils import timezone

    bill = fb.bill_issue(account=_imported(office), period=date(2026, 3, 1))
    at = timezone.now()
    assert fb.bill_settle_elsewhere(bill=bill, paid_at=at)
    assert not fb.bill_settle_elsewhere(bill=bill, paid_at=at)
    bill.refresh_from_db()
    assert bill.status == Bill.Status.PAID and bill.paid_at == at

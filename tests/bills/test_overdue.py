"""Overdue bills (bills.overdue): the first notice the day after the due
date, the disconnection notice when the tariff's grace has run out, each
once, with the dates computed here by hand from bills/overdue_rules.json
(first notice 1 day after the due date; grace 7 days, 5 for tariff 2.1.2;
the supply may be cut 5 days after the disconnection notice)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bills.models import Bill
from bills.overdue import (
    disconnection_notices_send,
    overdue_notices_send,
    overdue_sweep,
)
from bills.tasks import send_overdue_notices
from notifications.models import OutboxMessage
from tests import factories
from tests.bills.accounts_data import imported_account

pytestmark = pytest.mark.django_db

_n = {"n": 0}


def _at(day: date, hour: int = 8) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 20))


def _bill(account, *, due: date, total="640.50", status=Bill.Status.UNPAID) -> Bill:
    _n["n"] += 1
    n = _n["n"]
    period = date(2000 + n // 12, n % 12 + 1, 1)  # one a month, never twice
    return Bill.objects.create(
        number=f"OD{_n['n']:08d}", account=account, period=period, read_from=period, read_on=period,
        previous_reading=Decimal("10.0"), reading=Decimal("110.0"),
        kwh=Decimal("100.0"), energy_charge=Decimal(total), ft=Decimal("0"),
        service_charge=Decimal("0"), vat=Decimal("0"), total=Decimal(total),
        due_date=due, status=status,
    )  # fmt: skip


@pytest.fixture
def linked(office):
    customer = factories.CustomerFactory(phone="0815550001")
    return imported_account(office, customer=customer, tariff="1.1.2")


def _sent(event):
    return OutboxMessage.objects.filter(event=event).order_by("channel")


def test_the_first_notice_comes_the_day_after_the_due_date_once(linked):
    bill = _bill(linked, due=date(2026, 12, 10))
    assert overdue_notices_send(now=_at(date(2026, 12, 10))) == 0  # due today
    assert overdue_notices_send(now=_at(date(2026, 12, 11))) == 1
    assert overdue_notices_send(now=_at(date(2026, 12, 11), 15)) == 0  # once
    assert overdue_notices_send(now=_at(date(2026, 12, 12))) == 0
    sms = _sent("bill_overdue").get(channel="sms")
    assert linked.ca_number in sms.body and "640.50" in sms.body
    assert "10 ธ.ค. 2569" in sms.body  # the due date, the customer's Thai
    assert f"/bills/bill/{bill.number}/" in sms.body
    assert _sent("bill_overdue").count() == 2  # SMS and e-mail
    bill.refresh_from_db()
    assert bill.overdue_notice_at == _at(date(2026, 12, 11))


@pytest.mark.parametrize(
    "tariff, notice_day, cut_from",
    [
        # due 10 Dec + grace 7 = 17 Dec; + 5 = 22 Dec
        ("1.1.2", date(2026, 12, 17), date(2026, 12, 22)),
        # a shop: due 10 Dec + grace 5 = 15 Dec; + 5 = 20 Dec
        ("2.1.2", date(2026, 12, 15), date(2026, 12, 20)),
    ],
)
def test_the_disconnection_notice_comes_when_the_tariffs_grace_runs_out(
    office, tariff, notice_day, cut_from
):
    customer = factories.CustomerFactory(phone="0815550002", preferred_language="en")
    account = imported_account(office, customer=customer, tariff=tariff)
    bill = _bill(account, due=date(2026, 12, 10), total="1200.00")
    _bill(account, due=date(2026, 11, 10), total="300.25")  # an older unpaid one
    assert disconnection_notices_send(now=_at(notice_day - timedelta(days=1))) == (
        1  # only the older bill's grace has run out the day before
    )
    OutboxMessage.objects.all().delete()
    assert disconnection_notices_send(now=_at(notice_day)) == 1
    assert disconnection_notices_send(now=_at(notice_day + timedelta(days=1))) == 0
    bill.refresh_from_db()
    assert bill.disconnection_notice_at == _at(notice_day)
    assert bill.disconnect_from == cut_from
    sms = _sent("bill_disconnection_notice").get(channel="sms")
    assert "1,500.25" in sms.body  # what the account owes: both bills
    assert f"{cut_from.day} Dec 2026" in sms.body


def test_a_paid_bill_gets_no_notice_and_leaves_the_sweep(linked):
    bill = _bill(linked, due=date(2026, 12, 10), status=Bill.Status.PAID)
    assert overdue_sweep(now=_at(date(2026, 12, 20))).first_notices == 0
    assert not OutboxMessage.objects.exists()
    bill.refresh_from_db()
    assert bill.overdue_notice_at is None and bill.disconnection_notice_at is None


def test_an_unlinked_accounts_bill_is_marked_without_a_message(office):
    account = imported_account(office, tariff="1.1.2")
    bill = _bill(account, due=date(2026, 12, 10))
    result = overdue_sweep(now=_at(date(2026, 12, 20)))
    assert result.first_notices == 0 and result.disconnection_notices == 0
    bill.refresh_from_db()
    assert bill.overdue_notice_at and bill.disconnection_notice_at
    assert bill.disconnect_from == date(2026, 12, 25)
    assert not OutboxMessage.objects.exists()


def test_an_old_debt_seen_late_is_marked_not_announced(linked):
    bill = _bill(linked, due=date(2026, 9, 1))
    assert overdue_notices_send(now=_at(date(2026, 12, 11))) == 0
    bill.refresh_from_db()
    assert bill.overdue_notice_at is not None
    assert not OutboxMessage.objects.exists()


def test_the_notices_go_whatever_the_bill_notice_setting(linked):
    linked.bill_notices = False
    linked.save(update_fields=["bill_notices"])
    _bill(linked, due=date(2026, 12, 10))
    assert overdue_notices_send(now=_at(date(2026, 12, 11))) == 1


def test_the_sweep_reads_the_bills_falling_due_not_every_unpaid_one(linked):
    """Bills already noticed (and those not due) cost nothing: the queries
    are the same with 1 and with 30 of them."""

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            overdue_sweep(now=_at(date(2026, 12, 30)))
        return len(ctx.captured_queries)

    quiet = queries()
    for i in range(30):
        _bill(linked, due=date(2027, 1, 5) + timedelta(days=i))  # not due yet
    assert queries() == quiet
    sql = _candidates_sql()
    assert "overdue_notice_at" in sql and '"due_date" <' in sql


def _candidates_sql() -> str:
    from bills.overdue import _candidates

    return str(_candidates("overdue_notice_at", date(2026, 12, 11)).query)


def test_the_beat_task_runs_both_sweeps(linked, settings):
    _bill(linked, due=timezone.localdate() - timedelta(days=30))
    result = send_overdue_notices()
    assert result == {"first_notices": 1, "disconnection_notices": 1}
    assert "bills-overdue" in settings.CELERY_BEAT_SCHEDULE


def test_the_customers_pages_show_the_notices(client, office, settings):
    from django.urls import reverse

    customer = factories.CustomerFactory(phone="0815550003", preferred_language="en")
    account = imported_account(office, customer=customer, tariff="1.1.2")
    today = timezone.localdate()
    late = _bill(account, due=today - timedelta(days=8), total="410.00")
    overdue = _bill(account, due=today - timedelta(days=2), total="90.00")
    overdue_sweep()
    client.force_login(customer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("bills:account", args=[account.ca_number])).content
    box = page.decode().split("data-disconnection-notice", 1)[1].split("</div>")[0]
    late.refresh_from_db()
    assert late.disconnect_from == today + timedelta(days=5)
    assert "฿500.00" in box  # both unpaid bills
    assert f"{late.disconnect_from.day} " in box
    bill_page = client.get(reverse("bills:bill", args=[late.number])).content
    assert b"data-disconnection-notice" in bill_page
    other = client.get(reverse("bills:bill", args=[overdue.number])).content
    assert b"data-overdue-notice" in other and b"data-disconnection-notice" not in other

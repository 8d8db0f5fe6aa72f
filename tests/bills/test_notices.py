"""An SMS and an e-mail when a bill is issued and three days before it is
due, each once (also when the sweep runs twice or two sweeps race), in the
customer's language, only for linked accounts with bill notices on."""

import threading
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bills import fake_billing as fb
from bills.models import Bill
from bills.notices import (
    bill_issue_notices_send,
    bill_notices_sweep,
    bill_reminders_send,
)
from bills.tasks import send_bill_notices
from meters.models import ElectricityAccount
from notifications.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db

PERIOD = date(2026, 11, 1)


@pytest.fixture
def office():
    return factories.office_tree()["branch"]


def _account(office, *, customer, ca="020888000001", notices=True):
    return ElectricityAccount.objects.create(
        ca_number=ca,
        source=ElectricityAccount.Source.BILLING,
        customer=customer,
        linked_at=timezone.now() if customer else None,
        nickname="บ้าน" if customer else "",
        bill_notices=notices,
        holder_name="นายทดสอบ ระบบ",
        holder_id=factories.national_id(55),
        tariff="1.1.2",
        office=office,
        premises_address="1 หมู่ 1",
    )


def _bill(account) -> Bill:
    return fb.bill_issue(account=account, period=PERIOD)


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + (
        timedelta(hours=12)
    )


def _issued_now(bill) -> datetime:
    """A moment just after the bill was written, on its reading day."""
    now = _noon(bill.read_on)
    Bill.objects.filter(pk=bill.pk).update(created_at=now - timedelta(hours=2))
    return now


def _messages(event):
    return OutboxMessage.objects.filter(event=event).order_by("channel")


def test_a_new_bill_is_told_once_by_sms_and_e_mail_also_when_run_twice(office):
    customer = factories.CustomerFactory(phone="0811111111")
    bill = _bill(_account(office, customer=customer))
    now = _issued_now(bill)

    assert bill_issue_notices_send(now=now) == 1
    assert bill_issue_notices_send(now=now + timedelta(hours=1)) == 0

    sms, email = (
        _messages("bill_issued").get(channel="sms"),
        _messages("bill_issued").get(channel="email"),
    )
    assert _messages("bill_issued").count() == 2
    assert sms.to == "0811111111" and sms.recipient == customer
    assert bill.account.ca_number in sms.body
    assert f"{bill.total:,.2f}" in sms.body
    assert "ธ.ค. 2569" not in sms.body and "พ.ย. 2569" in sms.body  # the month
    assert f"/bills/bill/{bill.number}/" in sms.body
    assert bill.number in email.body and email.subject
    bill.refresh_from_db()
    assert bill.issue_notice_at == now


def test_the_reminder_comes_three_days_before_the_due_date_once(office):
    customer = factories.CustomerFactory()
    bill = _bill(_account(office, customer=customer))
    Bill.objects.filter(pk=bill.pk).update(issue_notice_at=timezone.now())

    assert bill_reminders_send(now=_noon(bill.due_date - timedelta(days=4))) == 0
    three_before = _noon(bill.due_date - timedelta(days=3))
    assert bill_reminders_send(now=three_before) == 1
    assert bill_reminders_send(now=three_before) == 0
    assert bill_reminders_send(now=_noon(bill.due_date)) == 0
    assert _messages("bill_due_soon").count() == 2  # one SMS, one e-mail
    assert not _messages("bill_issued").exists()


def test_a_paid_bill_gets_no_reminder(office):
    bill = _bill(_account(office, customer=factories.CustomerFactory()))
    fb.bill_settle_elsewhere(bill=bill, paid_at=timezone.now())
    assert bill_reminders_send(now=_noon(bill.due_date - timedelta(days=2))) == 0
    assert not OutboxMessage.objects.exists()


def test_an_overdue_or_old_bill_is_not_announced(office):
    bill = _bill(_account(office, customer=factories.CustomerFactory()))
    # Imported a week ago and more: not news.
    assert bill_issue_notices_send(now=_noon(bill.read_on) + timedelta(days=8)) == 0
    # Past its due date: no reminder either.
    assert bill_reminders_send(now=_noon(bill.due_date + timedelta(days=1))) == 0
    assert not OutboxMessage.objects.exists()


def test_the_sweep_speaks_the_customers_language(office):
    thai = factories.CustomerFactory(preferred_language="th")
    english = factories.CustomerFactory(preferred_language="en")
    thai_bill = _bill(_account(office, customer=thai, ca="020888000001"))
    english_bill = _bill(_account(office, customer=english, ca="020888000002"))
    now = _issued_now(thai_bill)
    _issued_now(english_bill)

    assert bill_issue_notices_send(now=now) == 2
    th = OutboxMessage.objects.get(recipient=thai, channel="sms")
    en = OutboxMessage.objects.get(recipient=english, channel="sms")
    assert th.language == "th" and "ค่าไฟฟ้าเดือน พ.ย. 2569" in th.body
    assert "บาท" in th.body and "ครบกำหนดชำระ" in th.body
    assert en.language == "en" and "Electricity bill Nov 2026" in en.body
    assert "baht" in en.body and "บาท" not in en.body
    subject = OutboxMessage.objects.get(recipient=english, channel="email").subject
    assert subject.startswith("Your electricity bill for Nov 2026")


def test_an_account_with_bill_notices_off_gets_nothing(office):
    bill = _bill(_account(office, customer=factories.CustomerFactory(), notices=False))
    now = _issued_now(bill)
    result = bill_notices_sweep(now=now)
    assert (result.issued, result.reminded) == (0, 0)
    assert bill_reminders_send(now=_noon(bill.due_date - timedelta(days=3))) == 0
    assert not OutboxMessage.objects.exists()


def test_an_unlinked_account_gets_nothing(office):
    bill = _bill(_account(office, customer=None))
    now = _issued_now(bill)
    assert bill_issue_notices_send(now=now) == 0
    assert bill_reminders_send(now=_noon(bill.due_date - timedelta(days=3))) == 0
    assert not OutboxMessage.objects.exists()
    bill.refresh_from_db()
    assert bill.issue_notice_at is None and bill.reminder_at is None


def test_the_beat_task_sweeps_both_in_the_daytime(office, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["bills-notices"]
    assert entry["task"] == send_bill_notices.name == "bills.tasks.send_bill_notices"
    assert entry["schedule"].hour == set(range(8, 21))  # no SMS at night
    today = timezone.localdate()
    account = _account(office, customer=factories.CustomerFactory())
    fb.bill_issue(account=account, period=fb.month_start(today), read_on=today)
    assert send_bill_notices.run() == {"issued": 1, "reminded": 0}
    assert send_bill_notices.run() == {"issued": 0, "reminded": 0}


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="two writers at once: SQLite locks the table for the second",
)
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_tell_each_bill_once(office):
    customers = [factories.CustomerFactory() for _ in range(6)]
    bills = [
        fb.bill_issue(
            account=_account(office, customer=c, ca=f"02088800{i:04d}"),
            period=PERIOD,
            read_on=date(2026, 11, 20),
        )
        for i, c in enumerate(customers)
    ]
    now = _noon(bills[0].read_on)
    Bill.objects.update(created_at=now - timedelta(hours=1))
    start, counts = threading.Barrier(2), []

    def sweep():
        try:
            start.wait()
            counts.append(bill_issue_notices_send(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 6
    assert _messages("bill_issued").count() == 12  # an SMS and an e-mail each

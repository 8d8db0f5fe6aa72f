"""The benchmarks' data generator (issue 8): a national-scale portal database,
fast and repeatable, on PostgreSQL.

    python bench/datagen.py 100000 [--seed 8] [--check]

What it makes:
  - 900 offices: 4 regions > 76 provinces > 820 branches; a counter (c-<code>),
    a surveyor (v-<code>) and a technician (t-<code>) per branch, a supervisor
    per region (s-<code>); a pool of n/20 customers (cust…) with their profiles;
  - n service requests over every active service of the catalog and over the
    states of its flow: most long closed (met or missed promises, paid online
    or in cash, a few rated), some cancelled or rejected, and the open ones
    spread over every open state of each flow (MIX below). Each request has
    what the real code leaves behind in its state: transition log and other
    timeline events, documents, SLA clocks (running, paused while the flow
    waits on the customer, met, missed, void), work orders, survey results,
    invoices with their lines, payments, receipts (numbered without gaps per
    office and year; PDFs not rendered, as the real code leaves a receipt until
    its task runs), refunds, estimates, electricity accounts, meters and
    contracts, disconnections, meter tests, cover rentals, complaints' voice;
  - the dashboard's tallies (sla_opentally, sla_steptally) counted from those
    rows.
  - the billing system's accounts and bills at national proportions (issue
    19): n/2 accounts (ten per portal customer), one in ten linked to a
    customer whose national ID it holds, twelve monthly bills each, the last
    month unpaid and one account in twenty a month overdue
    (billing_accounts, in SQL).

How: one template request per (service, end state, variant) is driven through
the real services (tests/factories.py and the services demo_seed uses) with a
simulated clock, so every step happens at a plausible time and the clocks run
as in production. Then each template is cloned in SQL, in its weight: a
request table of clones (its filing shift, office, applicant) is COPYed in,
and every table hanging off a request is copied with INSERT … SELECT joined on
it, remapping ids (through id maps for the rows other rows point at), office,
province and region, the applicant and the branch's staff, and shifting every
timestamp. Shifts are whole weeks (plus up to 3 hours), so working-hour steps
stay on working days. References, invoice, receipt, refund and CA numbers are
numbered per key in time order, continuing the counters the services use
(core_sequence), which are moved on. Foreign-key triggers are off during the
copy (session_replication_role; superuser), so `check()` verifies them.

Repeatable: random.Random(seed) decides everything; the data is placed
relative to `anchor` (default: the start of the current hour), so the same
seed and anchor give the same rows (document tokens of the templates aside).
"""

import argparse
import io
import math
import os
import random
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:
    django.setup()

from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import CustomerProfile, Office, User  # noqa: E402
from bills.models import Bill  # noqa: E402
from core.calendar import calendar_for  # noqa: E402
from meters import services as ms  # noqa: E402
from meters.models import (  # noqa: E402
    Contract,
    CoverRental,
    Disconnection,
    ElectricityAccount,
    Installation,
    Meter,
    MeterReplacement,
    MeterSize,
    MeterTest,
)
from payments import services as ps  # noqa: E402
from payments.models import (  # noqa: E402
    DepositSettlement,
    Estimate,
    Invoice,
    InvoiceLine,
    Payment,
    Receipt,
    Refund,
)
from payments.provider import CallbackEvent  # noqa: E402
from requests_app import services as rs  # noqa: E402
from requests_app.models import (  # noqa: E402
    FINAL_STATES,
    Appointment,
    Document,
    RequestEvent,
    ServiceRequest,
    ServiceType,
    SurveyResult,
)
from sla.clocks import message_sent  # noqa: E402
from sla.models import Clock  # noqa: E402
from tests import factories  # noqa: E402
from voc.models import Category, Rating, Voice  # noqa: E402
from voc.services import rating_submit, voice_submit  # noqa: E402

SEED = 8
WINDOW_DAYS = 456  # closed requests were filed over the last 15 months
WEEK = 7 * 86400
JITTER = 3 * 3600  # a clone's filing moves by whole weeks plus up to 3 hours
RATED = 3  # of every 10 closed requests, how many the customer rated
BANGKOK_OFFSET = 7 * 3600  # Asia/Bangkok has no daylight saving


# Offices and people ---------------------------------------------------------------


def reset():
    """Everything but the reference data (catalog, fees, policies): the
    cascade from offices and users reaches every request table; meters, the
    named counters and the provider's callbacks point at neither."""
    _restore_indexes()
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE accounts_office, accounts_user, meters_meter, "
            "payments_providerevent, core_sequence RESTART IDENTITY CASCADE"
        )


def offices_900():
    """4 regions, 76 provinces, 820 branches: 900 offices."""
    rows, branches = [], []
    for r in range(4):
        rows.append(Office(code=f"R{r}", name_th="ภาค", name_en="Region",
                           kind="region", path=f"R{r}/"))  # fmt: skip
    Office.objects.bulk_create(rows)
    regions = list(Office.objects.filter(kind="region").order_by("code"))
    provinces = []
    for p in range(76):
        region = regions[p % 4]
        provinces.append(Office(code=f"P{p:02d}", name_th="จ", name_en="Province",
                                kind="province", parent=region,
                                path=f"{region.path}P{p:02d}/"))  # fmt: skip
    Office.objects.bulk_create(provinces)
    provinces = list(Office.objects.filter(kind="province").order_by("code"))
    for b in range(820):
        prov = provinces[b % 76]
        branches.append(Office(code=f"B{b:03d}", name_th="สาขา", name_en="Branch",
                               kind="branch", parent=prov,
                               path=f"{prov.path}B{b:03d}/"))  # fmt: skip
    Office.objects.bulk_create(branches)
    assert Office.objects.count() == 900
    return regions, list(Office.objects.filter(kind="branch").order_by("code"))


def people(regions, branches, customers):
    """A counter, a surveyor and a technician in every branch, a supervisor
    per region, a customer pool. Returns the customers' ids."""
    staff = []
    for b in branches:
        staff += [
            User(username=f"c-{b.code}", role="counter", office=b, first_name="C"),
            User(username=f"v-{b.code}", role="surveyor", office=b, first_name="V"),
            User(username=f"t-{b.code}", role="technician", office=b, first_name="T"),
        ]
    staff += [
        User(username=f"s-{r.code}", role="supervisor", office=r) for r in regions
    ]
    User.objects.bulk_create(staff, batch_size=1000)
    pool = [User(username=f"cust{i:07d}", role="customer", first_name="ลูกค้า",
                 last_name=str(i)) for i in range(customers)]  # fmt: skip
    User.objects.bulk_create(pool, batch_size=5000)
    ids = list(
        User.objects.filter(username__startswith="cust")
        .order_by("username")
        .values_list("id", flat=True)
    )
    CustomerProfile.objects.bulk_create(
        [CustomerProfile(user_id=i, kind="individual",
                         national_id=factories.national_id(i + 10**6))
         for i in ids],
        batch_size=5000,
    )  # fmt: skip
    return ids


# The mix --------------------------------------------------------------------------

# Share of all requests per service (sums to 100).
SHARE = {
    "new-connection": 30, "meter-upgrade": 6, "meter-test": 4, "reconnection": 15,
    "broken-meter": 8, "deposit-refund": 5, "adjusted-bill": 3, "grid-extension": 3,
    "dedicated-extension-pea": 1.5, "dedicated-extension-self": 1,
    "correction-public": 3, "correction-premises": 2, "insulation-covers": 2,
    "complaint": 10, "feedback": 6.5,
}  # fmt: skip

# Each flow's main path: the steps from filing to closed. An open state is
# reached by walking it until the request is in that state.
PATH = {
    "new_connection": ["submit", "accept", "book_survey", "survey_pass", "quote",
                       "pay", "book_install", "install"],
    "meter_upgrade": ["submit_account", "accept", "book_survey", "survey_pass",
                      "quote", "pay", "book_install", "install"],
    "extension": ["submit", "accept", "book_survey", "site_survey", "estimate",
                  "accept_estimate", "pay", "start_construction",
                  "finish_construction"],
    "correction": ["submit", "accept", "book_survey", "site_survey", "approve",
                   "announce", "finish_work"],
    # §3.12: the budget is requested and granted before the outage notice.
    "correction_premises": ["submit", "accept", "book_survey", "site_survey",
                            "approve", "request_budget", "approve_budget",
                            "announce", "finish_work"],
    "meter_test": ["submit_account", "accept", "quote", "pay", "book_test",
                   "install_comparison", "test_normal"],
    "reconnection": ["file_reconnection", "pay", "reconnect"],
    "deposit_refund": ["submit_account", "accept", "meter_removal", "settle",
                       "approve_refund", "payout"],
    "broken_meter": ["submit_account", "accept", "book_replacement", "replace"],
    "adjusted_bill": ["open_case", "first_notice", "pay"],
    "covers": ["file_covers", "accept", "quote_covers", "pay", "book_covers",
               "install_covers", "remove_covers"],
    "complaint": ["voice", "acknowledge", "resolve"],
}  # fmt: skip
# Flows with the intake steps (return for documents, resubmit): their slow
# closed requests went back to the customer once.
INTAKE = {"new_connection", "meter_upgrade", "extension", "correction", "meter_test",
          "deposit_refund", "covers", "correction_premises"}  # fmt: skip

_NC = dict(
    closed=78, cancelled=(5, ["submit", "accept", "book_survey", "survey_pass",
                              "quote", "cancel"]),
    rejected=(3, ["submit", "reject"]), submitted=2,
    returned=(0.7, ["submit", "return"]), accepted=1, survey_booked=2,
    wiring_failed=(0.8, ["submit", "accept", "book_survey", "survey_fail"]),
    surveyed=0.5, fees_quoted=3, paid=0.7, installation_booked=2.3,
)  # fmt: skip
_EXT = dict(
    closed=70, cancelled=(4, ["submit", "accept", "cancel"]),
    declined=(6, ["submit", "accept", "book_survey", "site_survey", "estimate",
                  "decline_estimate"]),
    rejected=(3, ["submit", "reject"]), submitted=2,
    returned=(0.7, ["submit", "return"]), accepted=1, survey_booked=2, surveyed=1,
    estimate_sent=4, fees_quoted=2, paid=0.8, construction=3.5,
)  # fmt: skip
_COR = dict(
    closed=80, cancelled=(3, ["submit", "accept", "book_survey", "cancel"]),
    rejected=(4, ["submit", "reject"]), submitted=2,
    returned=(0.5, ["submit", "return"]), accepted=1, survey_booked=2, surveyed=2,
    approved=3, outage_announced=2.5,
)  # fmt: skip
_VOICE = dict(
    closed=70, closed_direct=(10, ["voice", "resolve"]),
    cancelled=(4, ["voice", "withdraw"]), submitted=8, acknowledged=8,
)  # fmt: skip
_TEST_FAULTY = ["submit_account", "accept", "quote", "pay", "book_test",
                "install_comparison", "test_faulty"]  # fmt: skip
_BROKEN_USER = ["submit_account", "accept", "raise_debt", "pay", "book_replacement",
                "replace"]  # fmt: skip
# Per service, per end: a weight (walk the main path to that state, or to its
# end for "closed"), or (weight, steps).
MIX = {
    "new-connection": _NC,
    "meter-upgrade": _NC,
    "grid-extension": _EXT,
    "dedicated-extension-pea": _EXT,
    "dedicated-extension-self": _EXT,
    "correction-public": _COR,
    "correction-premises": _COR,
    "meter-test": dict(
        closed=72,
        closed_faulty=(8, [*_TEST_FAULTY, "approve_refund", "record_refund"]),
        refund_pending=(1, _TEST_FAULTY),
        cancelled=(4, ["submit_account", "accept", "quote", "cancel"]),
        rejected=(2, ["submit_account", "reject"]), submitted=2,
        returned=(0.5, ["submit_account", "return"]), accepted=1, fees_quoted=4,
        paid=1.5, test_booked=2, comparison_installed=2,
    ),
    "reconnection": dict(
        closed=85, cancelled=(4, ["file_reconnection", "cancel"]), fees_quoted=8,
        paid=3,
    ),
    "deposit-refund": dict(
        closed=82, cancelled=(3, ["submit_account", "accept", "cancel"]),
        rejected=(2, ["submit_account", "reject"]), submitted=2,
        returned=(0.5, ["submit_account", "return"]), accepted=3, meter_removed=3,
        settled=4.5,
    ),
    "broken-meter": dict(
        closed=65, closed_user=(15, _BROKEN_USER),
        cancelled=(3, ["submit_account", "cancel"]), submitted=2, accepted=3,
        installation_booked=4, fees_quoted=(4, _BROKEN_USER[:3]),
        paid=(1, _BROKEN_USER[:4]), installation_booked_user=(3, _BROKEN_USER[:5]),
    ),
    "adjusted-bill": dict(
        closed=50,
        closed_late=(15, ["open_case", "first_notice", "second_notice", "pay"]),
        closed_disconnected=(12, ["open_case", "first_notice", "second_notice",
                                  "order_disconnection"]),
        cancelled=(5, ["open_case", "first_notice", "withdraw_case"]), submitted=3,
        fees_quoted=10,
        second_notice=(5, ["open_case", "first_notice", "second_notice"]),
    ),
    "insulation-covers": dict(
        closed=80, cancelled=(4, ["file_covers", "accept", "quote_covers", "cancel"]),
        rejected=(2, ["file_covers", "reject"]), submitted=2,
        returned=(0.5, ["file_covers", "return"]), accepted=1.5, fees_quoted=3,
        paid=1, installation_booked=2, covers_installed=4,
    ),
    "complaint": _VOICE,
    "feedback": _VOICE,
}  # fmt: skip

# (pace, payment, share) within an end. Closed: mostly on time, paid online
# or in cash; some slow (promises missed). Open after payment: one template,
# paid online or in cash in turn.
CLOSED_PAID = [("fast", "online", 0.55), ("fast", "cash", 0.30), ("slow", "cash", 0.15)]
CLOSED_FREE = [("fast", None, 0.8), ("slow", None, 0.2)]
ONE = [("fast", None, 1.0)]


# Template stories ----------------------------------------------------------------


@dataclass
class Ctx:
    """One template request on its way: who acts, at what simulated time."""

    service: ServiceType
    office: Office
    customer: User
    staff: dict
    pace: str
    pay: str | None
    now: datetime | None = None
    pk: int | None = None
    account: ElectricityAccount | None = None

    @property
    def r(self) -> ServiceRequest:
        """The request as it is now (each service call starts afresh)."""
        return ServiceRequest.objects.get(pk=self.pk)

    @property
    def counter(self) -> User:
        return self.staff["counter"]

    @property
    def surveyor(self) -> User:
        return self.staff["surveyor"]

    @property
    def technician(self) -> User:
        return self.staff["technician"]

    def at(self, step: str) -> datetime:
        """When a field step booked now will happen (its appointment)."""
        return advance(self.office, self.now, step, self.pace)


def _file(x, data, documents):
    """File as the customer online, or at the counter for a customer paying
    in cash (a walk-in)."""
    walk_in = x.pay == "cash"
    x.pk = rs.request_submit(
        applicant=x.customer, service=x.service, data=data, documents=documents,
        created_by=x.counter if walk_in else x.customer,
        channel="counter" if walk_in else "web",
    ).pk  # fmt: skip


def _submit(x):
    size = "15(45)-3" if x.service.flow == "extension" else (
        "15(45)-1" if x.pay == "cash" else "5(15)-1")  # fmt: skip
    _file(x, {"office": x.office, "premises_address": "12 ถ.มิตรภาพ ต.ในเมือง อ.เมือง",
              "premises_province": "ขอนแก่น",
              "meter_size": MeterSize.objects.get(code=size),
              "contact_phone": "0812345678"},
          factories.documents_for(x.service))  # fmt: skip


def _account(x):
    # Connected two years before; a disconnection, if any, came later.
    with mock.patch("django.utils.timezone.now", return_value=x.now - timedelta(700)):
        x.account = factories.account_for(x.customer, x.office)


def _submit_account(x):
    _account(x)
    size = x.account.meter.size
    if x.service.code == "meter-upgrade":
        size = MeterSize.objects.get(code="30(100)-1")
    _file(x, {"office": x.office, "premises_address": x.account.premises_address,
              "meter_size": size, "account": x.account, "contact_phone": "0812345678"},
          factories.documents_for(x.service))  # fmt: skip


def _file_reconnection(x):
    _account(x)
    days, offset = {"online": (3, False), "cash": (12, False)}.get(x.pay, (5, False))
    if x.pace == "slow":
        days, offset = 40, True
    x.pk = factories.file_reconnection(account=x.account, days=days, staff=x.counter,
                             deposit_offset=offset).pk  # fmt: skip


def _file_covers(x):
    x.pk = factories.file_covers(
        customer=x.customer, office=x.office, covers=6, days=5
    ).pk


def _open_case(x):
    _account(x)
    x.pk = ms.adjusted_bill_open(
        account=x.account, user=x.counter, evidence="ซีลมิเตอร์ถูกตัด พบการต่อสายตรง",
        history_kwh=[Decimal(210), Decimal(198), Decimal(225)], months=4,
        billed_kwh=Decimal("300.0"), rate=Decimal("4.1815"),
    ).pk  # fmt: skip


def _voice(x):
    complaint = x.service.code == "complaint"
    x.pk = voice_submit(
        customer=x.customer, kind="complaint" if complaint else "suggestion",
        category=Category.objects.get(code="waiting" if complaint else "other"),
        office=x.office, subject="รอคิวนาน" if complaint else "อยากให้แจ้งเตือนทาง LINE",
        body="รอที่เคาน์เตอร์เกือบสองชั่วโมง" if complaint else "ขอให้แจ้งเตือนนัดหมายทาง LINE",
    ).pk  # fmt: skip


def _pay(x):
    invoice = Invoice.objects.get(request_id=x.pk, status="unpaid")
    if x.pay == "online":
        event, _created = ps.provider_event_store(CallbackEvent(
            event_id=f"bench-{invoice.number}", kind="charge.succeeded",
            transaction_id=f"bench-{invoice.number}", invoice_number=invoice.number,
            amount=invoice.total, currency="THB", payload={},
        ))  # fmt: skip
        ps.provider_event_apply(event_pk=event.pk)
    else:
        ps.payment_record_cash(invoice=invoice, user=x.counter, amount=invoice.total)
    # The payment SMS (Smart Plus SLA 4) goes out a minute later.
    message_sent(request_id=x.pk, written_at=x.now,
                 sent_at=x.now + timedelta(minutes=1))  # fmt: skip


def _refund_approve(x):
    ps.refund_approve(refund=Refund.objects.get(request_id=x.pk),
                      user=x.staff["supervisor"])  # fmt: skip


# Each step of a story: one service call, as the person who takes it.
STEPS: dict[str, Callable[[Ctx], object]] = {
    "submit": _submit,
    "submit_account": _submit_account,
    "file_reconnection": _file_reconnection,
    "file_covers": _file_covers,
    "open_case": _open_case,
    "voice": _voice,
    "pay": _pay,
    "approve_refund": _refund_approve,
    "accept": lambda x: rs.request_accept(request=x.r, user=x.counter),
    "return": lambda x: rs.request_return_for_documents(
        request=x.r, user=x.counter, reason="สำเนาทะเบียนบ้านไม่ชัด กรุณาแนบใหม่"
    ),
    "resubmit": lambda x: rs.request_resubmit(request=x.r, user=x.customer),
    "cancel": lambda x: rs.request_cancel(
        request=x.r, user=x.customer, reason="ย้ายที่อยู่"
    ),
    "withdraw": lambda x: rs.request_cancel(
        request=x.r, user=x.customer, reason="แก้ไขได้แล้ว"
    ),
    "withdraw_case": lambda x: rs.request_cancel(
        request=x.r, user=x.counter, reason="ตรวจสอบใหม่ ไม่พบความผิดปกติ"
    ),
    "reject": lambda x: rs.request_reject(
        request=x.r, user=x.counter, reason="สถานที่อยู่นอกเขตให้บริการของสาขา"
    ),
    "book_survey": lambda x: rs.request_book_survey(
        request=x.r,
        user=x.counter,
        scheduled_for=x.at("survey_pass"),
        assignee=x.surveyor,
    ),
    "survey_pass": lambda x: rs.request_record_survey(
        request=x.r, user=x.surveyor, passed=True, findings="สายเมนและหลักดินได้มาตรฐาน"
    ),
    "survey_fail": lambda x: rs.request_record_survey(
        request=x.r,
        user=x.surveyor,
        passed=False,
        findings="สายดินไม่ได้มาตรฐาน ต้องติดตั้งหลักดินใหม่",
    ),
    "site_survey": lambda x: rs.request_record_site_survey(
        request=x.r, user=x.surveyor, findings="ปักเสา 4 ต้น ระยะ 160 เมตร"
    ),
    "quote": lambda x: ps.request_quote_fees(request=x.r, user=x.counter),
    "book_install": lambda x: rs.request_book_installation(
        request=x.r,
        user=x.counter,
        scheduled_for=x.at("install"),
        assignee=x.technician,
    ),
    "install": lambda x: ms.installation_record(
        request=x.r,
        user=x.technician,
        serial=f"TPL{x.pk:08d}",
        first_reading=Decimal("0.0"),
    ),
    "estimate": lambda x: ps.estimate_send(
        request=x.r,
        user=x.counter,
        amount=Decimal("48150.00"),
        details="เสาคอนกรีต 9 เมตร 4 ต้น สายอะลูมิเนียม 160 เมตร",
    ),
    "accept_estimate": lambda x: ps.estimate_decide(
        request=x.r, user=x.customer, accept=True
    ),
    "decline_estimate": lambda x: ps.estimate_decide(
        request=x.r, user=x.customer, accept=False, reason="ค่าใช้จ่ายสูงเกินไป"
    ),
    "start_construction": lambda x: rs.request_start_construction(
        request=x.r,
        user=x.counter,
        scheduled_for=x.at("finish_construction"),
        assignee=x.technician,
    ),
    "finish_construction": lambda x: rs.request_finish(
        request=x.r, user=x.technician, name="finish_construction"
    ),
    "approve": lambda x: rs.request_approve(request=x.r, user=x.counter),
    "request_budget": lambda x: rs.request_budget_request(
        request=x.r,
        user=x.counter,
        amount=Decimal("48500.00"),
        request_number=f"B{x.pk:07d}",
    ),
    "approve_budget": lambda x: rs.request_budget_approve(
        request=x.r, user=x.counter, approval_number=f"A{x.pk:07d}"
    ),
    "announce": lambda x: rs.request_announce_outage(
        request=x.r,
        user=x.counter,
        outage_at=x.now + timedelta(days=8),
        assignee=x.technician,
    ),
    "finish_work": lambda x: rs.request_finish(
        request=x.r, user=x.technician, name="finish_work", note="เปลี่ยนเสาและปรับสายแล้ว"
    ),
    "book_test": lambda x: rs.request_book_test(
        request=x.r,
        user=x.counter,
        scheduled_for=x.at("install_comparison"),
        assignee=x.technician,
    ),
    "install_comparison": lambda x: ms.meter_test_install_comparison(
        request=x.r,
        user=x.technician,
        comparison_serial=f"CMP{x.pk:06d}",
        meter_start=Decimal("1520.0"),
        comparison_start=Decimal("0.0"),
        customer_signed=True,
    ),
    "test_normal": lambda x: ms.meter_test_record_result(
        request=x.r,
        user=x.technician,
        faulty=False,
        meter_end=Decimal("1620.2"),
        comparison_end=Decimal("100.0"),
        customer_signed=True,
    ),
    "test_faulty": lambda x: ms.meter_test_record_result(
        request=x.r,
        user=x.technician,
        faulty=True,
        meter_end=Decimal("1655.0"),
        comparison_end=Decimal("100.0"),
        customer_signed=True,
    ),
    "record_refund": lambda x: ps.refund_record_paid(request=x.r, user=x.counter),
    "reconnect": lambda x: ms.reconnection_record_done(
        request=x.r, user=x.technician, note="ต่อกลับเรียบร้อย"
    ),
    "meter_removal": lambda x: ps.deposit_record_meter_removal(
        request=x.r, user=x.technician, final_reading=Decimal("9120.4")
    ),
    "settle": lambda x: ps.deposit_settle(
        request=x.r, user=x.counter, final_bill=Decimal("185.25")
    ),
    "payout": lambda x: ps.deposit_record_payout(
        request=x.r, user=x.counter, holder_id_checked=True
    ),
    "book_replacement": lambda x: ms.broken_meter_book(
        request=x.r,
        user=x.counter,
        scheduled_for=x.at("replace"),
        assignee=x.technician,
    ),
    "replace": lambda x: ms.broken_meter_replace(
        request=x.r,
        user=x.technician,
        old_reading=Decimal("7421.0"),
        new_serial=f"TPLN{x.pk:07d}",
        new_reading=Decimal("0.0"),
    ),
    "raise_debt": lambda x: ms.broken_meter_raise_debt(
        request=x.r,
        user=x.counter,
        amount=Decimal("1448.00"),
        cause_details="ฝาครอบมิเตอร์แตก ถูกงัด",
    ),
    "first_notice": lambda x: rs.request_step(
        request=x.r, user=x.counter, name="send_first_notice", note="ผู้ใช้ไฟลงนามรับทราบ"
    ),
    "second_notice": lambda x: rs.request_step(
        request=x.r, user=x.counter, name="send_second_notice"
    ),
    "order_disconnection": lambda x: ms.adjusted_bill_order_disconnection(
        request=x.r, user=x.counter
    ),
    "quote_covers": lambda x: ms.covers_quote(request=x.r, user=x.counter),
    "book_covers": lambda x: rs.request_book_covers(
        request=x.r,
        user=x.counter,
        scheduled_for=x.at("install_covers"),
        assignee=x.technician,
    ),
    "install_covers": lambda x: ms.covers_record(
        request=x.r, user=x.technician, name="install_covers"
    ),
    "remove_covers": lambda x: ms.covers_record(
        request=x.r, user=x.technician, name="remove_covers"
    ),
    "acknowledge": lambda x: rs.request_step(
        request=x.r, user=x.counter, name="acknowledge"
    ),
    "resolve": lambda x: rs.request_finish(
        request=x.r,
        user=x.counter,
        name="resolve",
        note="เพิ่มช่องบริการช่วงเช้าแล้ว ขออภัยในความไม่สะดวก",
    ),
    "rate": lambda x: rating_submit(
        request=x.r,
        user=x.customer,
        score=2 if x.pace == "slow" else 5,
        comment="ช่างมาช้ากว่านัด" if x.pace == "slow" else "รวดเร็วมาก",
    ),
}


# How long before each step (hours): (working hours?, on time, slow). Slow
# times are past the step's promise, so its clock is missed.
GAP = {
    "accept": (True, 0.5, 3), "return": (True, 0.5, 1), "resubmit": (False, 20, 30),
    "cancel": (False, 30, 30), "withdraw": (False, 24, 24),
    "withdraw_case": (False, 48, 48), "reject": (True, 1.5, 1.5),
    "book_survey": (True, 0.5, 2), "survey_pass": (True, 8, 26),
    "survey_fail": (True, 8, 26), "site_survey": (True, 6, 16),
    "quote": (True, 1, 6), "pay": (False, 26, 50), "book_install": (True, 0.5, 2),
    "install": (True, 14, 48), "estimate": (True, 16, 56),
    "accept_estimate": (False, 72, 100), "decline_estimate": (False, 72, 72),
    "start_construction": (True, 8, 8), "finish_construction": (True, 64, 120),
    "approve": (True, 16, 60), "announce": (True, 8, 8),
    "request_budget": (True, 4, 8), "approve_budget": (True, 24, 40),
    "finish_work": (False, 8 * 24 + 3, 11 * 24), "book_test": (True, 2, 10),
    "install_comparison": (True, 8, 16), "test_normal": (True, 8, 8),
    "test_faulty": (True, 8, 8), "approve_refund": (True, 4, 8),
    "record_refund": (True, 16, 64), "reconnect": (True, 3, 12),
    "meter_removal": (True, 8, 16), "settle": (True, 8, 24),
    "payout": (True, 16, 130), "book_replacement": (True, 1, 1),
    "replace": (True, 16, 40), "raise_debt": (True, 2, 2),
    "first_notice": (True, 8, 8), "second_notice": (False, 15 * 24, 15 * 24),
    "order_disconnection": (False, 15 * 24, 15 * 24),
    "quote_covers": (True, 3, 12), "book_covers": (True, 1, 1),
    "install_covers": (True, 6, 16), "remove_covers": (False, 5 * 24 + 2, 5 * 24 + 2),
    "acknowledge": (True, 3, 12), "resolve": (True, 30, 130), "rate": (False, 20, 20),
}  # fmt: skip
# Online payments come sooner than a visit to the counter.
GAP_ONLINE_PAY = 3


_calendars = {}


def advance(office, moment: datetime, step: str, pace: str, pay=None) -> datetime:
    if step not in GAP:  # filing
        return moment
    working, fast, slow = GAP[step]
    hours = slow if pace == "slow" else fast
    if step == "pay" and pay == "online" and pace != "slow":
        hours = GAP_ONLINE_PAY
    if working:
        if office.pk not in _calendars:
            _calendars[office.pk] = calendar_for(office)
        return _calendars[office.pk].add_working_hours(moment, hours)
    return moment + timedelta(hours=hours)


@dataclass
class Template:
    pk: int
    service: str
    end: str
    pace: str
    pay: str | None
    weight: float
    state: str
    filed: float  # epoch seconds
    last: float  # epoch seconds of its last step


# The state each step of a main path leads to (to walk to an open state).
ENTERS = {
    "submit": "submitted", "submit_account": "submitted", "file_covers": "submitted",
    "voice": "submitted", "open_case": "submitted", "file_reconnection": "fees_quoted",
    "accept": "accepted", "book_survey": "survey_booked", "survey_pass": "surveyed",
    "site_survey": "surveyed", "quote": "fees_quoted", "quote_covers": "fees_quoted",
    "pay": "paid", "book_install": "installation_booked", "estimate": "estimate_sent",
    "accept_estimate": "fees_quoted", "start_construction": "construction",
    "approve": "approved", "request_budget": "budget_requested",
    "approve_budget": "budget_approved", "announce": "outage_announced",
    "book_test": "test_booked",
    "install_comparison": "comparison_installed", "meter_removal": "meter_removed",
    "settle": "settled", "book_replacement": "installation_booked",
    "first_notice": "fees_quoted", "acknowledge": "acknowledged",
    "book_covers": "installation_booked", "install_covers": "covers_installed",
}  # fmt: skip


def _stories(service: ServiceType):
    """(end, steps, pace, pay, weight) for every template of a service."""
    flow = {
        "meter-upgrade": "meter_upgrade",
        "correction-premises": "correction_premises",
    }.get(service.code, service.flow)
    path = PATH[flow]
    mix = MIX[service.code]
    total = sum(v if isinstance(v, int | float) else v[0] for v in mix.values())
    turn = ["online", "cash"]
    for end, spec in mix.items():
        weight, steps = (spec, None) if isinstance(spec, int | float) else spec
        weight = SHARE[service.code] * weight / total
        closed = end.startswith("closed")
        if steps is None and closed:
            steps = list(path)
        elif steps is None:
            steps = path[: [ENTERS.get(s) for s in path].index(end) + 1]
        if closed:
            variants = CLOSED_PAID if "pay" in steps else CLOSED_FREE
        elif "pay" in steps:
            turn.reverse()
            variants = [("fast", turn[0], 1.0)]
        else:
            variants = ONE
        for pace, pay, share in variants:
            s = steps
            if closed and pace == "slow" and flow in INTAKE:
                s = [s[0], "return", "resubmit", *s[1:]]
            if closed and flow != "adjusted_bill":
                s = [*s, "rate"]
            yield end, s, pace, pay, weight * share


def _plan_times(office, steps, pace, pay, filed):
    times, now = [], filed
    for step in steps:
        now = advance(office, now, step, pace, pay)
        times.append(now)
    return times


def build_templates(branch, staff, customer_ids, rng, anchor) -> list[Template]:
    """Drive one request per (service, end, variant) through the services,
    each on a simulated clock ending before `anchor`."""
    out = []
    services = list(ServiceType.objects.filter(is_active=True).order_by("id"))
    missing = {s.code for s in services} - SHARE.keys()
    assert not missing, f"no share in the mix for {missing}"
    i = 0
    for service in services:
        for end, steps, pace, pay, weight in _stories(service):
            customer = User.objects.get(pk=customer_ids[i % len(customer_ids)])
            i += 1
            x = Ctx(service=service, office=branch, customer=customer, staff=staff,
                    pace=pace, pay=pay)  # fmt: skip
            # Hours since its last step: the clones move back from there.
            age = rng.uniform(1, 3 * 24)
            last = anchor - timedelta(hours=age)
            filed = last - timedelta(days=40)
            times = _plan_times(branch, steps, pace, pay, filed)
            filed += last - times[-1]
            while (times := _plan_times(branch, steps, pace, pay, filed))[-1] > last:
                filed -= timedelta(hours=6)
            for step, at in zip(steps, times, strict=True):
                x.now = at
                with mock.patch("django.utils.timezone.now", return_value=at):
                    STEPS[step](x)
            state = x.r.state
            want = (
                "closed"
                if end.startswith("closed")
                else {
                    "declined": "cancelled",
                    "installation_booked_user": "installation_booked",
                }.get(end, end)
            )
            assert state == want, (service.code, end, state, steps)
            out.append(Template(
                pk=x.pk, service=service.code, end=end, pace=pace, pay=pay,
                weight=weight, state=state, filed=x.r.created_at.timestamp(),
                last=x.now.timestamp(),
            ))  # fmt: skip
    return out


# Cloning --------------------------------------------------------------------------


def _allocate(n: int, weights: list[float]) -> list[int]:
    """n split over the weights, at least 1 each (the template itself),
    largest remainders first."""
    assert n >= len(weights), f"n must be at least {len(weights)} (the templates)"
    spare = n - len(weights)
    total = sum(weights)
    exact = [spare * w / total for w in weights]
    counts = [int(e) for e in exact]
    left = spare - sum(counts)
    order = sorted(
        range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True
    )
    for i in order[:left]:
        counts[i] += 1
    return [c + 1 for c in counts]


def _clones(
    n, templates, branch_ids, customer_ids, rng, anchor
) -> tuple[io.StringIO, int]:
    """The clones as COPY rows: k, template, shift (s), shift (days), office,
    applicant, filing time (epoch). Closed ones filed over the window; open
    ones recent (those waiting on the customer: longer)."""
    counts = _allocate(n, [t.weight for t in templates])
    # Some branches are busier than others.
    weights = [rng.lognormvariate(0, 0.7) for _ in branch_ids]
    total = sum(c - 1 for c in counts)
    offices = rng.choices(branch_ids, weights=weights, k=total)
    pool = len(customer_ids)
    now = anchor.timestamp()
    buf = io.StringIO()
    g = 0
    waiting = {"returned", "wiring_failed", "fees_quoted", "estimate_sent",
               "second_notice"}  # fmt: skip
    for t, count in zip(templates, counts, strict=True):
        final = t.state in FINAL_STATES
        p = 0.35 if t.state in waiting else 0.7  # weekly odds it moved on
        lo = now - WINDOW_DAYS * 86400
        hi = t.filed - (t.last - now) - 3600  # filed early enough to be done
        day0 = (int(t.last) + BANGKOK_OFFSET) // 86400
        for _ in range(count - 1):
            if final:
                x = rng.uniform(lo, max(lo, hi))
                weeks = max(0, round((t.filed - x) / WEEK))
            else:
                weeks = min(26, int(math.log(1 - rng.random()) / math.log(1 - p)))
            shift = -weeks * WEEK - rng.random() * JITTER
            days = (int(t.last + shift) + BANGKOK_OFFSET) // 86400 - day0
            applicant = customer_ids[int(pool * rng.random() ** 1.5)]
            buf.write(f"{g}\t{t.pk}\t{shift:.0f}\t{days}\t{offices[g]}\t{applicant}"
                      f"\t{t.filed + shift:.0f}\n")  # fmt: skip
            g += 1
    buf.seek(0)
    return buf, g


def _sql(sql, params=None):
    with connection.cursor() as c:
        c.execute(sql, params)
        return c.rowcount


def _one(sql, params=None):
    with connection.cursor() as c:
        c.execute(sql, params)
        return c.fetchone()[0]


def _max_id(table) -> int:
    return _one(f"SELECT coalesce(max(id), 0) FROM {table}")


def _setval(table):
    _sql(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
    )


class Cloner:
    """INSERT … SELECT of the rows of the templates, once per clone (temp
    table gen: g, tpl, new_id, shift, shift_days, office_id, province_id,
    region_id, applicant_id, tpl_applicant and the branch's staff ids)."""

    def __init__(self, branch, staff):
        self.branch, self.staff = branch, staff
        self.maps = {}

    def office(self, col):
        b = self.branch
        return (f"CASE {col} WHEN {b.pk} THEN c.office_id WHEN {b.parent_id} THEN "
                f"c.province_id WHEN {b.parent.parent_id} THEN c.region_id "
                f"ELSE {col} END")  # fmt: skip

    def user(self, col):
        s = self.staff
        return (f"CASE {col} WHEN c.tpl_applicant THEN c.applicant_id "
                f"WHEN {s['counter'].pk} THEN c.counter_id "
                f"WHEN {s['surveyor'].pk} THEN c.surveyor_id "
                f"WHEN {s['technician'].pk} THEN c.technician_id "
                f"WHEN {s['supervisor'].pk} THEN c.supervisor_id "
                f"ELSE {col} END")  # fmt: skip

    def make_map(self, model, select_sql):
        """Temp table map_<table> (g, old, new): the new ids of the rows other
        cloned rows point at."""
        table = model._meta.db_table
        name = f"map_{table}"
        base = _max_id(table)
        _sql(f"DROP TABLE IF EXISTS {name}")
        _sql(
            f"CREATE TEMP TABLE {name} AS SELECT s.g, s.old, {base} + row_number() "
            f"OVER (ORDER BY s.g, s.old) AS new FROM ({select_sql}) s"
        )
        _sql(f"ANALYZE {name}")
        self.maps[model] = name
        return name, base

    def clone(self, model, source, where="", **overrides) -> int:
        cols, exprs, joins = [], [], []
        for f in model._meta.concrete_fields:
            col = f.column
            if col in overrides:
                expr = overrides[col]
            elif f.primary_key:
                continue
            elif f.is_relation:
                rel = f.related_model
                if rel is ServiceRequest:
                    expr = f"CASE WHEN t.{col} = c.tpl THEN c.new_id ELSE t.{col} END"
                elif rel is Office:
                    expr = self.office(f"t.{col}")
                elif rel is User:
                    expr = self.user(f"t.{col}")
                elif rel in self.maps:
                    j = f"j{len(joins)}"
                    joins.append(f"LEFT JOIN {self.maps[rel]} {j} ON {j}.g = c.g "
                                 f"AND {j}.old = t.{col}")  # fmt: skip
                    expr = f"{j}.new"
                else:
                    expr = f"t.{col}"
            elif isinstance(f, models.DateTimeField):
                expr = f"t.{col} + c.shift"
            elif isinstance(f, models.DateField):
                expr = f"t.{col} + c.shift_days"
            else:
                expr = f"t.{col}"
            cols.append(col)
            exprs.append(expr)
        table = model._meta.db_table
        # In filing order (g), each request's rows in the template's order:
        # ids grow with time as in production, and a timeline's ties (same
        # instant) keep their order.
        return _sql(
            f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
            f"FROM {source} {' '.join(joins)} {where} ORDER BY c.g, t.id"
        )


def _be_year(at):
    return f"(EXTRACT(YEAR FROM ({at}) AT TIME ZONE 'Asia/Bangkok')::int + 543)"


def _pad(expr, width):
    """Zero-padded to at least `width` digits (lpad would cut longer ones)."""
    return f"lpad(({expr})::text, greatest({width}, length(({expr})::text)), '0')"


def _number(name, rows_sql, key_sql, number_sql):
    """Temp table <name> (g, old, number, yr, seq): numbers per key in time
    order, continuing core_sequence, which is moved on. rows_sql yields g,
    old, at, code, kind; key_sql and number_sql read yr, code, kind (and seq)."""
    _sql(f"DROP TABLE IF EXISTS {name}")
    _sql(f"""
        CREATE TEMP TABLE {name} AS
        SELECT s.g, s.old, s.yr, s.seq, s.key, {number_sql} AS number FROM (
          SELECT k.*, coalesce(q.value, 0) + row_number() OVER (
              PARTITION BY k.key ORDER BY k.at, k.g, k.old) AS seq
          FROM (SELECT y.*, {key_sql} AS key
                FROM (SELECT r.*, {_be_year("r.at")} AS yr FROM ({rows_sql}) r) y) k
          LEFT JOIN core_sequence q ON q.key = k.key) s""")
    _sql(f"""
        INSERT INTO core_sequence (key, value)
        SELECT key, max(seq) FROM {name} GROUP BY key
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value""")
    _sql(f"ANALYZE {name}")


def clone_all(templates, buf, count, branch, staff):
    """Every table hanging off the templates, once per clone."""
    req = ServiceRequest._meta.db_table
    _sql("DROP TABLE IF EXISTS lean, gen, tpl_meter, tpl_account")
    _sql("CREATE TEMP TABLE lean (k int, tpl bigint, shift_s bigint, shift_days int, "
         "office_id bigint, applicant_id bigint, filed bigint)")  # fmt: skip
    with connection.cursor() as c:
        c.cursor.copy_expert("COPY lean FROM STDIN", buf)
    base = _max_id(req)
    _sql(f"""
        CREATE TEMP TABLE gen AS
        SELECT l.g, l.tpl, {base} + l.g AS new_id,
               make_interval(secs => l.shift_s) AS shift, l.shift_days,
               l.office_id, b.parent_id AS province_id, p.parent_id AS region_id,
               l.applicant_id, t.applicant_id AS tpl_applicant,
               cu.id AS counter_id, su.id AS surveyor_id, tu.id AS technician_id,
               ru.id AS supervisor_id
        FROM (SELECT lean.*, row_number() OVER (ORDER BY filed, k) AS g FROM lean) l
        JOIN {req} t ON t.id = l.tpl
        JOIN accounts_office b ON b.id = l.office_id
        JOIN accounts_office p ON p.id = b.parent_id
        JOIN accounts_user cu ON cu.username = 'c-' || b.code
        JOIN accounts_user su ON su.username = 'v-' || b.code
        JOIN accounts_user tu ON tu.username = 't-' || b.code
        JOIN accounts_office r ON r.id = p.parent_id
        JOIN accounts_user ru ON ru.username = 's-' || r.code""")
    assert _one("SELECT count(*) FROM gen") == count
    _sql("ANALYZE gen")
    # The meters and accounts each template owns (its own account, the one
    # its Move-In opened, the meters installed).
    _sql("CREATE TEMP TABLE tpl_account (tpl bigint, account_id bigint)")
    _sql("CREATE TEMP TABLE tpl_meter (tpl bigint, meter_id bigint)")
    pks = [t.pk for t in templates]
    _sql(
        f"""INSERT INTO tpl_account SELECT DISTINCT r.id, a.id FROM {req} r
            JOIN meters_electricityaccount a
              ON a.id = r.account_id OR a.request_id = r.id
            WHERE r.id = ANY(%s)""",
        [pks],
    )
    _sql(
        """INSERT INTO tpl_meter
           SELECT ta.tpl, a.meter_id FROM tpl_account ta
             JOIN meters_electricityaccount a ON a.id = ta.account_id
             WHERE a.meter_id IS NOT NULL
           UNION SELECT request_id, meter_id FROM meters_installation
             WHERE request_id = ANY(%s)
           UNION SELECT request_id, new_meter_id FROM meters_meterreplacement
             WHERE request_id = ANY(%s) AND new_meter_id IS NOT NULL""",
        [pks, pks],
    )
    assert not Receipt.objects.filter(kind="credit_note").exists()
    cl = Cloner(branch, staff)
    rows = {}

    # Meters, accounts and what hangs off accounts.
    cl.make_map(Meter, "SELECT c.g, m.meter_id AS old FROM gen c "
                       "JOIN tpl_meter m ON m.tpl = c.tpl")  # fmt: skip
    rows["meters"] = cl.clone(
        Meter, "map_meters_meter m JOIN gen c ON c.g = m.g "
        "JOIN meters_meter t ON t.id = m.old",
        id="m.new", serial=f"'PEA' || {_pad('m.new', 10)}",
    )  # fmt: skip
    _, acc_base = cl.make_map(
        ElectricityAccount,
        "SELECT c.g, a.account_id AS old FROM gen c "
        "JOIN tpl_account a ON a.tpl = c.tpl",
    )
    ca_base = _one("SELECT coalesce(max(value), 0) FROM core_sequence WHERE key = 'ca'")
    ca = f"'020' || {_pad(f'{ca_base} + m.new - {acc_base}', 9)}"
    accounts = ("map_meters_electricityaccount m JOIN gen c ON c.g = m.g "
                "JOIN {} t ON t.{} = m.old")  # fmt: skip
    rows["accounts"] = cl.clone(
        ElectricityAccount, accounts.format("meters_electricityaccount", "id"),
        id="m.new", ca_number=ca,
    )  # fmt: skip
    _sql(
        "INSERT INTO core_sequence (key, value) SELECT 'ca', %s + count(*) "
        "FROM map_meters_electricityaccount HAVING count(*) > 0 "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [ca_base],
    )
    rows["contracts"] = cl.clone(
        Contract, accounts.format("meters_contract", "account_id"),
        account_id="m.new", number=f"'C' || {ca}",
    )  # fmt: skip
    rows["disconnections"] = cl.clone(
        Disconnection, accounts.format("meters_disconnection", "account_id"),
        account_id="m.new",
    )  # fmt: skip

    # The requests.
    _number(
        "num_request",
        f"SELECT c.g, c.g AS old, t.created_at + c.shift AS at, s.prefix AS code, "
        f"'' AS kind FROM gen c JOIN {req} t ON t.id = c.tpl "
        f"JOIN requests_app_servicetype s ON s.id = t.service_id",
        "'request:' || y.code || ':' || (y.yr % 100)",
        f"s.code || lpad((s.yr % 100)::text, 2, '0') || '-' || {_pad('s.seq', 6)}",
    )
    rows["requests"] = cl.clone(
        ServiceRequest,
        f"gen c JOIN {req} t ON t.id = c.tpl JOIN num_request nr ON nr.g = c.g",
        id="c.new_id",
        reference="nr.number",
    )

    # What hangs off a request.
    for name, model in [
        ("events", RequestEvent), ("appointments", Appointment),
        ("surveys", SurveyResult), ("clocks", Clock), ("estimates", Estimate),
        ("settlements", DepositSettlement), ("installations", Installation),
        ("meter_tests", MeterTest), ("cover_rentals", CoverRental),
        ("replacements", MeterReplacement), ("voices", Voice),
    ]:  # fmt: skip
        rows[name] = cl.clone(
            model, f"gen c JOIN {model._meta.db_table} t ON t.request_id = c.tpl"
        )
    rows["documents"] = cl.clone(
        Document, f"gen c JOIN {Document._meta.db_table} t ON t.request_id = c.tpl",
        token="lpad(to_hex(c.new_id), 16, '0') || lpad(to_hex(t.id), 16, '0')",
    )  # fmt: skip
    rows["ratings"] = cl.clone(
        Rating, "gen c JOIN voc_rating t ON t.request_id = c.tpl",
        where=f"WHERE c.g % 10 < {RATED}",
    )  # fmt: skip

    # Money: invoices, their lines, payments, receipts, refunds.
    cl.make_map(Invoice, "SELECT c.g, t.id AS old FROM gen c "
                         "JOIN payments_invoice t ON t.request_id = c.tpl")  # fmt: skip
    _number(
        "num_invoice",
        "SELECT c.g, t.id AS old, t.created_at + c.shift AS at, o.code, '' AS kind "
        "FROM map_payments_invoice m JOIN gen c ON c.g = m.g "
        "JOIN payments_invoice t ON t.id = m.old "
        f"JOIN accounts_office o ON o.id = {cl.office('t.office_id')}",
        "'invoice:' || y.code || ':' || y.yr",
        f"'INV' || s.code || '-' || s.yr || '-' || {_pad('s.seq', 6)}",
    )
    rows["invoices"] = cl.clone(
        Invoice, "map_payments_invoice m JOIN gen c ON c.g = m.g "
        "JOIN payments_invoice t ON t.id = m.old "
        "JOIN num_invoice ni ON ni.g = m.g AND ni.old = m.old",
        id="m.new", number="ni.number",
    )  # fmt: skip
    rows["invoice_lines"] = cl.clone(
        InvoiceLine, "map_payments_invoice m JOIN gen c ON c.g = m.g "
        "JOIN payments_invoiceline t ON t.invoice_id = m.old",
        invoice_id="m.new",
    )  # fmt: skip
    cl.make_map(Payment, "SELECT m.g, p.id AS old FROM map_payments_invoice m "
                         "JOIN payments_payment p ON p.invoice_id = m.old")  # fmt: skip
    rows["payments"] = cl.clone(
        Payment, "map_payments_payment m JOIN gen c ON c.g = m.g "
        "JOIN payments_payment t ON t.id = m.old",
        id="m.new",
        provider_txn="CASE WHEN t.provider_txn IS NULL THEN NULL "
        "ELSE 'bench-' || m.new END",
    )  # fmt: skip
    _number(
        "num_receipt",
        "SELECT c.g, t.id AS old, t.issued_at + c.shift AS at, o.code, t.kind "
        "FROM map_payments_payment m JOIN gen c ON c.g = m.g "
        "JOIN payments_receipt t ON t.payment_id = m.old "
        f"JOIN accounts_office o ON o.id = {cl.office('t.office_id')}",
        "y.kind || ':' || y.code || ':' || y.yr",
        "CASE s.kind WHEN 'receipt' THEN 'RC' ELSE 'CN' END || s.code || '-' "
        f"|| s.yr || '-' || {_pad('s.seq', 6)}",
    )
    rows["receipts"] = cl.clone(
        Receipt, "map_payments_payment m JOIN gen c ON c.g = m.g "
        "JOIN payments_receipt t ON t.payment_id = m.old "
        "JOIN num_receipt nr ON nr.g = m.g AND nr.old = t.id",
        payment_id="m.new", number="nr.number", be_year="nr.yr", seq="nr.seq",
    )  # fmt: skip
    _number(
        "num_refund",
        "SELECT c.g, t.id AS old, t.approved_at + c.shift AS at, o.code, '' AS kind "
        "FROM gen c JOIN payments_refund t ON t.request_id = c.tpl "
        f"JOIN {req} r ON r.id = t.request_id "
        f"JOIN accounts_office o ON o.id = {cl.office('r.office_id')} "
        "WHERE t.number IS NOT NULL",
        "'refund:' || y.code || ':' || y.yr",
        f"'RF' || s.code || '-' || s.yr || '-' || {_pad('s.seq', 6)}",
    )
    rows["refunds"] = cl.clone(
        Refund, "gen c JOIN payments_refund t ON t.request_id = c.tpl "
        "LEFT JOIN num_refund nf ON nf.g = c.g AND nf.old = t.id",
        number="nf.number",
    )  # fmt: skip

    for model in (ServiceRequest, Meter, ElectricityAccount, Invoice, Payment):
        _setval(model._meta.db_table)
    return rows


def tallies():
    """The dashboard's tallies, as the services keep them, from the rows."""
    _sql("TRUNCATE sla_opentally, sla_steptally")
    _sql("""
        INSERT INTO sla_opentally (office_id, service_id, state, n)
        SELECT office_id, service_id, state, count(*)
        FROM requests_app_servicerequest
        WHERE state NOT IN ('closed', 'cancelled', 'rejected') GROUP BY 1, 2, 3""")
    _sql("""
        INSERT INTO sla_steptally (office_id, service_id, step_code, week, met, missed)
        SELECT office_id, service_id, step_code,
          date_trunc('week', stopped_at AT TIME ZONE 'Asia/Bangkok')::date,
          count(*) FILTER (WHERE status = 'met'),
          count(*) FILTER (WHERE status = 'missed')
        FROM sla_clock WHERE status IN ('met', 'missed')
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""")


def _superuser() -> bool:
    return _one("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")


LOADED = [Meter, ElectricityAccount, Contract, Disconnection, ServiceRequest,
          RequestEvent, Appointment, SurveyResult, Clock, Estimate, DepositSettlement,
          Installation, MeterTest, CoverRental, MeterReplacement, Voice, Document,
          Rating, Invoice, InvoiceLine, Payment, Receipt, Refund, Bill]  # fmt: skip


DROPPED = "datagen_dropped_index"


def _restore_indexes():
    """Build the indexes bulk() dropped (after the copy, or after a load that
    was killed before it could)."""
    if _one("SELECT to_regclass(%s)", [DROPPED]) is None:
        return
    for name, definition in _rows(f"SELECT name, sql FROM {DROPPED} ORDER BY 1"):
        if _one("SELECT to_regclass(%s)", [name]) is None:
            _sql(definition)
    _sql(f"DROP TABLE {DROPPED}")


# The tables that get several rows per request: their plain indexes are built
# after the copy rather than kept up to date row by row (measured at 100k:
# about a third faster; for the small tables the extra statements cost more).
REBUILT = [ServiceRequest, RequestEvent, Clock, Document, Appointment, InvoiceLine]


@contextmanager
def bulk():
    """Settings for the bulk copy: sorts in memory; the plain indexes of the
    big tables dropped and built again afterwards (primary keys and unique
    constraints stay and keep guarding); as a superuser, no foreign-key
    triggers (check() verifies the keys)."""
    tables = [m._meta.db_table for m in REBUILT] + ["sla_steptally"]
    indexes = _rows(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS
             (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
           ORDER BY 1""",
        [tables],
    )
    replica = _superuser()
    _sql("SET work_mem = '256MB'")
    _sql("SET maintenance_work_mem = '256MB'")
    if replica:
        _sql("SET session_replication_role = replica")
    # Written down first: a load killed half-way gets them back at the next
    # reset().
    _sql(f"CREATE TABLE IF NOT EXISTS {DROPPED} (name text PRIMARY KEY, sql text)")
    for name, definition in indexes:
        _sql(f"INSERT INTO {DROPPED} VALUES (%s, %s)", [name, definition])
        _sql(f"DROP INDEX {name}")
    try:
        yield
    finally:
        _restore_indexes()
        if replica:
            _sql("SET session_replication_role = DEFAULT")
        _sql("RESET work_mem")
        _sql("RESET maintenance_work_mem")


def load(n, seed=SEED, anchor=None, customers=None, verbose=True):
    """Offices, people and n requests (templates included); returns (seconds,
    regions, branches) as pages_bench's loader did."""
    rng = random.Random(seed)
    if anchor is None:
        anchor = timezone.now().replace(minute=0, second=0, microsecond=0)
    t0 = time.perf_counter()
    reset()
    regions, branches = offices_900()
    customer_ids = people(regions, branches, customers or max(100, n // 20))
    branch = Office.objects.select_related("parent").get(pk=branches[0].pk)
    staff = {
        role: User.objects.get(username=f"{p}-{code}")
        for role, p, code in (
            ("counter", "c", branch.code),
            ("surveyor", "v", branch.code),
            ("technician", "t", branch.code),
            ("supervisor", "s", branch.parent.parent.code),
        )
    }
    t1 = time.perf_counter()
    _calendars.clear()
    _sql("SET synchronous_commit = off")  # a scratch database: no flush per step
    # The offices' calendars do not change while the templates are made: the
    # clocks read each one once, not at every step.
    cached = calendar_for(branch)
    with (
        transaction.atomic(),
        mock.patch("sla.clocks.calendar_for", lambda office=None: cached),
    ):
        templates = build_templates(branch, staff, customer_ids, rng, anchor)
    t2 = time.perf_counter()
    buf, count = _clones(
        n, templates, [b.pk for b in branches], customer_ids, rng, anchor
    )
    t3 = time.perf_counter()
    with bulk():
        rows = clone_all(templates, buf, count, branch, staff)
        tallies()
        rows.update(billing_accounts(n, [b.pk for b in branches], customer_ids, anchor))
    t4 = time.perf_counter()
    tables = [m._meta.db_table for m in LOADED]
    _sql(f"ANALYZE {', '.join(tables)}, sla_opentally, sla_steptally, accounts_office, "
         "accounts_user, accounts_customerprofile")  # fmt: skip
    _sql("RESET synchronous_commit")
    t5 = time.perf_counter()
    if verbose:
        print(
            f"datagen: {n:,} requests ({len(templates)} templates, seed {seed}) in "
            f"{t5 - t0:.1f} s: offices and people {t1 - t0:.1f} s, templates "
            f"{t2 - t1:.1f} s, plan {t3 - t2:.1f} s, SQL copy {t4 - t3:.1f} s, "
            f"ANALYZE {t5 - t4:.1f} s; "
            + ", ".join(f"{k} {v:,}" for k, v in rows.items()),
            file=sys.stderr,
            flush=True,
        )
    return t5 - t0, regions, branches


# The billing system's accounts and bills -------------------------------------------

# National proportions (SPEC §5, issue 19): PEA's ~20 million accounts beside
# the portal's customers, about one in ten of whom has linked an account of
# theirs; a year of monthly bills per account. Here: ten accounts per portal
# customer (n/2 for n requests), the first of every ten linked to a customer
# (its holder is that customer's national ID), twelve bills each, the last
# month's unpaid and, for one account in twenty, the month before too
# (overdue). Made in SQL (generate_series), as the billing system's import
# would leave them: source "billing", bills as issued (they add up), notices
# already sent.
BILL_MONTHS = 12
SEASON_SQL = "(ARRAY[0.82,0.92,1.15,1.38,1.35,1.15,1.05,1.02,1.00,0.97,0.88,0.80])"


def billing_accounts(n, branch_ids, customer_ids, anchor) -> dict:
    accounts = max(1000, n // 2)
    first = _one("SELECT coalesce(max(id), 0) FROM meters_electricityaccount")
    _sql(
        """INSERT INTO meters_electricityaccount (ca_number, customer_id, source,
             holder_name, holder_id, tariff, meter_serial, meter_size_code,
             deposit_held, nickname, bill_notices, linked_at, office_id,
             request_id, premises_address, meter_id, feeder, created_at)
           SELECT '09' || lpad(g::text, 10, '0'), c.user_id, 'billing',
             CASE WHEN c.user_id IS NULL THEN 'ลูกค้า กฟภ. ' || g
                  ELSE coalesce(c.name, 'ลูกค้า') END,
             coalesce(c.national_id, '9' || lpad(g::text, 12, '0')),
             CASE WHEN g %% 10 < 8 THEN '1.1.2' WHEN g %% 10 = 8 THEN '1.1.1'
                  ELSE '2.1.2' END,
             'PEA-' || lpad(g::text, 9, '0'), '5(15)-1', 300, '', true,
             CASE WHEN c.user_id IS NOT NULL THEN %(anchor)s - interval '40 days' END,
             (%(branches)s::bigint[])[1 + g %% %(nb)s], NULL,
             (g %% 300 + 1) || ' ม.' || (g %% 12 + 1) || ' ต.ในเมือง', NULL,
             'F' || (g %% 40 + 1), %(anchor)s - interval '3 years'
           FROM generate_series(1, %(accounts)s) g
           LEFT JOIN LATERAL (
             SELECT u.id AS user_id, p.national_id,
               u.first_name || ' ' || u.last_name AS name
             FROM accounts_user u JOIN accounts_customerprofile p ON p.user_id = u.id
             WHERE g %% 10 = 1 AND u.id = (%(customers)s::bigint[])[1 + g / 10 %% %(nc)s]
               AND g / 10 < %(nc)s
           ) c ON true""",
        {"anchor": anchor, "branches": branch_ids, "nb": len(branch_ids),
         "customers": customer_ids, "nc": len(customer_ids), "accounts": accounts},
    )  # fmt: skip
    # The last month billed: the one before the anchor's (read on its 26th).
    this_month = timezone.localtime(anchor).date().replace(day=1)
    last = (this_month - timedelta(days=1)).replace(day=1)
    _sql(
        f"""INSERT INTO bills_bill (number, account_id, period, read_from, read_on,
             previous_reading, reading, kwh, energy_charge, ft, service_charge,
             vat, total, due_date, status, paid_invoice_id, paid_at,
             issue_notice_at, reminder_at, created_at, updated_at)
           SELECT 'B' || a.ca_number || to_char(b.period, 'YYMM'), a.id, b.period,
             b.read_on - 30, b.read_on, b.previous, b.previous + b.kwh, b.kwh,
             m.energy, m.ft, m.service, m.vat, m.energy + m.ft + m.service + m.vat,
             b.read_on + 10, s.status,
             NULL, CASE WHEN s.status = 'paid' THEN b.read_on + 6 END,
             b.read_on + interval '1 hour',
             CASE WHEN s.status = 'unpaid' AND b.read_on + 7 < %(today)s
                  THEN b.read_on + 7 END,
             b.read_on + interval '1 hour', b.read_on + interval '1 hour'
           FROM meters_electricityaccount a
           CROSS JOIN generate_series(0, {BILL_MONTHS - 1}) k
           CROSS JOIN LATERAL (
             SELECT (%(last)s::date - make_interval(months => k))::date AS period,
               ((%(last)s::date - make_interval(months => k))::date + 25) AS read_on,
               10000 + (a.id %% 5000) + ({BILL_MONTHS} - k) * 400 AS previous,
               round((120 + a.id %% 300) * {SEASON_SQL}[extract(month FROM
                 (%(last)s::date - make_interval(months => k)))::int], 1) AS kwh
           ) b
           CROSS JOIN LATERAL (
             SELECT round(b.kwh * 3.7834, 2) AS energy, round(b.kwh * 0.3972, 2) AS ft,
               24.62 AS service,
               round((round(b.kwh * 3.7834, 2) + round(b.kwh * 0.3972, 2) + 24.62)
                     * 0.07, 2) AS vat
           ) m
           CROSS JOIN LATERAL (
             SELECT CASE WHEN k = 0 OR (k = 1 AND a.id %% 20 = 0) THEN 'unpaid'
                         ELSE 'paid' END AS status
           ) s
           WHERE a.id > %(first)s""",
        {"last": last, "today": timezone.localdate(), "first": first},
    )
    return {
        "billing accounts": accounts,
        "bills": _one("SELECT count(*) FROM bills_bill"),
    }


# The check ------------------------------------------------------------------------

# Foreign keys checked after a load with the triggers off: (table, column,
# referenced table).
_KEYS = [
    (m._meta.db_table, f.column, f.related_model._meta.db_table)
    for m in LOADED
    for f in m._meta.concrete_fields
    if f.is_relation
]


def _rows(sql, params=None):
    with connection.cursor() as c:
        c.execute(sql, params)
        return c.fetchall()


def check():
    """Print the mix and verify what the load promises; raises on a broken key
    or an inconsistent tally."""
    req = "requests_app_servicerequest"
    states = [s for (s,) in _rows(f"SELECT DISTINCT state FROM {req} ORDER BY 1")]
    total = _one(f"SELECT count(*) FROM {req}")
    print(f"\n{total:,} requests\n\n| service | " + " | ".join(states) + " | all |")
    print("|---" * (len(states) + 2) + "|")
    grid = {}
    for code, state, n in _rows(
        f"SELECT s.code, r.state, count(*) FROM {req} r "
        "JOIN requests_app_servicetype s ON s.id = r.service_id GROUP BY 1, 2"
    ):
        grid.setdefault(code, {})[state] = n
    for code, row in sorted(grid.items(), key=lambda kv: -sum(kv[1].values())):
        cells = [f"{row[s]:,}" if s in row else "" for s in states]
        print(f"| {code} | " + " | ".join(cells) + f" | {sum(row.values()):,} |")
    print("\nTimeline per request (transition events; all events), by state:")
    for state, lo, avg, hi, allavg in _rows(
        f"""SELECT r.state, min(e.n), round(avg(e.n), 1), max(e.n), round(avg(e.a), 1)
            FROM {req} r JOIN (SELECT request_id, count(*) FILTER (WHERE kind =
              'transition') n, count(*) a FROM requests_app_requestevent GROUP BY 1) e
            ON e.request_id = r.id GROUP BY 1 ORDER BY 1"""
    ):
        print(f"  {state:22} {lo}–{hi} (avg {avg}); all events avg {allavg}")
    no_log = _one(
        f"SELECT count(*) FROM {req} r WHERE NOT EXISTS (SELECT 1 FROM "
        "requests_app_requestevent e WHERE e.request_id = r.id AND e.action = 'submit')"
    )
    print(f"  requests without their submission logged: {no_log}")
    bad_last = _one(
        f"""SELECT count(*) FROM {req} r JOIN LATERAL (SELECT to_state FROM
              requests_app_requestevent e WHERE e.request_id = r.id AND e.kind =
              'transition' ORDER BY created_at DESC, id DESC LIMIT 1) l ON true
            WHERE l.to_state <> r.state"""
    )
    print(f"  requests whose last logged transition is not their state: {bad_last}")
    print("\nClocks by status:", dict(_rows(
        "SELECT status, count(*) FROM sla_clock GROUP BY 1 ORDER BY 1")))  # fmt: skip
    running_final = _one(
        f"SELECT count(*) FROM sla_clock k JOIN {req} r ON r.id = k.request_id "
        "WHERE k.status IN ('running', 'paused') AND r.state IN "
        "('closed', 'cancelled', 'rejected')"
    )
    overdue = _one(
        "SELECT count(*) FROM sla_clock WHERE status = 'running' AND due_at <= now()"
    )
    print(f"  live clocks on finished requests: {running_final}; running past due: "
          f"{overdue:,}")  # fmt: skip
    print("\nMoney:", dict(_rows("""
        SELECT 'invoices ' || status, count(*) FROM payments_invoice GROUP BY status
        UNION ALL SELECT 'payments ' || method, count(*) FROM payments_payment
          GROUP BY method
        UNION ALL SELECT 'receipts', count(*) FROM payments_receipt
        UNION ALL SELECT 'receipts rendered', count(*) FROM payments_receipt
          WHERE rendered_at IS NOT NULL
        UNION ALL SELECT 'refunds ' || status, count(*) FROM payments_refund
          GROUP BY status ORDER BY 1""")))  # fmt: skip
    gaps = _one("""
        SELECT count(*) FROM (SELECT office_id, kind, be_year, max(seq) - count(*) d
          FROM payments_receipt GROUP BY 1, 2, 3) x WHERE d <> 0""")
    paid_no_receipt = _one("""
        SELECT count(*) FROM payments_payment p WHERE NOT EXISTS (
          SELECT 1 FROM payments_receipt r WHERE r.payment_id = p.id)""")
    print(f"  receipt series with gaps: {gaps}; payments without receipt: "
          f"{paid_no_receipt}")  # fmt: skip
    filed = _rows(
        f"SELECT min(created_at)::date, max(created_at)::date, "
        f"count(DISTINCT office_id), count(DISTINCT applicant_id) FROM {req}"
    )[0]
    print(f"\nFiled {filed[0]} – {filed[1]} at {filed[2]} branches by {filed[3]:,} "
          "customers")  # fmt: skip
    broken = []
    for table, col, ref in _KEYS:
        n = _one(
            f"SELECT count(*) FROM {table} t WHERE t.{col} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {ref} p WHERE p.id = t.{col})"
        )
        if n:
            broken.append((table, col, n))
    place = _one(
        f"SELECT count(*) FROM {req} r JOIN accounts_office b ON b.id = r.office_id "
        "JOIN accounts_office p ON p.id = b.parent_id WHERE r.province_id <> p.id "
        "OR r.region_id <> p.parent_id"
    )
    open_tally = _one("SELECT coalesce(sum(n), 0) FROM sla_opentally")
    open_rows = _one(f"SELECT count(*) FROM {req} WHERE state NOT IN "
                     "('closed', 'cancelled', 'rejected')")  # fmt: skip
    step = _rows("SELECT coalesce(sum(met), 0), coalesce(sum(missed), 0) "
                 "FROM sla_steptally")[0]  # fmt: skip
    clocks = _rows("SELECT count(*) FILTER (WHERE status = 'met'), count(*) FILTER "
                   "(WHERE status = 'missed') FROM sla_clock")[0]  # fmt: skip
    print(f"Tallies: open {open_tally:,} (rows {open_rows:,}); steps met/missed "
          f"{step[0]:,}/{step[1]:,} (clocks {clocks[0]:,}/{clocks[1]:,})")  # fmt: skip
    print(f"Broken foreign keys: {broken or 'none'}; wrong province/region: {place}")
    billing = _rows("""
        SELECT count(*), count(customer_id) FROM meters_electricityaccount
        WHERE source = 'billing'""")[0]
    bills = _rows("""
        SELECT count(*), count(*) FILTER (WHERE status = 'unpaid'),
          count(*) FILTER (WHERE status = 'unpaid' AND due_date < now()::date),
          count(*) FILTER (WHERE total <> energy_charge + ft + service_charge + vat
                           OR reading - previous_reading <> kwh)
        FROM bills_bill""")[0]
    per_account = _one(
        """
        SELECT count(*) FROM (SELECT account_id FROM bills_bill GROUP BY 1
          HAVING count(*) <> %s) x""",
        [BILL_MONTHS],
    )
    linked_id = _one("""
        SELECT count(*) FROM meters_electricityaccount a
        JOIN accounts_customerprofile p ON p.user_id = a.customer_id
        WHERE a.source = 'billing' AND a.holder_id <> p.national_id""")
    print(f"Billing accounts {billing[0]:,} ({billing[1]:,} linked); bills "
          f"{bills[0]:,} ({bills[1]:,} unpaid, {bills[2]:,} overdue); bills that do "
          f"not add up: {bills[3]}; accounts without {BILL_MONTHS} bills: "
          f"{per_account}; linked to another holder: {linked_id}")  # fmt: skip
    assert billing[0] and billing[1] and bills[2] and not bills[3]
    assert not per_account and not linked_id
    assert not broken and not place and not no_log and not bad_last
    assert not running_final and not gaps and not paid_no_receipt
    assert open_tally == open_rows and tuple(step) == tuple(clocks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true", help="print the mix, verify")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL (DATABASE_URL)")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seconds, _regions, _branches = load(args.n, seed=args.seed)
    print(f"loaded {args.n:,} requests in {seconds:.1f} s")
    if args.check:
        check()


if __name__ == "__main__":
    main()

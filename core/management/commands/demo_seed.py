"""Demo data: offices, staff, customers and requests in every state.

Requests are driven through the real services, so the timelines, invoices,
accounts and outbox look exactly like production ones. Idempotent: does
nothing when the demo offices already exist (use --reset on a scratch DB).
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from accounts.models import CustomerProfile, Office, OfficeContact, User
from meters.models import ElectricityAccount, MeterSize
from meters.selectors import default_meter_size
from meters.services import (
    adjusted_bill_open,
    adjusted_bill_order_disconnection,
    broken_meter_book,
    broken_meter_raise_debt,
    broken_meter_replace,
    covers_file,
    covers_quote,
    covers_record,
    disconnection_record,
    installation_record,
    meter_test_install_comparison,
    meter_test_record_result,
    reconnection_file,
    reconnection_record_done,
)
from payments.models import Refund
from payments.services import (
    deposit_record_meter_removal,
    deposit_record_payout,
    deposit_settle,
    estimate_decide,
    estimate_send,
    payment_record_cash,
    refund_approve,
    request_quote_fees,
)
from requests_app import services as rs
from requests_app.models import ServiceRequest, ServiceType

PASSWORD = "demo1234!"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

OFFICES = [
    (
        "R3",
        "การไฟฟ้าส่วนภูมิภาค เขต 3 (ภาคตะวันออกเฉียงเหนือ)",
        "PEA Region 3 (North-East)",
        "region",
        None,
    ),
    ("P301", "การไฟฟ้าส่วนภูมิภาคจังหวัดขอนแก่น", "PEA Khon Kaen Province", "province", "R3"),
    (
        "B30101",
        "การไฟฟ้าส่วนภูมิภาคอำเภอเมืองขอนแก่น",
        "PEA Mueang Khon Kaen Branch",
        "branch",
        "P301",
    ),
    ("B30102", "การไฟฟ้าส่วนภูมิภาคอำเภอบ้านไผ่", "PEA Ban Phai Branch", "branch", "P301"),
    ("P302", "การไฟฟ้าส่วนภูมิภาคจังหวัดอุดรธานี", "PEA Udon Thani Province", "province", "R3"),
    (
        "B30201",
        "การไฟฟ้าส่วนภูมิภาคอำเภอเมืองอุดรธานี",
        "PEA Mueang Udon Thani Branch",
        "branch",
        "P302",
    ),
]

STAFF = [
    ("counter", "counter", "สมศรี", "ใจดี", "B30101"),
    ("surveyor", "surveyor", "วิชัย", "ตรวจดี", "B30101"),
    ("technician", "technician", "ประสิทธิ์", "ติดตั้ง", "B30101"),
    ("supervisor", "supervisor", "มาลี", "ดูแล", "P301"),
    # A second supervisor of the province: imports the bank's settlement file,
    # so `supervisor` settles its lines (four eyes).
    ("finance", "supervisor", "นงลักษณ์", "บัญชีดี", "P301"),
    ("counter.udon", "counter", "อรุณ", "แสงทอง", "B30201"),
]

# The department heads the charter names as escalation owners: a breach of a
# meter test at B30101 goes to its own head of the meter department; the other
# departments' heads sit at the province office, so every branch below uses them.
# They have a mobile and an e-mail, so the outbox shows whom a breach reached.
HEADS = [
    ("head.meter", "สมพงษ์", "วัดแม่น", "B30101", "metering", "0891110001"),
    ("head.service", "ศิริพร", "บริการดี", "P301", "service", "0891110002"),
    ("head.billing", "ประภา", "เงินตรง", "P301", "billing", "0891110003"),
    ("head.network", "ชาญชัย", "สายดี", "P301", "network", "0891110004"),
]

# What each office's charter pages print under "If we are late": (office,
# department, phone, own title th/en or blank for the charter's). B30102 and
# P302 publish none: their pages use the province's, or 1129.
CONTACTS = [
    ("B30101", "service", "043-241-111", "", ""),
    ("B30101", "metering", "043-241-112", "", ""),
    ("P301", "service", "043-236-100", "", ""),
    ("P301", "billing", "043-236-101", "", ""),
    ("P301", "network", "043-236-102", "", ""),
    ("P301", "metering", "043-236-103", "", ""),
    (
        "B30201",
        "service",
        "042-221-111",
        "ผู้ช่วยผู้จัดการสาขา (ด้านบริการลูกค้า)",
        "Assistant branch manager (customer service)",
    ),
]

# Accounts the billing system holds (ECS / c-Service), with a year of bills
# its fake issued (bills.fake_billing): (CA, office, tariff, meter size,
# holder's login or None, holder's name and ID when not a login, linked?,
# nickname, unpaid bills at the end, of which overdue).
BILLING_ACCOUNTS = [
    ("020300100101", "B30101", "1.1.2", "15(45)-1", "0812345671", None, True,
     "บ้าน", 1, 0),
    ("020300100102", "B30101", "2.1.2", "30(100)-1", "0812345671", None, True,
     "ร้าน", 2, 1),
    ("020300100103", "B30101", "1.1.1", "5(15)-1", "0898765432", None, True,
     "Home", 1, 0),
    ("020300200201", "B30102", "2.1.2", "15(45)-3", "0861112222", None, True,
     "สาขาบ้านไผ่", 1, 0),
    # Alice's, not linked yet: her verified national ID links it at once.
    ("020300200202", "B30102", "1.1.1", "5(15)-1", "0812345671", None, False,
     "", 1, 0),
    # Someone else's: linked with a detail of one of its bills.
    ("020300100104", "B30101", "1.1.1", "5(15)-1", None,
     ("นางสมปอง ศรีสุข", "3101600456786"), False, "", 1, 0),
]  # fmt: skip
AUTO_LINK_CA = "020300200202"
# The deposit of each meter size (the new-connection fee schedule's).
DEPOSITS = {
    "5(15)-1": Decimal("300.00"),
    "15(45)-1": Decimal("2000.00"),
    "30(100)-1": Decimal("4000.00"),
    "15(45)-3": Decimal("6000.00"),
}
PROOF_LINK_CA = "020300100104"

CUSTOMERS = [
    # username/phone, first, last, national id, language
    ("0812345671", "สมชาย", "ใจงาม", "1101700203450", "th"),
    ("0898765432", "John", "Smith", "3100600123450", "en"),
]


def _documents(service, customer) -> dict:
    """A PDF for every document the service asks of this customer."""
    return {
        dt.pk: _pdf(f"{dt.code}.pdf")
        for dt in rs.required_document_types(
            service=service,
            applicant_kind=customer.profile.kind,
            by_representative=False,
        )
    }


def _untouched_accounts():
    """Accounts no demo request has used since their connection, so each demo
    story starts from a plain, live account."""
    return (
        ElectricityAccount.objects.annotate(n=Count("service_requests"))
        .filter(n=0)
        .order_by("pk")
    )


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class Command(BaseCommand):
    help = "Load demo offices, staff, customers and requests in every state."

    def handle(self, *args, **options):
        if Office.objects.filter(code="R3").exists():
            self.stdout.write("Demo data already loaded.")
            self._print_logins()
            return
        with transaction.atomic():
            self._load()
        self._print_logins()

    def _load(self):
        offices = {}
        for code, th, en, kind, parent in OFFICES:
            parent_obj = offices.get(parent)
            offices[code] = Office.objects.create(
                code=code,
                name_th=th,
                name_en=en,
                kind=kind,
                parent=parent_obj,
                path=(parent_obj.path if parent_obj else "") + code + "/",
                phone="1129",
            )
        staff = {}
        for username, role, first, last, office in STAFF:
            u = User(
                username=username,
                role=role,
                first_name=first,
                last_name=last,
                office=offices[office],
                is_staff=False,
            )
            u.set_password(PASSWORD)
            u.save()
            staff[username] = u
        for username, first, last, office, department, phone in HEADS:
            u = User(
                username=username,
                role="supervisor",
                first_name=first,
                last_name=last,
                office=offices[office],
                department=department,
                is_department_head=True,
                phone=phone,
                email=f"{username}@pea.local",
            )
            u.set_password(PASSWORD)
            u.save()
        for office, department, phone, title_th, title_en in CONTACTS:
            OfficeContact.objects.create(
                office=offices[office],
                department=department,
                phone=phone,
                title_th=title_th,
                title_en=title_en,
            )
        admin = User(
            username="admin",
            role="admin",
            is_staff=True,
            is_superuser=True,
            first_name="Admin",
            email="admin@pea.local",
        )
        admin.set_password(PASSWORD)
        admin.save()
        customers = []
        for phone, first, last, nid, lang in CUSTOMERS:
            u = User(
                username=phone,
                phone=phone,
                first_name=first,
                last_name=last,
                email=f"{phone}@example.test",
                preferred_language=lang,
            )
            u.set_password(PASSWORD)
            u.save()
            CustomerProfile.objects.create(
                user=u,
                kind="individual",
                national_id=nid,
                address="123 ถ.มิตรภาพ ต.ในเมือง อ.เมือง จ.ขอนแก่น",
                # Their ID cards were checked at the counter (bills.linking:
                # an account in that ID links without a bill's detail).
                id_verified_at=timezone.now() - timedelta(days=400),
                id_verified_by=staff["counter"],
            )
            customers.append(u)
        company = User(
            username="0861112222",
            phone="0861112222",
            first_name="วรรณา",
            last_name="ธุรกิจ",
            email="company@example.test",
        )
        company.set_password(PASSWORD)
        company.save()
        CustomerProfile.objects.create(
            user=company,
            kind="juristic",
            company_name="บริษัท ขอนแก่นค้าส่ง จำกัด",
            juristic_registration_no="0405559000123",
            vat_number="0405559000123",
            id_verified_at=timezone.now() - timedelta(days=400),
            id_verified_by=staff["counter"],
        )
        customers.append(company)
        self._history(customers, staff["counter"], offices["B30101"])
        self._requests(customers, staff, offices["B30101"])
        self._outages(offices, staff)
        self._voice(customers, offices["B30101"], staff["counter"])
        self._billing(offices)

    def _billing(self, offices):
        """Accounts imported from the billing system and a year of their bills
        as its fake issued them: paid at the bank as it says, but the last
        one or two; one of alice's is overdue. Alice also has an account not
        linked yet, and someone else's waits for a proof from a bill."""
        from bills import fake_billing
        from bills.models import Bill
        from bills.notices import bill_notices_sweep

        today = timezone.localdate()
        latest = fake_billing.month_start(today - timedelta(days=2))
        months = []
        for _ in range(12):
            months.insert(0, latest)
            latest = fake_billing.month_start(latest - timedelta(days=1))
        for (
            ca,
            office,
            tariff,
            size,
            login,
            other,
            linked,
            nickname,
            unpaid,
            overdue,
        ) in BILLING_ACCOUNTS:
            user = User.objects.get(username=login) if login else None
            if user is None:
                holder_name, holder_id = other
            elif user.profile.kind == CustomerProfile.Kind.JURISTIC:
                holder_name = user.profile.company_name
                holder_id = user.profile.juristic_registration_no
            else:
                holder_name = user.get_full_name()
                holder_id = user.profile.national_id
            account = ElectricityAccount.objects.create(
                ca_number=ca,
                source=ElectricityAccount.Source.BILLING,
                customer=user if linked else None,
                linked_at=timezone.now() - timedelta(days=400) if linked else None,
                nickname=nickname,
                holder_name=holder_name,
                holder_id=holder_id,
                tariff=tariff,
                meter_serial=f"EM{ca[-8:]}",
                meter_size_code=size,
                deposit_held=DEPOSITS[size],
                office=offices[office],
                premises_address=f"{ca[-3:]} หมู่ 5 ต.ในเมือง อ.เมือง",
                feeder="KKA-02",
            )
            bills = []
            for i, period in enumerate(months):
                read_on = None
                if i == len(months) - 1:
                    # The newest bill was read two days ago: not due yet.
                    read_on = today - timedelta(days=2)
                elif i == len(months) - 2 and overdue:
                    # The one before, past its due date whatever today is.
                    read_on = min(
                        period.replace(day=fake_billing.reading_day(ca)),
                        today - timedelta(days=10),
                    )
                bills.append(
                    fake_billing.bill_issue(
                        account=account, period=period, read_on=read_on
                    )
                )
            for bill in bills[: len(bills) - unpaid]:
                fake_billing.bill_settle_elsewhere(
                    bill=bill,
                    paid_at=fake_billing.at_ten(bill.read_on + timedelta(days=3)),
                )
            # Told of every bill but the newest (the notice sweep tells of
            # it), and reminded of the overdue ones.
            told = [b.pk for b in bills[:-1]]
            Bill.objects.filter(pk__in=told).update(issue_notice_at=F("created_at"))
            late = [b.pk for b in bills[len(bills) - unpaid : -1]][:overdue]
            Bill.objects.filter(pk__in=late).update(reminder_at=F("created_at"))
        # The SMS and e-mail of the newest bills, in the outbox (bills.notices).
        bill_notices_sweep()

    def _history(self, customers, counter, office):
        """Twelve weeks of past requests, run through the services at their own
        (past) times, so the SLA dashboard has a trend: each week some were
        accepted within 2 working hours, some later. They were withdrawn
        afterwards, so nothing of this history is still open."""
        from unittest import mock

        from core.calendar import next_opening

        service = ServiceType.objects.get(code="new-connection")
        size = MeterSize.objects.get(code="5(15)-1")
        today = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
        for week in range(12, 0, -1):
            monday = today - timedelta(days=today.weekday(), weeks=week)
            filed = next_opening(monday)
            late_ones = (week * 7) % 4  # 0-3 of 5 accepted late, varying by week
            for i in range(5):
                customer = customers[i % len(customers)]
                at = filed + timedelta(hours=i)
                with mock.patch("django.utils.timezone.now", return_value=at):
                    r = rs.request_submit(
                        applicant=customer,
                        service=service,
                        created_by=customer,
                        documents=_documents(service, customer),
                        data={
                            "office": office,
                            "premises_address": "12 หมู่ 4 ต.ศิลา",
                            "premises_province": "ขอนแก่น",
                            "meter_size": size,
                            "contact_phone": customer.phone,
                        },
                    )
                delay = timedelta(hours=5 if i < late_ones else 1)
                with mock.patch("django.utils.timezone.now", return_value=at + delay):
                    r = rs.request_accept(request=r, user=counter)
                    rs.request_cancel(
                        request=r, user=customer, reason="ขอยกเลิก (ข้อมูลตัวอย่างย้อนหลัง)"
                    )

    def _requests(self, customers, staff, office):
        service = ServiceType.objects.get(code="new-connection")
        counter, surveyor, tech = (
            staff["counter"],
            staff["surveyor"],
            staff["technician"],
        )
        sizes = list(
            MeterSize.objects.filter(code__in=["5(15)-1", "15(45)-1", "30(100)-1"])
        )
        later = timezone.now() + timedelta(days=2)
        addresses = [
            "45/2 หมู่ 3 ต.ศิลา อ.เมือง",
            "88 ถ.ศรีจันทร์ ต.ในเมือง อ.เมือง",
            "9 หมู่ 7 ต.บ้านทุ่ม อ.เมือง",
            "210 ถ.กลางเมือง ต.ในเมือง อ.เมือง",
        ]

        def new(i):
            customer = customers[i % len(customers)]
            docs = _documents(service, customer)
            return rs.request_submit(
                applicant=customer,
                service=service,
                created_by=customer,
                documents=docs,
                data={
                    "office": office,
                    "premises_address": addresses[i % len(addresses)],
                    "premises_province": "ขอนแก่น",
                    "meter_size": sizes[i % len(sizes)],
                    "contact_phone": customer.phone,
                },
            )

        def fresh(r):
            return ServiceRequest.objects.get(pk=r.pk)

        def walk(r, upto):
            steps = [
                ("accepted", lambda r: rs.request_accept(request=r, user=counter)),
                (
                    "survey_booked",
                    lambda r: rs.request_book_survey(
                        request=r, user=counter, scheduled_for=later, assignee=surveyor
                    ),
                ),
                (
                    "surveyed",
                    lambda r: rs.request_record_survey(
                        request=r,
                        user=surveyor,
                        passed=True,
                        findings="สายเมนและหลักดินได้มาตรฐาน",
                    ),
                ),
                ("fees_quoted", lambda r: request_quote_fees(request=r, user=counter)),
                (
                    "paid",
                    lambda r: payment_record_cash(
                        invoice=r.invoices.get(status="unpaid"),
                        user=counter,
                        amount=r.invoices.get(status="unpaid").total,
                    ),
                ),
                (
                    "installation_booked",
                    lambda r: rs.request_book_installation(
                        request=r, user=counter, scheduled_for=later, assignee=tech
                    ),
                ),
                (
                    "closed",
                    lambda r: installation_record(
                        request=r,
                        user=tech,
                        serial=f"PEA{r.pk:08d}",
                        first_reading=Decimal("0.0"),
                    ),
                ),
            ]
            for state, step in steps:
                step(fresh(r))
                if state == upto:
                    break
            return fresh(r)

        n = 0
        for upto in [
            "submitted",
            "submitted",
            "accepted",
            "survey_booked",
            "surveyed",
            "fees_quoted",
            "paid",
            "installation_booked",
            *["closed"] * 18,  # accounts for the services of existing customers
        ]:
            r = new(n)
            n += 1
            if upto != "submitted":
                walk(r, upto)
        r = new(n)
        n += 1  # noqa: E702
        rs.request_return_for_documents(
            request=r, user=counter, reason="สำเนาทะเบียนบ้านไม่ชัด กรุณาแนบใหม่"
        )
        r = walk(new(n), "survey_booked")
        n += 1  # noqa: E702
        rs.request_record_survey(
            request=r,
            user=surveyor,
            passed=False,
            findings="สายดินไม่ได้มาตรฐาน ต้องติดตั้งหลักดินใหม่",
        )
        r = new(n)
        n += 1  # noqa: E702
        rs.request_cancel(request=r, user=r.applicant, reason="ย้ายที่อยู่")
        r = new(n)
        n += 1  # noqa: E702
        rs.request_reject(request=r, user=counter, reason="สถานที่อยู่นอกเขตให้บริการของสาขา")
        self._bank_file([walk(new(n + i), "fees_quoted") for i in range(2)])
        self._meter_tests(counter, tech, later)
        self._reconnections(counter, tech)
        self._deposit_refunds(counter, tech)
        self._extensions(customers, counter, staff["surveyor"], tech, office, later)
        self._corrections(customers, counter, staff["surveyor"], tech, office, later)
        self._covers(customers, counter, tech, office, later)
        self._upgrades(counter, staff["surveyor"], tech, later)
        self._broken_meters(counter, tech, later)
        self._adjusted_bills(counter)

    def _adjusted_bills(self, counter):
        """Adjusted bills (§3.10): opened, first notice, second notice, paid, and
        unpaid after two notices (disconnection ordered)."""
        accounts = list(_untouched_accounts()[:5])
        plan = ("submitted", "fees_quoted", "second_notice", "paid", "disconnection")
        for account, upto in zip(accounts, plan, strict=False):
            case = adjusted_bill_open(
                account=account,
                user=counter,
                evidence="ซีลมิเตอร์ถูกตัด พบการต่อสายตรง",
                history_kwh=[Decimal(210), Decimal(198), Decimal(225)],
                months=4,
                billed_kwh=Decimal("300.0"),
                rate=Decimal("4.1815"),
            )
            if upto == "submitted":
                continue
            case = rs.request_step(
                request=case,
                user=counter,
                name="send_first_notice",
                note="ผู้ใช้ไฟลงนามรับทราบ",
            )
            if upto == "fees_quoted":
                continue
            case = rs.request_step(
                request=case, user=counter, name="send_second_notice"
            )
            if upto == "paid":
                invoice = case.invoices.get(status="unpaid")
                payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
            elif upto == "disconnection":
                adjusted_bill_order_disconnection(request=case, user=counter)

    def _broken_meters(self, counter, tech, later):
        """Broken meters (§3.8): natural (replaced, form มต.75) and user-caused."""
        accounts = list(
            ElectricityAccount.objects.select_related("customer", "meter__size")
        )
        for i, upto in enumerate(("closed", "fees_quoted", "accepted")):
            r = self._account_request(
                "broken-meter", accounts[i % len(accounts)], "หน้าจอมิเตอร์ดับ"
            )
            r = rs.request_accept(request=r, user=counter)
            if upto == "fees_quoted":
                broken_meter_raise_debt(
                    request=r,
                    user=counter,
                    amount=Decimal("1448.00"),
                    cause_details="ฝาครอบมิเตอร์แตก ถูกงัด",
                )
            elif upto == "closed":
                r = broken_meter_book(
                    request=r, user=counter, scheduled_for=later, assignee=tech
                )
                broken_meter_replace(
                    request=r,
                    user=tech,
                    old_reading=Decimal("7421.0"),
                    new_serial=f"NEW{r.pk:06d}",
                    new_reading=Decimal("0.0"),
                    left_in_mailbox=True,
                )

    def _account_request(self, code, account, note):
        service = ServiceType.objects.get(code=code)
        customer = account.customer
        docs = _documents(service, customer)
        return rs.request_submit(
            applicant=customer,
            service=service,
            created_by=customer,
            documents=docs,
            data={
                "office": account.office,
                "premises_address": account.premises_address,
                "meter_size": account.meter.size,
                "account": account,
                "contact_phone": customer.phone,
                "note": note,
            },
        )

    def _upgrades(self, counter, surveyor, tech, later):
        """Meter size upgrades (§3.5): just filed, waiting for the inspection,
        waiting for payment, and done (the account keeps its number)."""
        service = ServiceType.objects.get(code="meter-upgrade")
        accounts = list(
            _untouched_accounts()
            .exclude(meter__size__code="30(100)-1")
            .select_related("customer", "office")[:4]
        )
        plan = ("submitted", "survey_booked", "fees_quoted", "closed")
        for account, upto in zip(accounts, plan, strict=False):
            customer = account.customer
            r = rs.request_submit(
                applicant=customer,
                service=service,
                created_by=customer,
                documents=_documents(service, customer),
                data={
                    "office": account.office,
                    "premises_address": account.premises_address,
                    "meter_size": MeterSize.objects.get(code="30(100)-1"),
                    "account": account,
                    "contact_phone": customer.phone,
                    "note": "ติดเครื่องปรับอากาศเพิ่ม 3 เครื่อง",
                },
            )
            if upto == "submitted":
                continue
            r = rs.request_accept(request=r, user=counter)
            r = rs.request_book_survey(
                request=r, user=counter, scheduled_for=later, assignee=surveyor
            )
            if upto == "survey_booked":
                continue
            r = rs.request_record_survey(request=r, user=surveyor, passed=True)
            invoice = request_quote_fees(request=r, user=counter)
            if upto == "fees_quoted":
                continue
            payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
            r = rs.request_book_installation(
                request=ServiceRequest.objects.get(pk=r.pk),
                user=counter,
                scheduled_for=later,
                assignee=tech,
            )
            installation_record(
                request=r,
                user=tech,
                serial=f"UPG{r.pk:07d}",
                first_reading=Decimal("0.0"),
            )

    def _covers(self, customers, counter, tech, office, later):
        """Cover rentals (§3.13): waiting for payment, covers on, covers off."""
        service = ServiceType.objects.get(code="insulation-covers")
        for i, upto in enumerate(("fees_quoted", "covers_installed", "closed")):
            customer = customers[i % len(customers)]
            docs = _documents(service, customer)
            r = covers_file(
                applicant=customer,
                service=service,
                covers=6,
                days=10,
                documents=docs,
                created_by=customer,
                data={
                    "office": office,
                    "premises_address": "อาคารพาณิชย์ ถ.หน้าเมือง",
                    "premises_province": "ขอนแก่น",
                    "meter_size": default_meter_size(),
                    "contact_phone": customer.phone,
                },
            )
            r = rs.request_accept(request=r, user=counter)
            covers_quote(request=r, user=counter)
            if upto == "fees_quoted":
                continue
            r = ServiceRequest.objects.get(pk=r.pk)
            invoice = r.invoices.get()
            payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
            r = rs.request_book_covers(
                request=ServiceRequest.objects.get(pk=r.pk),
                user=counter,
                scheduled_for=later,
                assignee=tech,
            )
            r = covers_record(request=r, user=tech, name="install_covers")
            if upto == "closed":
                covers_record(request=r, user=tech, name="remove_covers")

    def _corrections(self, customers, counter, surveyor, tech, office, later):
        """Grid corrections (§3.11/§3.12) from filing to work done."""
        for i, (code, upto) in enumerate(
            [
                ("correction-public", "submitted"),
                ("correction-public", "approved"),
                ("correction-public", "closed"),
                ("correction-premises", "survey_booked"),
                ("correction-premises", "budget_requested"),
                ("correction-premises", "budget_approved"),
                ("correction-premises", "outage_announced"),
                ("correction-premises", "closed"),
            ]
        ):
            service = ServiceType.objects.get(code=code)
            customer = customers[i % len(customers)]
            docs = _documents(service, customer)
            r = rs.request_submit(
                applicant=customer,
                service=service,
                created_by=customer,
                documents=docs,
                data={
                    "office": office,
                    "premises_address": "หน้าโรงเรียนบ้านหนองไผ่ ต.บ้านค้อ",
                    "premises_province": "ขอนแก่น",
                    "meter_size": MeterSize.objects.get(code="5(15)-1"),
                    "contact_phone": customer.phone,
                    "note": "เสาไฟฟ้าเอียง สายหย่อนต่ำ",
                },
            )
            if upto == "submitted":
                continue
            r = rs.request_accept(request=r, user=counter)
            r = rs.request_book_survey(
                request=r, user=counter, scheduled_for=later, assignee=surveyor
            )
            if upto == "survey_booked":
                continue
            r = rs.request_record_site_survey(
                request=r, user=surveyor, findings="เปลี่ยนเสา 1 ต้น"
            )
            r = rs.request_approve(request=r, user=counter)
            if upto == "approved":
                continue
            if code == "correction-premises":  # §3.12: the budget first
                r = rs.request_budget_request(
                    request=r,
                    user=counter,
                    amount=Decimal("48500.00"),
                    request_number=f"งบ-{r.pk:05d}",
                )
                if upto == "budget_requested":
                    continue
                r = rs.request_budget_approve(
                    request=r, user=counter, approval_number=f"อนม-{r.pk:05d}"
                )
                if upto == "budget_approved":
                    continue
            r = rs.request_announce_outage(
                request=r, user=counter, outage_at=timezone.now() + timedelta(days=9)
            )
            if upto == "closed":
                rs.request_finish(
                    request=r,
                    user=tech,
                    name="finish_work",
                    note="เปลี่ยนเสาและปรับสายแล้ว",
                )

    def _extensions(self, customers, counter, surveyor, tech, office, later):
        """Grid extensions (§3.2–§3.4) from survey to construction."""
        plan = [
            ("grid-extension", "estimate_sent"),
            ("grid-extension", "construction"),
            ("grid-extension", "closed"),
            ("dedicated-extension-pea", "estimate_sent"),
            ("dedicated-extension-pea", "fees_quoted"),
            ("dedicated-extension-pea", "closed"),
            ("dedicated-extension-self", "estimate_sent"),
            ("dedicated-extension-self", "fees_quoted"),
            ("dedicated-extension-self", "closed"),
        ]
        for i, (code, upto) in enumerate(plan):
            service = ServiceType.objects.get(code=code)
            customer = customers[i % len(customers)]
            docs = _documents(service, customer)
            r = rs.request_submit(
                applicant=customer,
                service=service,
                created_by=customer,
                documents=docs,
                data={
                    "office": office,
                    "premises_address": "หมู่ 9 บ้านโนนสว่าง ต.ท่าพระ อ.เมือง",
                    "premises_province": "ขอนแก่น",
                    "meter_size": MeterSize.objects.get(code="15(45)-3"),
                    "contact_phone": customer.phone,
                },
            )
            r = rs.request_accept(request=r, user=counter)
            r = rs.request_book_survey(
                request=r, user=counter, scheduled_for=later, assignee=surveyor
            )
            r = rs.request_record_site_survey(
                request=r, user=surveyor, findings="ปักเสา 4 ต้น ระยะ 160 เมตร"
            )
            r = estimate_send(
                request=r,
                user=counter,
                amount=Decimal("48150.00"),
                details="เสาคอนกรีต 9 เมตร 4 ต้น สายอะลูมิเนียม 160 เมตร",
            )
            if upto == "estimate_sent":
                continue
            r = estimate_decide(request=r, user=customer, accept=True)
            if upto == "fees_quoted":
                continue
            invoice = r.invoices.get(status="unpaid")
            payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
            r = rs.request_start_construction(
                request=ServiceRequest.objects.get(pk=r.pk),
                user=counter,
                scheduled_for=later,
                assignee=tech,
            )
            if upto == "closed":
                rs.request_finish(request=r, user=tech, name="finish_construction")

    def _deposit_refunds(self, counter, tech):
        """Deposit refunds (§3.9) in the states after acceptance."""
        service = ServiceType.objects.get(code="deposit-refund")
        accounts = list(
            ElectricityAccount.objects.select_related("customer", "meter__size")
        )
        for account, upto in zip(
            accounts, ("meter_removed", "settled", "closed"), strict=False
        ):
            customer = account.customer
            docs = _documents(service, customer)
            r = rs.request_submit(
                applicant=customer,
                service=service,
                created_by=customer,
                documents=docs,
                data={
                    "office": account.office,
                    "premises_address": account.premises_address,
                    "meter_size": account.meter.size,
                    "account": account,
                    "contact_phone": customer.phone,
                    "note": "ย้ายไปต่างจังหวัด",
                },
            )
            # A company's certificate: staff read its issue date (≤ 1 month).
            issued = {"company-certificate": timezone.localdate() - timedelta(days=5)}
            r = rs.request_accept(request=r, user=counter, issued_on=issued)
            r = deposit_record_meter_removal(
                request=r, user=tech, final_reading=Decimal("9120.4")
            )
            if upto == "meter_removed":
                continue
            r = deposit_settle(request=r, user=counter, final_bill=Decimal("185.25"))
            if upto == "closed":
                supervisor = User.objects.get(username="supervisor")
                refund_approve(refund=Refund.objects.get(request=r), user=supervisor)
                deposit_record_payout(request=r, user=counter, holder_id_checked=True)

    def _outages(self, offices, staff):
        """Offices on the map, accounts on feeders, and incidents in each
        state: a fallen line with two reports, one dispatched with an
        estimate, one restored."""
        from outages import services as o

        for code, point in (
            ("B30101", (16.4322, 102.8236)),
            ("B30102", (16.0619, 102.7300)),
            ("B30201", (17.4138, 102.7872)),
        ):
            Office.objects.filter(code=code).update(lat=point[0], lon=point[1])
        accounts = list(ElectricityAccount.objects.order_by("pk"))
        for i, account in enumerate(accounts):
            account.feeder = f"KKA-0{1 + i % 3}"
            account.save(update_fields=["feeder"])
        branch, counter = offices["B30101"], staff["counter"]
        now = timezone.now()
        o.outage_report(
            symptom="line_down",
            office=branch,
            lat=16.4410,
            lon=102.8350,
            address="หน้าตลาดบางลำภู ถ.หน้าเมือง",
            phone="0867770001",
            name="ประยุทธ",
            now=now - timedelta(minutes=25),
        )
        o.outage_report(
            symptom="area_dark",
            office=branch,
            lat=16.4425,
            lon=102.8362,
            phone="0867770002",
            now=now - timedelta(minutes=20),
        )
        if accounts:
            on_feeder = o.outage_report(
                symptom="area_dark",
                account=accounts[0],
                reporter=accounts[0].customer,
                now=now - timedelta(minutes=40),
            )
            o.incident_dispatch(
                incident=on_feeder.incident,
                user=counter,
                crew=User.objects.get(username="technician"),
                eta=now + timedelta(hours=2),
                message="พบหม้อแปลงชำรุด กำลังเปลี่ยน",
            )
        old = o.outage_report(
            symptom="house_only",
            office=branch,
            address="12 ซ.3",
            phone="0867770003",
            now=now - timedelta(hours=5),
        )
        o.incident_restore(
            incident=old.incident, user=counter, message="เปลี่ยนฟิวส์หน้าบ้านแล้ว"
        )

    def _voice(self, customers, office, counter):
        """Complaints in each state, a compliment, and ratings of closed
        requests (one low, with a comment)."""
        from requests_app.flows import as_flow
        from voc.models import Category
        from voc.services import rating_submit, voice_submit

        def say(customer, kind, code, subject, body):
            return voice_submit(
                customer=customer,
                kind=kind,
                category=Category.objects.get(code=code),
                office=office,
                subject=subject,
                body=body,
            )

        say(
            customers[0],
            "complaint",
            "bill",
            "ค่าไฟเดือนนี้สูงผิดปกติ",
            "ค่าไฟเดือนตุลาคมสูงกว่าเดือนก่อนสามเท่า ทั้งที่ใช้ไฟเท่าเดิม",
        )
        ack = say(
            customers[1],
            "complaint",
            "trees-poles",
            "Tree branches on the line",
            "Branches touch the line in front of 88 Srichan Rd.",
        )
        rs.request_step(request=as_flow(ack), user=counter, name="acknowledge")
        done = say(
            customers[0], "complaint", "waiting", "รอคิวนาน", "รอที่เคาน์เตอร์เกือบสองชั่วโมง"
        )
        rs.request_finish(
            request=as_flow(done),
            user=counter,
            name="resolve",
            note="เพิ่มช่องบริการช่วงเช้าแล้ว ขออภัยในความไม่สะดวก",
        )
        say(
            customers[1],
            "compliment",
            "staff-service",
            "Helpful staff",
            "The counter clerk explained every fee clearly.",
        )
        idea = say(
            customers[0],
            "suggestion",
            "other",
            "อยากให้มีแจ้งเตือนทาง LINE",
            "ขอให้แจ้งเตือนนัดหมายทาง LINE ด้วย",
        )
        rs.request_step(request=as_flow(idea), user=counter, name="acknowledge")
        thanks = say(
            customers[0],
            "compliment",
            "staff-service",
            "ขอบคุณช่างประสิทธิ์",
            "ช่างติดตั้งมิเตอร์เรียบร้อยและอธิบายดีมาก",
        )
        rs.request_finish(
            request=as_flow(thanks),
            user=counter,
            name="resolve",
            note="ส่งคำชมถึงหัวหน้างานแล้ว ขอบคุณค่ะ",
        )
        closed = ServiceRequest.objects.filter(
            state="closed", applicant__in=customers[:2]
        ).order_by("pk")
        for r, (score, comment) in zip(
            closed,
            [(5, "รวดเร็วมาก"), (4, ""), (2, "ช่างมาช้ากว่านัด"), (5, "")],
            strict=False,
        ):
            rating_submit(request=r, user=r.applicant, score=score, comment=comment)

    def _bank_file(self, quoted):
        """Today's settlement file from the bank: one Thai QR payment we were
        notified of (listed twice: a duplicate to refund) and one we never
        heard of (to post as the payment after review)."""
        from payments import settlement
        from payments.models import Invoice
        from payments.provider import CallbackEvent
        from payments.services import (
            provider_event_apply,
            provider_event_store,
            settlement_reconcile,
            settlement_upload,
        )

        notified, missed = (Invoice.objects.get(request=r) for r in quoted)
        event, _created = provider_event_store(
            CallbackEvent(
                event_id="demo-bank-1",
                kind="charge.succeeded",
                transaction_id="demo-bank-1",
                invoice_number=notified.payment_ref,
                amount=notified.total,
                currency="THB",
                payload={},
            )
        )
        provider_event_apply(event_pk=event.pk)
        now = timezone.now()
        lines = [
            settlement.Line(
                seq=0,
                paid_at=now - timedelta(minutes=m),
                name="DEMO PAYER",
                ref1=invoice.payment_ref,
                ref2="",
                amount=invoice.total,
                channel="MOB",
            )
            for invoice, m in ((notified, 50), (notified, 40), (missed, 30))
        ]
        data = settlement.write(
            bank="014",
            account="4071234567",
            effective=timezone.localdate(),
            lines=lines,
        )
        s = settlement_upload(
            filename=f"BBL-{timezone.localdate():%Y%m%d}.txt",
            data=data,
            user=User.objects.get(username="finance"),
            schedule=False,
        )
        settlement_reconcile(settlement_id=s.pk)

    def _reconnections(self, counter, tech):
        """Reconnections (§3.7): disconnected 3, 12 and 40 days ago; one done."""
        service = ServiceType.objects.get(code="reconnection")
        today = timezone.localdate()
        accounts = list(
            ElectricityAccount.objects.select_related("customer", "meter__size")
        )
        for account, days, offset, upto in zip(
            accounts,
            (3, 12, 40),
            (False, False, True),
            ("fees_quoted", "paid", "closed"),
            strict=False,
        ):
            disconnection_record(
                account=account,
                disconnected_on=today - timedelta(days=days),
                outstanding=Decimal("1284.50"),
                deposit_offset=offset,
                user=counter,
            )
            r = reconnection_file(
                applicant=account.customer,
                service=service,
                account=account,
                data={"contact_phone": account.customer.phone},
                created_by=account.customer,
            )
            if upto in ("paid", "closed"):
                invoice = r.invoices.get()
                payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
            if upto == "closed":
                reconnection_record_done(
                    request=ServiceRequest.objects.get(pk=r.pk),
                    user=tech,
                    note="ต่อกลับเรียบร้อย",
                )

    def _meter_tests(self, counter, tech, later):
        """Meter accuracy tests (§3.6) on the accounts the closed requests opened."""
        service = ServiceType.objects.filter(
            code="meter-test", flow="meter_test"
        ).first()
        if service is None:
            return
        accounts = list(
            ElectricityAccount.objects.select_related("customer", "meter__size")
        )

        def fresh(r):
            return ServiceRequest.objects.get(pk=r.pk)

        def pay(r):
            invoice = r.invoices.get(status="unpaid")
            payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)

        steps = [
            ("accepted", lambda r: rs.request_accept(request=r, user=counter)),
            ("fees_quoted", lambda r: request_quote_fees(request=r, user=counter)),
            ("paid", pay),
            (
                "test_booked",
                lambda r: rs.request_book_test(
                    request=r, user=counter, scheduled_for=later, assignee=tech
                ),
            ),
            (
                "comparison_installed",
                lambda r: meter_test_install_comparison(
                    request=r,
                    user=tech,
                    comparison_serial=f"CMP{r.pk:06d}",
                    meter_start=Decimal("1520.0"),
                    comparison_start=Decimal("0.0"),
                    customer_signed=True,
                ),
            ),
        ]
        plan = [
            "submitted",
            "paid",
            "test_booked",
            "comparison_installed",
            "faulty",
            "normal",
        ]
        for i, upto in enumerate(plan):
            account = accounts[i % len(accounts)]
            customer = account.customer
            docs = _documents(service, customer)
            r = rs.request_submit(
                applicant=customer,
                service=service,
                created_by=customer,
                documents=docs,
                data={
                    "office": account.office,
                    "premises_address": account.premises_address,
                    "meter_size": account.meter.size,
                    "account": account,
                    "contact_phone": customer.phone,
                    "note": "มิเตอร์หมุนเร็วผิดปกติ ค่าไฟสูงกว่าทุกเดือน",
                },
            )
            for state, step in steps:
                if upto == "submitted":
                    break
                step(fresh(r))
                if state == upto:
                    break
            if upto in ("faulty", "normal"):
                meter_test_record_result(
                    request=fresh(r),
                    user=tech,
                    faulty=upto == "faulty",
                    meter_end=Decimal("1655.0")
                    if upto == "faulty"
                    else Decimal("1620.2"),
                    comparison_end=Decimal("100.0"),
                    customer_signed=True,
                )

    def _print_logins(self):
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins (password for all: {PASSWORD})")
        )
        rows = [
            ("customer (Thai)", "0812345671"),
            ("customer (English)", "0898765432"),
            ("juristic customer", "0861112222"),
            ("counter staff", "counter"),
            ("surveyor", "surveyor"),
            ("technician", "technician"),
            ("supervisor", "supervisor"),
            ("second supervisor (bank file)", "finance"),
            ("head of the meter dept.", "head.meter"),
            ("staff of another office", "counter.udon"),
            ("administrator (/admin/)", "admin"),
        ]
        for who, login in rows:
            self.stdout.write(f"  {who:<26} {login}")
        self.stdout.write(
            f"Accounts to link (My accounts & bills, /bills/accounts/): as "
            f"0812345671, add CA {AUTO_LINK_CA} (her national ID is its "
            f"holder's: linked at once); as anyone, add CA {PROOF_LINK_CA} with "
            f"its meter number EM{PROOF_LINK_CA[-8:]} or the amount of one of "
            "its last three bills (staff see them at /staff/bills/)."
        )

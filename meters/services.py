from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import sequence_next
from meters.models import (
    Contract,
    CoverRental,
    Disconnection,
    ElectricityAccount,
    Installation,
    Meter,
    MeterReplacement,
    MeterTest,
)
from meters.selectors import account_meter_serial, account_meter_size
from payments.models import FeeItem, Invoice, InvoiceLine
from payments.selectors import fees_in_force
from requests_app.machine import authorize, request_transition
from requests_app.notes import SystemMessage


def installation_record(
    *, request, user, serial: str, first_reading: Decimal, expected_state=None
):
    """The technician's record; closing follows at once with the Move-In."""
    request = authorize(
        request=request,
        user=user,
        name="record_installation",
        expected_state=expected_state,
    )
    serial = serial.strip().upper()
    if not serial:
        raise ValidationError({"serial": _("Enter the meter's serial number.")})
    if first_reading is None or Decimal(first_reading) < 0:
        raise ValidationError(
            {"first_reading": _("Enter the first reading (0 or more).")}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            meter = Meter.objects.create(serial=serial, size=request.meter_size)
            request = request_transition(
                request=request,
                user=user,
                name="record_installation",
                expected_state=expected_state,
                notify=False,
                at=now,
                note=SystemMessage(
                    "meter_installed", serial=serial, reading=str(first_reading)
                ),
            )
            Installation.objects.create(
                request=request,
                meter=meter,
                first_reading=first_reading,
                technician=user,
                installed_at=now,
            )
            if request.account_id:  # meter upgrade: the account keeps its CA
                old = account_replace_meter(account=request.account, meter=meter)
                note = SystemMessage(
                    "meter_replaced",
                    old=str(old),
                    new=meter.serial,
                    ca=request.account.ca_number,
                )
            else:
                account = account_move_in(request=request, meter=meter)
                note = SystemMessage("account_opened", ca=account.ca_number)
            request_transition(
                request=request,
                user=user,
                name="close",
                expected_state=None,
                at=now,
                note=note,
            )
    except IntegrityError as exc:
        if Meter.objects.filter(serial=serial).exists():
            raise ValidationError(
                {"serial": _("This meter serial is already installed elsewhere.")}
            ) from exc
        raise
    return request


def account_replace_meter(*, account, meter) -> str:
    """Put a new meter on an account; returns the old meter's serial."""
    old = account_meter_serial(account)
    ElectricityAccount.objects.filter(pk=account.pk).update(meter=None)
    ElectricityAccount.objects.filter(pk=account.pk).update(meter=meter)
    account.meter = meter
    return old


def account_move_in(*, request, meter) -> ElectricityAccount:
    """Automatic Move-In: the electricity account (CA) and the contract."""
    number = sequence_next(key="ca")
    account = ElectricityAccount.objects.create(
        ca_number=f"020{number:09d}",
        customer=request.applicant,
        office=request.office,
        request=request,
        premises_address=request.premises_address,
        meter=meter,
    )
    deposit = sum(
        InvoiceLine.objects.filter(
            invoice__request=request,
            invoice__status=Invoice.Status.PAID,
            kind=FeeItem.Kind.DEPOSIT,
        ).values_list("amount", flat=True),
        Decimal("0.00"),
    )
    Contract.objects.create(
        account=account,
        number=f"C{account.ca_number}",
        customer=request.applicant,
        deposit=deposit,
        starts_on=timezone.localdate(),
    )
    return account


def meter_test_install_comparison(
    *,
    request,
    user,
    comparison_serial: str,
    meter_start: Decimal,
    comparison_start: Decimal,
    customer_signed: bool,
    expected_state=None,
):
    """The comparison meter goes in beside the customer's, who checks the
    readings and signs (charter §3.6)."""
    request = authorize(
        request=request,
        user=user,
        name="install_comparison",
        expected_state=expected_state,
    )
    errors = {}
    if not comparison_serial.strip():
        errors["comparison_serial"] = _("Enter the comparison meter's serial number.")
    if not customer_signed:
        errors["customer_signed"] = _(
            "The customer (or their representative) must check the readings and sign."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        MeterTest.objects.create(
            request=request,
            comparison_serial=comparison_serial.strip().upper(),
            meter_start=meter_start,
            comparison_start=comparison_start,
            installed_at=now,
            installed_by=user,
            customer_signed_install=True,
        )
        return request_transition(
            request=request,
            user=user,
            name="install_comparison",
            expected_state=expected_state,
            note=SystemMessage(
                "comparison_installed",
                serial=comparison_serial.strip().upper(),
                m=str(meter_start),
                c=str(comparison_start),
            ),
        )


def meter_test_record_result(
    *,
    request,
    user,
    faulty: bool,
    meter_end: Decimal,
    comparison_end: Decimal,
    customer_signed: bool,
    expected_state=None,
):
    """Removal of the comparison meter and the verdict. A faulty meter owes
    the customer the test fee back (a Refund, due within 7 days)."""
    from payments.services import refund_create_for_request

    name = "record_test_faulty" if faulty else "record_test_normal"
    request = authorize(
        request=request, user=user, name=name, expected_state=expected_state
    )
    test = MeterTest.objects.get(request=request)
    errors = {}
    if meter_end < test.meter_start:
        errors["meter_end"] = _("The end reading cannot be below the start reading.")
    if comparison_end < test.comparison_start:
        errors["comparison_end"] = _(
            "The end reading cannot be below the start reading."
        )
    if not customer_signed:
        errors["customer_signed"] = _(
            "The customer (or their representative) must check the readings and sign."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        test.meter_end, test.comparison_end = meter_end, comparison_end
        test.removed_at, test.removed_by = now, user
        test.customer_signed_removal = True
        test.result = MeterTest.Result.FAULTY if faulty else MeterTest.Result.NORMAL
        test.save()
        note = SystemMessage("meter_error", error=str(test.error_percent))
        if faulty:
            refund_create_for_request(
                request=request, reason=SystemMessage("meter_found_faulty")
            )
            return request_transition(
                request=request,
                user=user,
                name=name,
                expected_state=expected_state,
                note=note,
            )
        return request_transition(
            request=request,
            user=user,
            name=name,
            expected_state=expected_state,
            note=note,
            at=now,
        )


# Charter §3.7, read as SPEC says: calendar days from the disconnection date
# to the payment date.
RECONNECT_SAME_DAY = "same_day"  # ≤ 7 days: by 20:00 on the day of payment
RECONNECT_NEXT_DAY = "next_day"  # 8–29 days: within 1 working day
RECONNECT_NEW_DEPOSIT = "new_deposit"  # 30–89 days: new deposit if offset, 1 day
RECONNECT_REFUSED = "new_connection"  # ≥ 90 days: file a new connection
# The last day of each band: an invoice priced in a band is due by then at the
# latest, since paid a day later it would be priced, and promised, otherwise.
RECONNECT_BAND_LAST_DAY = {
    RECONNECT_SAME_DAY: 7,
    RECONNECT_NEXT_DAY: 29,
    RECONNECT_NEW_DEPOSIT: 89,
}


def reconnection_rule(days_disconnected: int) -> str:
    if days_disconnected <= 7:
        return RECONNECT_SAME_DAY
    if days_disconnected <= 29:
        return RECONNECT_NEXT_DAY
    if days_disconnected <= 89:
        return RECONNECT_NEW_DEPOSIT
    return RECONNECT_REFUSED


def open_disconnection(account) -> Disconnection | None:
    return account.disconnections.filter(reconnected_at__isnull=True).first()


class ReconnectionRefused(ValidationError):
    """Disconnected 90 days or more (§3.7): what is left is a new connection
    and the refund of the deposit; `account` names the account, so that a
    page can offer both."""

    def __init__(self, message, *, account):
        super().__init__({"account": message})
        self.account = account


def _refused_text(days: int) -> str:
    return _(
        "This account has been disconnected for %(days)d days. After 90 days "
        "the supply cannot be reconnected: please file a new connection; "
        "the remaining deposit will be refunded."
    ) % {"days": days}


def disconnection_record(
    *, account, disconnected_on, outstanding: Decimal, deposit_offset: bool, user
) -> Disconnection:
    """What DMSx reports; staff of the account's office record it here."""
    from accounts.offices import covers_office
    from requests_app.permissions import COUNTER_ROLES

    if user.role not in COUNTER_ROLES | {"admin"} or not covers_office(
        user, account.office
    ):
        raise PermissionDenied(_("You may not do this on this account."))
    if disconnected_on > timezone.localdate():
        raise ValidationError(
            {"disconnected_on": _("The date cannot be in the future.")}
        )
    if outstanding < 0:
        raise ValidationError({"outstanding": _("Enter 0 or more.")})
    if open_disconnection(account):
        raise ValidationError({"account": _("This account is already disconnected.")})
    return Disconnection.objects.create(
        account=account,
        disconnected_on=disconnected_on,
        outstanding=outstanding,
        deposit_offset=deposit_offset,
        recorded_by=user,
    )


def reconnection_file(
    *, applicant, service, account, data: dict, created_by, channel="web"
):
    """File a reconnection and issue its invoice at once (Smart Plus: the
    customer pays straight away). Refused at 90 days or more."""
    from requests_app.services import request_submit

    cut = open_disconnection(account)
    if cut is None:
        raise ValidationError({"account": _("This account is not disconnected.")})
    days = (timezone.localdate() - cut.disconnected_on).days
    if reconnection_rule(days) == RECONNECT_REFUSED:
        raise ReconnectionRefused(_refused_text(days), account=account)
    with transaction.atomic():
        request = request_submit(
            applicant=applicant,
            service=service,
            documents={},
            created_by=created_by,
            channel=channel,
            data={
                **data,
                "account": account,
                "office": account.office,
                "premises_address": account.premises_address,
                "meter_size": account_meter_size(account),
            },
        )
        _reconnection_invoice(request=request, cut=cut, days=days, by=applicant)
        return request_transition(
            request=request,
            user=None,
            name="issue_invoice",
            expected_state=None,
            note=SystemMessage("disconnected_days", days=days),
        )


def _reconnection_invoice(*, request, cut, days: int, by):
    """The invoice for `days` disconnected: the outstanding bills, the fee,
    and a new deposit from 30 days when the old one was offset; due by the
    last day of the band at the latest."""
    from payments.services import invoice_create

    account, today = request.account, timezone.localdate()
    rule = reconnection_rule(days)
    lines = [(FeeItem.Kind.BILL, "ค่าไฟฟ้าค้างชำระ", "Outstanding bills", cut.outstanding)]
    fees = fees_in_force(
        request.service, on_date=today, meter_size=account_meter_size(account)
    )
    lines += [(f.kind, f.name_th, f.name_en, f.amount) for f in fees]
    if rule == RECONNECT_NEW_DEPOSIT and cut.deposit_offset:
        deposit = _new_connection_deposit(account)
        if deposit is not None:
            lines.append(
                (FeeItem.Kind.DEPOSIT, deposit.name_th, deposit.name_en, deposit.amount)
            )
    band_ends = cut.disconnected_on + timedelta(days=RECONNECT_BAND_LAST_DAY[rule])
    return invoice_create(
        request=request,
        created_by=by,
        lines=[line for line in lines if line[3] > 0],
        due_date=band_ends,
    )


def _new_connection_deposit(account):
    from requests_app.models import ServiceType

    service = ServiceType.objects.get(code="new-connection")
    return (
        fees_in_force(
            service,
            on_date=timezone.localdate(),
            meter_size=account_meter_size(account),
        )
        .filter(kind=FeeItem.Kind.DEPOSIT)
        .first()
    )


def reconnection_payment_refusal(*, invoice, on_date) -> str:
    """Why a reconnection invoice may not be paid on `on_date` ("" if it may):
    from 90 days no payment is taken at all; before, an invoice is paid by its
    due date, the last day of the band it was priced in (named by the
    reconnection flow's `payment_refusal`, asked by every payment channel)."""
    from core.dates import format_date

    cut = open_disconnection(invoice.request.account)
    if cut is None:
        return ""
    days = (on_date - cut.disconnected_on).days
    if reconnection_rule(days) == RECONNECT_REFUSED:
        return _("No payment can be taken.") + " " + _refused_text(days)
    if on_date > invoice.due_date or invoice.status == invoice.Status.EXPIRED:
        return _(
            "Invoice %(number)s could be paid until %(date)s: the account has "
            "now been disconnected for %(days)d days, and the amount is worked "
            "out again."
        ) % {
            "number": invoice.number,
            "date": format_date(invoice.due_date),
            "days": days,
        }
    return ""


def reconnection_invoice_renew(*, request, on_date=None):
    """Expire the request's unpaid invoice once it may no longer be paid, and
    price a new one for the band of today (a new deposit when that band asks
    for it); from 90 days refuse the request instead. Safe to run twice: the
    new invoice, or None when nothing was due to change."""
    from payments.models import Invoice
    from requests_app.models import State

    on_date = on_date or timezone.localdate()
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("request__service", "request__account")
            .filter(request_id=request.pk, status=Invoice.Status.UNPAID)
            .first()
        )
        if invoice is None or invoice.request.state != State.FEES_QUOTED:
            return None
        if not reconnection_payment_refusal(invoice=invoice, on_date=on_date):
            return None
        request = invoice.request
        invoice.status = Invoice.Status.EXPIRED
        invoice.save(update_fields=["status"])
        cut = open_disconnection(request.account)
        days = (on_date - cut.disconnected_on).days
        if reconnection_rule(days) == RECONNECT_REFUSED:
            request_transition(
                request=request,
                user=None,
                name="refuse_after_90_days",
                expected_state=State.FEES_QUOTED,
                note=SystemMessage("reconnection_refused", days=days),
                days=days,
            )
            return None
        new = _reconnection_invoice(
            request=request, cut=cut, days=days, by=invoice.created_by
        )
        request_transition(
            request=request,
            user=None,
            name="reissue_invoice",
            expected_state=State.FEES_QUOTED,
            note=SystemMessage(
                "invoice_reissued",
                old=invoice.number,
                days=days,
                new=new.number,
                total=f"{new.total:,.2f}",
            ),
        )
        return new


def reconnection_invoices_renew() -> int:
    """The beat's pass (just after midnight and through the day): every
    reconnection invoice past its band. A payment attempt renews its own
    invoice at once, so this only keeps the pages current."""
    from payments.models import Invoice

    stale = Invoice.objects.filter(
        status=Invoice.Status.UNPAID,
        request__service__flow="reconnection",
        due_date__lt=timezone.localdate(),
    ).values_list("request_id", flat=True)
    from requests_app.models import ServiceRequest

    done = 0
    for request in ServiceRequest.objects.filter(pk__in=list(stale)):
        if reconnection_invoice_renew(request=request) is not None:
            done += 1
    return done


def reconnection_record_done(*, request, user, expected_state=None, note=""):
    """The technician reports the supply back on; the disconnection closes."""
    request = authorize(
        request=request,
        user=user,
        name="record_reconnection",
        expected_state=expected_state,
    )
    now = timezone.now()
    with transaction.atomic():
        cut = open_disconnection(request.account)
        if cut is not None:
            cut.reconnected_at = now
            cut.save(update_fields=["reconnected_at"])
        return request_transition(
            request=request,
            user=user,
            name="record_reconnection",
            expected_state=expected_state,
            at=now,
            note=note,
        )


def covers_file(
    *,
    applicant,
    service,
    data: dict,
    covers: int,
    days: int,
    line_length_m=None,
    documents: dict,
    created_by,
    channel="web",
):
    """File a cover rental with how many covers and for how many days."""
    from requests_app.services import request_submit

    if not covers or covers < 1:
        raise ValidationError({"covers": _("Enter how many covers (1 or more).")})
    if not days or days < 1:
        raise ValidationError({"days": _("Enter how many days (1 or more).")})
    with transaction.atomic():
        request = request_submit(
            applicant=applicant,
            service=service,
            data=data,
            documents=documents,
            created_by=created_by,
            channel=channel,
        )
        CoverRental.objects.create(
            request=request, covers=covers, days=days, line_length_m=line_length_m
        )
    return request


def covers_quote(*, request, user, expected_state=None, note=""):
    """500 baht to install and remove, 10 baht per cover per day (§3.13), from
    the fee schedule in force."""
    from payments.services import invoice_create

    request = authorize(
        request=request, user=user, name="quote_fees", expected_state=expected_state
    )
    rental = CoverRental.objects.get(request=request)
    fees = {
        f.code: f for f in fees_in_force(request.service, on_date=timezone.localdate())
    }
    if not {"cover-install", "cover-rent-day"} <= fees.keys():
        raise ValidationError(_("The cover fees are not set; ask an administrator."))
    install, rent = fees["cover-install"], fees["cover-rent-day"]
    quantity = rental.covers * rental.days
    with transaction.atomic():
        invoice_create(
            request=request,
            created_by=user,
            lines=[
                (
                    install.kind,
                    install.name_th,
                    install.name_en,
                    install.amount,
                    install,
                ),
                (
                    rent.kind,
                    f"{rent.name_th} × {rental.covers} ชุด × {rental.days} วัน",
                    f"{rent.name_en} × {rental.covers} covers × {rental.days} days",
                    rent.amount * quantity,
                    rent,
                ),
            ],
        )
        return request_transition(
            request=request,
            user=user,
            name="quote_fees",
            expected_state=expected_state,
            note=note,
        )


def covers_record(*, request, user, name: str, expected_state=None, note=""):
    """Covers on (install_covers) or off again (remove_covers)."""
    request = authorize(
        request=request, user=user, name=name, expected_state=expected_state
    )
    now = timezone.now()
    with transaction.atomic():
        field = "installed_at" if name == "install_covers" else "removed_at"
        CoverRental.objects.filter(request=request).update(**{field: now})
        return request_transition(
            request=request,
            user=user,
            name=name,
            expected_state=expected_state,
            at=now,
            note=note,
        )


def broken_meter_raise_debt(
    *, request, user, amount=None, cause_details: str = "", expected_state=None
):
    """Caused by the user: charge the meter at the price in force on the day
    of the report (a price list that has expired still prices old reports), or
    the amount staff enter when no price is in force."""
    from payments.services import invoice_create

    request = authorize(
        request=request, user=user, name="raise_debt", expected_state=expected_state
    )
    reported_on = timezone.localtime(request.created_at).date()
    price = (
        fees_in_force(
            request.service, on_date=reported_on, meter_size=request.meter_size
        )
        .filter(code="meter-price")
        .first()
    )
    if amount is None and price is None:
        raise ValidationError(
            {
                "amount": _(
                    "No meter price is in force for the day of the report: enter the amount."
                )
            }
        )
    line = (
        (
            FeeItem.Kind.FEE,
            "ค่ามิเตอร์และอุปกรณ์ที่ชำรุด",
            "Damaged meter and equipment",
            amount,
        )
        if amount is not None
        else (price.kind, price.name_th, price.name_en, price.amount, price)
    )
    with transaction.atomic():
        MeterReplacement.objects.create(
            request=request,
            cause=MeterReplacement.Cause.USER,
            cause_details=cause_details,
        )
        invoice_create(request=request, created_by=user, lines=[line])
        return request_transition(
            request=request,
            user=user,
            name="raise_debt",
            expected_state=expected_state,
            note=cause_details,
        )


def broken_meter_book(
    *, request, user, scheduled_for, assignee=None, expected_state=None, note=""
):
    """Book the replacement; without a debt first, the cause is natural (free)."""
    from requests_app.models import Appointment
    from requests_app.services import appointment_book

    with transaction.atomic():
        MeterReplacement.objects.get_or_create(
            request=request, defaults={"cause": MeterReplacement.Cause.NATURAL}
        )
        return appointment_book(
            request=request,
            user=user,
            name="book_replacement",
            kind=Appointment.Kind.INSTALLATION,
            scheduled_for=scheduled_for,
            assignee=assignee,
            expected_state=expected_state,
            note=note,
        )


def broken_meter_replace(
    *,
    request,
    user,
    old_reading,
    new_serial: str,
    new_reading,
    left_in_mailbox: bool = False,
    expected_state=None,
):
    """Form มต.75: the old meter's last reading, the new meter and its reading."""
    request = authorize(
        request=request,
        user=user,
        name="record_replacement",
        expected_state=expected_state,
    )
    new_serial = new_serial.strip().upper()
    if not new_serial:
        raise ValidationError({"new_serial": _("Enter the new meter's serial number.")})
    if Meter.objects.filter(serial=new_serial).exists():
        raise ValidationError(
            {"new_serial": _("This meter serial is already installed elsewhere.")}
        )
    now = timezone.now()
    with transaction.atomic():
        form = MeterReplacement.objects.select_for_update().get(request=request)
        account = request.account
        meter = Meter.objects.create(
            serial=new_serial, size=account_meter_size(account)
        )
        form.old_serial = account_meter_serial(account)
        form.old_reading, form.new_reading = old_reading, new_reading
        form.new_meter, form.replaced_at, form.technician = meter, now, user
        form.left_in_mailbox = left_in_mailbox
        form.save()
        account_replace_meter(account=account, meter=meter)
        return request_transition(
            request=request,
            user=user,
            name="record_replacement",
            expected_state=expected_state,
            at=now,
            note=SystemMessage(
                "form_mt75",
                old=form.old_serial,
                old_r=str(old_reading),
                new=new_serial,
                new_r=str(new_reading),
            ),
        )


def adjusted_bill_compute(*, history_kwh, months: int, billed_kwh, rate):
    """Charter §3.10: the monthly average of 3–6 months before the fault (or
    after the fix), times the months affected, less what was billed, at the
    rate. Returns (average kWh, kWh due, amount)."""
    history = [Decimal(v) for v in history_kwh]
    if not 3 <= len(history) <= 6:
        raise ValidationError({"history_kwh": _("Give 3 to 6 months of consumption.")})
    if months < 1:
        raise ValidationError({"months": _("Enter how many months the fault lasted.")})
    average = (sum(history) / len(history)).quantize(Decimal("0.01"))
    due_kwh = max(average * months - Decimal(billed_kwh), Decimal("0"))
    return average, due_kwh, (due_kwh * Decimal(rate)).quantize(Decimal("0.01"))


def adjusted_bill_open(
    *, account, user, evidence: str, history_kwh, months: int, billed_kwh, rate
):
    """PEA opens the case after an inspection, with the evidence and the bill."""
    from accounts.offices import covers_office
    from payments.services import invoice_create
    from requests_app.models import ServiceType
    from requests_app.permissions import COUNTER_ROLES
    from requests_app.services import request_submit

    if user.role not in COUNTER_ROLES | {"admin"} or not covers_office(
        user, account.office
    ):
        raise PermissionDenied(_("You may not do this on this account."))
    if not evidence.strip():
        raise ValidationError({"evidence": _("Describe what the inspection found.")})
    average, due_kwh, amount = adjusted_bill_compute(
        history_kwh=history_kwh, months=months, billed_kwh=billed_kwh, rate=rate
    )
    if amount <= 0:
        raise ValidationError({"billed_kwh": _("Nothing is due: no case to open.")})
    summary = _(
        "Average %(avg)s kWh/month × %(months)d months − billed %(billed)s kWh = "
        "%(kwh)s kWh × %(rate)s baht"
    ) % {
        "avg": average,
        "months": months,
        "billed": billed_kwh,
        "kwh": due_kwh,
        "rate": rate,
    }
    with transaction.atomic():
        request = request_submit(
            applicant=account.customer,
            service=ServiceType.objects.get(code="adjusted-bill"),
            documents={},
            created_by=user,
            channel="counter",
            data={
                "account": account,
                "office": account.office,
                "premises_address": account.premises_address,
                "meter_size": account_meter_size(account),
                "contact_phone": account.customer.phone or "",
                "note": f"{evidence.strip()}\n{summary}",
            },
        )
        invoice_create(
            request=request,
            created_by=user,
            lines=[
                (FeeItem.Kind.BILL, "ค่าไฟฟ้าปรับปรุง", "Adjusted electricity bill", amount)
            ],
        )
    return request


def adjusted_bill_order_disconnection(*, request, user, expected_state=None, note=""):
    """Two notices went unanswered: the supply is cut (DMSx) and the debt
    becomes the outstanding amount a reconnection must pay."""
    from payments.services import invoice_unpaid_cancel

    request = authorize(
        request=request,
        user=user,
        name="order_disconnection",
        expected_state=expected_state,
    )
    with transaction.atomic():
        invoice = invoice_unpaid_cancel(request=request)
        Disconnection.objects.create(
            account=request.account,
            disconnected_on=timezone.localdate(),
            outstanding=invoice.total,
            deposit_offset=False,
            recorded_by=user,
        )
        return request_transition(
            request=request,
            user=user,
            name="order_disconnection",
            expected_state=expected_state,
            at=timezone.now(),
            note=note,
            message=SystemMessage(
                "disconnection_ordered", amount=f"{invoice.total:,.2f}"
            ),
        )

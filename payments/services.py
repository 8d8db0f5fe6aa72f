"""Invoices, counter cash, online payments from the provider's callbacks,
refunds and deposits, and the bank's settlement files."""

import logging
from collections import Counter
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.dates import be_year
from core.errors import ServiceError
from core.queue import delay_on_commit
from core.services import sequence_next
from payments.models import (
    DepositSettlement,
    Estimate,
    FeeItem,
    Invoice,
    InvoiceLine,
    Payment,
    Refund,
)
from payments.provider import BadAmount, parse_amount
from payments.receipts import invoice_schedule, receipt_issue
from payments.selectors import fees_in_force
from payments.vat import split_vat
from payments.vouchers import voucher_schedule
from requests_app.machine import authorize, note_fields, request_transition
from requests_app.notes import SystemMessage, both_text, text_fields

logger = logging.getLogger(__name__)

INVOICE_DAYS = 30

# A payment locks the invoice and its request, never the office's row the
# select_related joins: FOR UPDATE without OF locked it too, so every other
# write of the office waited at its commit (foreign-key check) and one that
# held a row the payment needed next, a tally, deadlocked (found by the soak,
# scripts/soak.sh). A bill payment's invoice has no request (`_lock_invoice`).
INVOICE_LOCK = ("self", "request")


def _lock_invoice(qs):
    """The first invoice of `qs`, locked with its request in one statement
    (the request's join is inner, as FOR UPDATE OF needs); an invoice with
    no request (bills), by a second statement locking it alone."""
    invoice = (
        qs.select_for_update(of=INVOICE_LOCK).filter(request__isnull=False).first()
    )
    if invoice is None:
        invoice = (
            qs.select_for_update(of=("self",)).filter(request__isnull=True).first()
        )
    return invoice


def _invoice_number(office, now) -> str:
    year = be_year(timezone.localtime(now))
    number = sequence_next(key=f"invoice:{office.code}:{year}")
    return f"INV{office.code}-{year}-{number:06d}"


@transaction.atomic
def request_quote_fees(*, request, user, expected_state=None, note="") -> Invoice:
    """Build the invoice from the dated fee schedule and move the request on."""
    request = authorize(
        request=request, user=user, name="quote_fees", expected_state=expected_state
    )
    now = timezone.now()
    items = list(
        fees_in_force(
            request.service,
            on_date=timezone.localdate(now),
            meter_size=request.meter_size,
        )
    )
    if not items:
        raise ServiceError(
            _("No fees are set for this meter size; ask an administrator.")
        )
    request = request_transition(
        request=request,
        user=user,
        name="quote_fees",
        expected_state=expected_state,
        note=note,
    )
    return invoice_create(
        request=request,
        created_by=user,
        lines=[(i.kind, i.name_th, i.name_en, i.amount, i) for i in items],
    )


def invoice_create(
    *,
    request=None,
    created_by,
    lines,
    due_date=None,
    kind: str = Invoice.Kind.REQUEST,
    office=None,
    customer=None,
    payer_name: str = "",
    bank_refs: tuple[str, str] = ("", ""),
) -> Invoice:
    """An invoice from (kind, name_th, name_en, amount[, fee_item]) lines.
    Fees include VAT and are split; deposits carry none; outstanding bills
    already carried VAT on the bills themselves. Due in INVOICE_DAYS, or by
    `due_date` when the request allows less (never later). A request's
    invoice is its office's and applicant's; an invoice of another `kind`
    (bills) has no request and names its office and customer (or none)."""
    now = timezone.now()
    due = timezone.localdate(now) + timedelta(days=INVOICE_DAYS)
    if request is not None:
        office, customer = request.office, request.applicant
    invoice = Invoice.objects.create(
        number=_invoice_number(office, now),
        kind=kind,
        request=request,
        office=office,
        customer=customer,
        payer_name=payer_name[:200],
        bank_ref1=bank_refs[0],
        bank_ref2=bank_refs[1],
        total=sum((line[3] for line in lines), Decimal("0.00")),
        due_date=min(due, due_date) if due_date else due,
        created_by=created_by,
    )
    rows = []
    for kind, name_th, name_en, amount, *item in lines:
        net, vat = (
            split_vat(amount) if kind == FeeItem.Kind.FEE else (amount, Decimal("0.00"))
        )
        rows.append(
            InvoiceLine(
                invoice=invoice,
                fee_item=item[0] if item else None,
                kind=kind,
                name_th=name_th,
                name_en=name_en,
                amount=amount,
                net=net,
                vat=vat,
            )
        )
    InvoiceLine.objects.bulk_create(rows)
    invoice_schedule(invoice)
    return invoice


def invoice_payment_refusal(*, invoice: Invoice, on_date) -> str:
    """Why the invoice may not be paid on `on_date` ("" when it may). A flow
    may limit how long its invoices stay payable, by the dotted path of its
    `payment_refusal` (reconnection: its day band, charter §3.7)."""
    from requests_app.flows import as_flow

    if invoice.request_id is None:
        return ""
    path = getattr(as_flow(invoice.request), "payment_refusal", "")
    return import_string(path)(invoice=invoice, on_date=on_date) if path else ""


def invoice_renew(*, invoice: Invoice) -> Invoice | None:
    """After a refused payment: let the request's flow replace the invoice
    (its `invoice_renewal`, own transaction); the new invoice, if any."""
    from requests_app.flows import as_flow

    if invoice.request_id is None:
        return None
    path = getattr(as_flow(invoice.request), "invoice_renewal", "")
    return import_string(path)(request=invoice.request) if path else None


def invoice_refuse(*, invoice: Invoice, refusal: str) -> str:
    """A payment of the invoice was refused: have it replaced; the refusal to
    show, naming the invoice that replaces it."""
    new = invoice_renew(invoice=invoice)
    if new is None:
        return refusal
    return (
        refusal
        + " "
        + _("Invoice %(number)s of %(total)s baht replaces it.")
        % {"number": new.number, "total": f"{new.total:,.2f}"}
    )


def invoice_paid_effects(*, invoice: Invoice, payment: Payment, user, paid_at) -> None:
    """What paying the invoice does, in the payment's transaction: a request's
    invoice takes the request's step; any other kind runs the effect that
    settings.INVOICE_PAID_EFFECTS names for it (bills: the bills are paid)."""
    from django.conf import settings

    if invoice.request_id is not None:
        from requests_app.services import request_mark_paid

        request_mark_paid(request=invoice.request, user=user, paid_at=paid_at)
        return
    import_string(settings.INVOICE_PAID_EFFECTS[invoice.kind])(
        invoice=invoice, payment=payment, user=user, paid_at=paid_at
    )


def invoice_back_url(invoice: Invoice) -> str:
    """The page a payer of the invoice goes back to: its request's, or the
    one settings.INVOICE_BACK_URLS names for its kind."""
    from django.conf import settings

    if invoice.request_id is not None:
        return invoice.request.get_absolute_url()
    return settings.INVOICE_BACK_URLS.get(invoice.kind, "/")


def invoice_for_bank_refs(*, ref1: str, ref2: str, lock: bool = True):
    """The invoice a bank payment by a paper bill's references pays: an
    unpaid one already made for them, else the one a resolver of
    settings.PAYMENT_REFERENCE_RESOLVERS makes (bills: the bill's invoice).
    None when no resolver knows the references."""
    from django.conf import settings

    ref1, ref2 = ref1.strip().upper(), ref2.strip().upper()
    if not ref1 or not ref2:
        return None
    invoice = None
    for path in settings.PAYMENT_REFERENCE_RESOLVERS:
        invoice = import_string(path)(ref1=ref1, ref2=ref2)
        if invoice is not None:
            break
    if invoice is None:
        return None
    qs = Invoice.objects.select_related("office")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.get(pk=invoice.pk)


def payment_take_at_counter(*, request, user, amount: Decimal, expected_state=None):
    """The counter step "take counter payment": cash for the request's unpaid
    invoice (`payment_record_cash` guards against a second payment, so the
    state the clerk saw is not needed)."""
    invoice = Invoice.objects.filter(
        request=request, status=Invoice.Status.UNPAID
    ).first()
    if invoice is None:
        raise ServiceError(_("There is no unpaid invoice for this request."))
    return payment_record_cash(invoice=invoice, user=user, amount=amount)


def payment_record_cash(*, invoice: Invoice, user, amount: Decimal) -> Payment:
    """Counter cash. Locks the invoice: a second click or a second clerk gets a
    clear refusal, never a second payment. An invoice its request no longer
    allows to be paid (`invoice_payment_refusal`) is refused before anything
    is recorded, and replaced when the request says so."""
    from requests_app.permissions import COUNTER_ROLES, staff_may

    with transaction.atomic():
        invoice = _lock_invoice(
            Invoice.objects.select_related(
                "request__office", "request__service", "office"
            ).filter(pk=invoice.pk)
        )
        # A bill payment's invoice is the counter's own office's.
        if not staff_may(COUNTER_ROLES)(invoice.request or invoice, user):
            raise PermissionDenied(_("You may not do this on this request."))
        if invoice.status == Invoice.Status.PAID:
            raise ServiceError(_("This invoice has already been paid."))
        now = timezone.now()
        refusal = ""
        if invoice.status in (Invoice.Status.UNPAID, Invoice.Status.EXPIRED):
            refusal = invoice_payment_refusal(
                invoice=invoice, on_date=timezone.localdate(now)
            )
        if not refusal:
            if invoice.status == Invoice.Status.EXPIRED:
                raise ServiceError(_("This invoice has expired and cannot be paid."))
            if invoice.status != Invoice.Status.UNPAID:
                raise ServiceError(_("This invoice was cancelled and cannot be paid."))
            if Decimal(amount) != invoice.total:
                raise ValidationError(
                    {
                        "amount": _("The amount must be exactly %(total)s baht.")
                        % {"total": f"{invoice.total:,.2f}"}
                    }
                )
            payment = Payment.objects.create(
                invoice=invoice,
                method=Payment.Method.CASH,
                amount=invoice.total,
                office=user.office or invoice.office,
                received_by=user,
                received_at=now,
            )
            invoice.status = Invoice.Status.PAID
            invoice.paid_at = now
            invoice.save(update_fields=["status", "paid_at"])
            receipt_issue(payment=payment, user=user)
            invoice_paid_effects(
                invoice=invoice, payment=payment, user=user, paid_at=now
            )
            return payment
    # Refused: nothing was recorded; the replacement commits on its own.
    raise ValidationError({"amount": invoice_refuse(invoice=invoice, refusal=refusal)})


def invoice_cancel_open(*, request) -> int:
    return Invoice.objects.filter(request=request, status=Invoice.Status.UNPAID).update(
        status=Invoice.Status.CANCELLED
    )


def invoice_unpaid_cancel(*, request) -> Invoice:
    """Lock the request's unpaid invoice and cancel it (its amount becomes a
    debt elsewhere: an adjusted bill left unpaid after two notices)."""
    invoice = Invoice.objects.select_for_update().get(
        request=request, status=Invoice.Status.UNPAID
    )
    invoice.status = Invoice.Status.CANCELLED
    invoice.save(update_fields=["status"])
    return invoice


def refund_create_for_request(*, request, reason) -> Refund:
    """The fee of the request's paid invoice, owed back to the customer
    (`reason`: typed, or the portal's own as a SystemMessage)."""
    invoice = Invoice.objects.select_for_update().get(
        request=request, status=Invoice.Status.PAID
    )
    fees = sum(
        (line.amount for line in invoice.lines.all() if line.kind == FeeItem.Kind.FEE),
        Decimal("0.00"),
    )
    return Refund.objects.create(
        invoice=invoice,
        request=request,
        amount=fees,
        **text_fields("reason", reason),
    )


def refund_record_paid(*, request, user, expected_state=None, note=""):
    """The refund handed to the customer; closes the request."""
    request = authorize(
        request=request, user=user, name="record_refund", expected_state=expected_state
    )
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update()
            .filter(request=request)
            .exclude(status=Refund.Status.PAID)
            .first()
        )
        if refund is None:
            raise ServiceError(_("No refund is due on this request."))
        if refund.status != Refund.Status.APPROVED:
            raise ServiceError(_("A supervisor must approve the refund first."))
        refund.status = Refund.Status.PAID
        refund.paid_at = timezone.now()
        refund.paid_by = user
        refund.save(update_fields=["status", "paid_at", "paid_by"])
        return request_transition(
            request=request,
            user=user,
            name="record_refund",
            expected_state=expected_state,
            at=refund.paid_at,
            note=note
            or _("Refunded %(amount)s baht") % {"amount": f"{refund.amount:,.2f}"},
        )


def refund_approve(*, refund: Refund, user) -> Refund:
    """A supervisor of the office approves a refund; it gets its document
    number (per office and Buddhist-era year, without gaps)."""
    from accounts.models import User
    from accounts.offices import covers_office
    from requests_app.models import RequestEvent

    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("request__office", "invoice__office")
            .get(pk=refund.pk)
        )
        # A bill payment's refund has no request: its invoice's office.
        office = (refund.request or refund.invoice).office
        if user.role != User.Role.SUPERVISOR or not covers_office(user, office):
            raise PermissionDenied(
                _("Only a supervisor of the office may approve a refund.")
            )
        if refund.status != Refund.Status.DUE:
            raise ServiceError(_("This refund is not awaiting approval."))
        if refund.raised_by_id == user.pk:
            raise ServiceError(
                _("You raised this refund: another supervisor must approve it.")
            )
        now = timezone.now()
        year = be_year(timezone.localtime(now))
        seq = sequence_next(key=f"refund:{office.code}:{year}")
        refund.number = f"RF{office.code}-{year}-{seq:06d}"
        refund.status, refund.approved_by, refund.approved_at = (
            Refund.Status.APPROVED,
            user,
            now,
        )
        refund.save(update_fields=["number", "status", "approved_by", "approved_at"])
        voucher_schedule(refund)
        if refund.request_id is None:
            return refund
        RequestEvent.objects.create(
            request=refund.request,
            kind=RequestEvent.Kind.APPROVAL,
            action="approve_refund",
            actor=user,
            **note_fields(
                SystemMessage(
                    "refund_approved",
                    number=refund.number,
                    amount=f"{refund.amount:,.2f}",
                )
            ),
        )
        if refund.kind == Refund.Kind.DEPOSIT:
            _deposit_tell_customer(refund=refund, user=user)
    return refund


def _deposit_tell_customer(*, refund: Refund, user) -> None:
    """Charter §3.9: the customer learns the deposit is ready by SMS when it
    is paid in cash (they collect it in person, ID card shown), by a phone
    call from the counter when it is a cheque: a call task for the staff."""
    from notifications.services import notification_enqueue
    from requests_app.models import RequestEvent
    from requests_app.work_orders import call_task_open

    request = refund.request
    settlement = DepositSettlement.objects.get(request=request)
    amount = f"{refund.amount:,.2f}"
    if settlement.method == DepositSettlement.Method.CASH:
        notification_enqueue(
            user=request.applicant,
            event="deposit_refund_cash",
            request=request,
            context={"amount": amount, "office": request.office},
        )
        note = SystemMessage("deposit_cash_sms", amount=amount)
    else:
        order = call_task_open(request=request)
        note = SystemMessage("deposit_call_task", who=str(order.assignee or ""))
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.APPROVAL,
        action="tell_customer",
        actor=user,
        **note_fields(note),
    )


def deposit_record_call(*, request, user, note: str = "", expected_state=None):
    """The counter phoned the customer: the cheque is ready to collect. Closes
    the call task (the step declares `closes`)."""
    return request_transition(
        request=request,
        user=user,
        name="record_call",
        expected_state=expected_state,
        note=note or _("The customer was told the cheque is ready to collect."),
        notify=False,
    )


# Charter §3.9: cash to the holder in person up to this amount, else a cheque.
PAYOUT_CASH_LIMIT = Decimal("15000.00")


def payout_method(*, amount: Decimal, juristic: bool, by_representative: bool) -> str:
    if amount <= PAYOUT_CASH_LIMIT and not juristic and not by_representative:
        return DepositSettlement.Method.CASH
    return DepositSettlement.Method.CHEQUE


def deposit_record_meter_removal(*, request, user, final_reading, expected_state=None):
    request = authorize(
        request=request,
        user=user,
        name="record_meter_removal",
        expected_state=expected_state,
    )
    if final_reading is None or final_reading < 0:
        raise ValidationError(
            {"final_reading": _("Enter the final reading (0 or more).")}
        )
    with transaction.atomic():
        DepositSettlement.objects.create(
            request=request,
            final_reading=final_reading,
            meter_removed_at=timezone.now(),
        )
        return request_transition(
            request=request,
            user=user,
            name="record_meter_removal",
            expected_state=expected_state,
            note=SystemMessage("final_reading", reading=str(final_reading)),
        )


def deposit_settle(*, request, user, final_bill: Decimal, expected_state=None):
    """Set the final bill against the deposit and choose how to pay the rest."""
    request = authorize(
        request=request, user=user, name="settle", expected_state=expected_state
    )
    if final_bill is None or final_bill < 0:
        raise ValidationError({"final_bill": _("Enter the final bill (0 or more).")})
    deposit = request.account.contract.deposit
    refund = max(deposit - final_bill, Decimal("0.00"))
    method = payout_method(
        amount=refund,
        juristic=request.applicant_kind == "juristic",
        by_representative=request.by_representative,
    )
    with transaction.atomic():
        settlement = DepositSettlement.objects.select_for_update().get(request=request)
        settlement.deposit, settlement.final_bill = deposit, final_bill
        settlement.refund_amount, settlement.method = refund, method
        settlement.save()
        if refund > 0:  # paid out only once a supervisor approves it
            Refund.objects.create(
                request=request,
                amount=refund,
                kind=Refund.Kind.DEPOSIT,
                **text_fields("reason", SystemMessage("deposit_refund")),
            )
        return request_transition(
            request=request,
            user=user,
            name="settle",
            expected_state=expected_state,
            note=SystemMessage(
                "deposit_settled",
                deposit=f"{deposit:,.2f}",
                bill=f"{final_bill:,.2f}",
                refund=f"{refund:,.2f}",
                method=both_text(DepositSettlement.Method(settlement.method).label),
            ),
        )


def deposit_record_payout(
    *,
    request,
    user,
    cheque_number: str = "",
    holder_id_checked: bool = False,
    expected_state=None,
):
    request = authorize(
        request=request, user=user, name="record_payout", expected_state=expected_state
    )
    settlement = DepositSettlement.objects.get(request=request)
    refund = Refund.objects.filter(request=request).first()
    if settlement.refund_amount > 0 and (
        refund is None or refund.status != Refund.Status.APPROVED
    ):
        raise ServiceError(_("A supervisor must approve the refund first."))
    if settlement.refund_amount > 0:
        if settlement.method == DepositSettlement.Method.CASH and not holder_id_checked:
            raise ValidationError(
                {
                    "holder_id_checked": _(
                        "Cash goes only to the contract holder, ID card shown."
                    )
                }
            )
        if (
            settlement.method == DepositSettlement.Method.CHEQUE
            and not cheque_number.strip()
        ):
            raise ValidationError({"cheque_number": _("Enter the cheque number.")})
    now = timezone.now()
    with transaction.atomic():
        settlement.cheque_number = cheque_number.strip()
        settlement.paid_out_at, settlement.paid_out_by = now, user
        settlement.save(update_fields=["cheque_number", "paid_out_at", "paid_out_by"])
        if refund is not None:
            Refund.objects.filter(pk=refund.pk).update(
                status=Refund.Status.PAID, paid_at=now, paid_by=user
            )
        return request_transition(
            request=request,
            user=user,
            name="record_payout",
            expected_state=expected_state,
            at=now,
            note=SystemMessage("paid_out", amount=f"{settlement.refund_amount:,.2f}"),
        )


def estimate_send(
    *, request, user, amount: Decimal, details: str = "", expected_state=None
):
    request = authorize(
        request=request, user=user, name="send_estimate", expected_state=expected_state
    )
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Enter the estimated cost (more than 0).")})
    with transaction.atomic():
        Estimate.objects.create(
            request=request, amount=amount, details=details, created_by=user
        )
        return request_transition(
            request=request,
            user=user,
            name="send_estimate",
            expected_state=expected_state,
            note=SystemMessage(
                "estimate_sent", amount=f"{amount:,.2f}", details=details
            ),
        )


def estimate_decide(
    *, request, user, accept: bool, reason: str = "", expected_state=None
):
    """The customer's answer: accepting issues the invoice for the estimate."""
    name = "accept_estimate" if accept else "decline_estimate"
    request = authorize(
        request=request, user=user, name=name, expected_state=expected_state
    )
    with transaction.atomic():
        estimate = Estimate.objects.select_for_update().filter(request=request).first()
        estimate.accepted, estimate.decided_at = accept, timezone.now()
        estimate.save(update_fields=["accepted", "decided_at"])
        if accept:
            invoice_create(
                request=request,
                created_by=user,
                lines=[
                    (
                        FeeItem.Kind.FEE,
                        "ค่าใช้จ่ายตามประมาณการ",
                        "Cost as estimated",
                        estimate.amount,
                    )
                ],
            )
        return request_transition(
            request=request,
            user=user,
            name=name,
            expected_state=expected_state,
            message=reason,  # the customer's own words
        )


# Online payments (provider callbacks) -----------------------------------------------


def online_payments_user():
    """The actor of steps the provider's callback takes (no clerk): an inactive
    system account, so it can never log in."""
    from accounts.models import ONLINE_PAYMENTS_USERNAME, User

    user, _created = User.objects.get_or_create(
        username=ONLINE_PAYMENTS_USERNAME,
        defaults={
            "role": User.Role.ADMIN,
            "is_active": False,
            "first_name": "PEA Online",
        },
    )
    return user


def provider_event_store(event) -> tuple:
    """Store a verified callback once (its event id); True when it is new. An
    event whose amount is no amount (`event.problem`) is stored rejected, with
    the reason, and never applied."""
    from payments.models import ProviderEvent

    problem = getattr(event, "problem", "")
    rejected = (
        {
            "status": ProviderEvent.Status.REJECTED,
            "outcome": problem[:200],
            "processed_at": timezone.now(),
        }
        if problem
        else {}
    )
    stored, created = ProviderEvent.objects.get_or_create(
        event_id=event.event_id,
        defaults=dict(
            kind=event.kind,
            transaction_id=event.transaction_id,
            invoice_number=event.invoice_number,
            amount=None if problem else event.amount,
            currency=event.currency,
            payload=event.payload,
            **rejected,
        ),
    )
    return stored, created


def provider_event_apply(*, event_pk: int) -> str:
    """Apply a stored callback. Only a succeeded charge for an unpaid invoice,
    with its exact amount in baht, becomes a payment; everything else is
    recorded with the reason and changes nothing."""
    from payments.models import ProviderEvent

    with transaction.atomic():
        try:
            event = ProviderEvent.objects.select_for_update().get(pk=event_pk)
        except InvalidOperation:
            # An amount stored before amounts were checked on arrival that
            # the database cannot give back (SQLite keeps 1e400 as infinity).
            ProviderEvent.objects.filter(
                pk=event_pk, status=ProviderEvent.Status.RECEIVED
            ).update(
                status=ProviderEvent.Status.REJECTED,
                amount=None,
                outcome="amount is not a finite number",
                processed_at=timezone.now(),
            )
            return ProviderEvent.Status.REJECTED
        if event.status != ProviderEvent.Status.RECEIVED:
            return event.status

        def done(status, outcome):
            event.status, event.outcome = status, outcome
            event.processed_at = timezone.now()
            event.save(update_fields=["status", "outcome", "processed_at"])
            return status

        if event.kind != "charge.succeeded":
            return done(ProviderEvent.Status.IGNORED, f"{event.kind}: nothing to apply")
        # Stored before amounts were checked on arrival, or by hand: checked
        # again, so such an event is rejected, not retried every minute.
        try:
            parse_amount(event.amount)
        except BadAmount as exc:
            return done(ProviderEvent.Status.REJECTED, str(exc))
        # A card payment names the invoice; a Thai QR payment notified by the
        # bank carries its reference 1 (and reference 2): an invoice's, or a
        # paper bill's (the CA and bill numbers, resolved to its invoice).
        numbers = {event.invoice_number, Invoice.number_from_ref(event.invoice_number)}
        invoice = _lock_invoice(
            Invoice.objects.select_related("request__office").filter(
                number__in=numbers - {""}
            )
        )
        if invoice is None:
            data = event.payload.get("data") if isinstance(event.payload, dict) else {}
            ref2 = str((data or {}).get("reference2") or "")[:20]
            invoice = invoice_for_bank_refs(ref1=event.invoice_number, ref2=ref2)
        if invoice is None:
            return done(ProviderEvent.Status.REJECTED, "unknown invoice")
        if event.currency != "THB" or event.amount != invoice.total:
            return done(
                ProviderEvent.Status.REJECTED,
                f"amount {event.amount} {event.currency} != {invoice.total} THB",
            )
        if Payment.objects.filter(provider_txn=event.transaction_id).exists():
            return done(ProviderEvent.Status.IGNORED, "transaction already applied")
        if invoice.status in (Invoice.Status.UNPAID, Invoice.Status.EXPIRED):
            # The day it reached us, whenever the task runs (charter §3.7
            # counts days to the payment date).
            paid_on = timezone.localdate(event.received_at or timezone.now())
            with translation.override("en"):  # the outcome is for the log
                refusal = invoice_payment_refusal(invoice=invoice, on_date=paid_on)
            if refusal:
                # Refused whole: no payment, receipt or step; the money the
                # provider took goes back through the settlement's refunds.
                status = done(ProviderEvent.Status.REJECTED, refusal[:200])
                invoice_renew(invoice=invoice)
                return status
        if invoice.status != Invoice.Status.UNPAID:
            return done(ProviderEvent.Status.REJECTED, f"invoice is {invoice.status}")
        payment = _pay_online(invoice=invoice, txn=event.transaction_id)
        return done(ProviderEvent.Status.APPLIED, f"payment {payment.pk}")


def _pay_online(*, invoice: Invoice, txn: str, received_at=None) -> Payment:
    """An online payment of a locked, unpaid invoice: the payment, its
    receipt and what paying it does (`invoice_paid_effects`: the request's
    next step, or its bills paid), in the caller's transaction."""
    now = timezone.now()
    system = online_payments_user()
    payment = Payment.objects.create(
        invoice=invoice,
        method=Payment.Method.ONLINE,
        amount=invoice.total,
        office=invoice.office,
        received_by=system,
        received_at=received_at or now,
        provider_txn=txn,
    )
    invoice.status, invoice.paid_at = Invoice.Status.PAID, payment.received_at
    invoice.save(update_fields=["status", "paid_at"])
    receipt_issue(payment=payment, user=None)
    invoice_paid_effects(invoice=invoice, payment=payment, user=system, paid_at=now)
    return payment


# Settlement files -------------------------------------------------------------------


def settlement_upload(
    *, filename: str, data: bytes, user, office=None, schedule: bool = True
):
    """Store an uploaded settlement file for an office tree and have a task
    match it. A supervisor imports for their own office (and the offices
    below it); an administrator for the office given, or for every office.
    The same file twice for one tree is refused; each tree may import it."""
    import hashlib

    from accounts.models import User
    from payments.models import Settlement

    _finance_only(user)
    if user.role != User.Role.ADMIN:
        if user.office_id is None:
            raise PermissionDenied(_("Only finance supervisors may settle bank lines."))
        office = user.office
    digest = hashlib.sha256(data).hexdigest()
    if Settlement.objects.filter(sha256=digest, office=office).exists():
        raise ValidationError({"file": _("This file was imported already.")})
    settlement = Settlement.objects.create(
        filename=filename[:200],
        content=data,
        sha256=digest,
        office=office,
        uploaded_by=user,
    )
    if schedule:
        # broker down: the page offers to run it again
        delay_on_commit(
            "payments.tasks.settlement_reconcile",
            settlement.pk,
            warning="settlement %s: broker unreachable",
            logger=logger,
        )
    return settlement


def _lines_of_tree(lines, office) -> tuple[list, int]:
    """The file's lines that belong to the tree of `office` (every line when
    None): those whose reference names an office of the tree, or no office of
    ours at all. The count of the others is returned with them."""
    from accounts.models import Office

    if office is None:
        return list(lines), 0
    codes = {Invoice.office_code_from_ref(line.ref1) for line in lines} - {""}
    paths = dict(Office.objects.filter(code__in=codes).values_list("code", "path"))
    kept = [
        line
        for line in lines
        if paths.get(Invoice.office_code_from_ref(line.ref1), office.path).startswith(
            office.path
        )
    ]
    return kept, len(lines) - len(kept)


def settlement_reconcile(*, settlement_id: int, chunk: int = 500) -> dict:
    """Parse, match against our online payments of the file's day, store the
    report; progress is saved per chunk for the page to show."""
    from payments import settlement as s
    from payments.models import Settlement, SettlementRow

    settlement = Settlement.objects.select_related("office").get(pk=settlement_id)
    try:
        parsed = s.parse(bytes(settlement.content))
    except (s.SettlementFormatError, ValueError, UnicodeDecodeError) as exc:
        settlement.status, settlement.error = Settlement.Status.FAILED, str(exc)[:300]
        settlement.save(update_fields=["status", "error"])
        return {}
    settlement.bank, settlement.effective = parsed.bank, parsed.effective
    settlement.status, settlement.total_lines = (
        Settlement.Status.RUNNING,
        len(parsed.lines),
    )
    parsed.lines, settlement.other_lines = _lines_of_tree(
        parsed.lines, settlement.office
    )
    settlement.save(
        update_fields=["bank", "effective", "status", "total_lines", "other_lines"]
    )
    payments = Payment.objects.filter(
        method=Payment.Method.ONLINE, received_at__date=parsed.effective
    ).select_related("invoice")
    if settlement.office is not None:  # the tree's payments only
        payments = payments.filter(office__path__startswith=settlement.office.path)
    rows = s.match(parsed, list(payments))
    SettlementRow.objects.filter(settlement=settlement).delete()
    for start in range(0, len(rows), chunk):
        SettlementRow.objects.bulk_create(
            SettlementRow(
                settlement=settlement,
                result=row["result"],
                line_seq=row["line"].seq if row["line"] else None,
                ref1=(
                    row["line"].ref1
                    if row["line"]
                    else (
                        row["payment"].invoice.bank_ref1
                        or row["payment"].invoice.payment_ref
                    )
                ),
                ref2=row["line"].ref2
                if row["line"]
                else row["payment"].invoice.bank_ref2,
                file_amount=row["line"].amount if row["line"] else None,
                paid_at=row["line"].paid_at
                if row["line"]
                else row["payment"].received_at,
                payment=row["payment"],
            )
            for row in rows[start : start + chunk]
        )
        done = sum(1 for row in rows[: start + chunk] if row["line"])
        Settlement.objects.filter(pk=settlement.pk).update(processed=done)
    counts = dict(Counter(row["result"] for row in rows))
    Settlement.objects.filter(pk=settlement.pk).update(
        status=Settlement.Status.DONE, counts=counts, processed=settlement.total_lines
    )
    return counts


# Settlement discrepancies: what finance does about them ------------------------------


def _finance_only(user) -> None:
    from accounts.models import User

    if user.role not in (User.Role.SUPERVISOR, User.Role.ADMIN):
        raise PermissionDenied(_("Only finance supervisors may settle bank lines."))


def settlement_covered(user, settlement) -> bool:
    """Whether `user`'s scope holds the settlement's office tree (an import
    for every office: administrators only)."""
    from accounts.models import User
    from accounts.offices import covers_office

    if user.role == User.Role.ADMIN:
        return True
    return settlement.office is not None and covers_office(user, settlement.office)


def _locked_open_row(row_id: int, results: tuple, user):
    """The row, locked, if `user` may act on it: a supervisor of its tree
    (else PermissionDenied: the view answers 404) who did not upload its
    file (four eyes: a clear refusal)."""
    from payments.models import SettlementRow

    row = (
        SettlementRow.objects.select_for_update(of=("self",))
        .select_related("settlement__office", "payment__invoice")
        .get(pk=row_id)
    )
    if not settlement_covered(user, row.settlement):
        raise PermissionDenied(_("Only finance supervisors may settle bank lines."))
    if row.settlement.uploaded_by_id == user.pk:
        raise ServiceError(
            _(
                "You uploaded this file: another supervisor of the office must "
                "post its lines or raise their refunds (four eyes)."
            )
        )
    if row.resolution:
        raise ServiceError(_("This bank line was dealt with already."))
    if row.result not in results:
        raise ServiceError(_("Nothing is to be done about this line."))
    return row


def _done(row, user, resolution, **fields) -> None:
    row.resolution, row.resolved_by, row.resolved_at = resolution, user, timezone.now()
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=["resolution", "resolved_by", "resolved_at", *fields])


def _in_scope(invoice: Invoice, user) -> bool:
    from requests_app.selectors import office_scope_q

    return Invoice.objects.filter(office_scope_q(user), pk=invoice.pk).exists()


def settlement_row_post(*, row, user) -> Payment:
    """A bank line we have no payment for (a Thai QR payment whose notification
    never reached us): after review, post it as the invoice's payment, with the
    bank's time, a receipt and the request's next step, exactly once."""
    from payments.models import SettlementRow
    from requests_app.selectors import office_scope_q

    _finance_only(user)
    with transaction.atomic():
        row = _locked_open_row(row.pk, (SettlementRow.Result.MISSING_HERE,), user)
        invoice = _lock_invoice(
            Invoice.objects.select_related("request__office").filter(
                office_scope_q(user), number=Invoice.number_from_ref(row.ref1)
            )
        )
        if invoice is None and row.ref2:  # a paper bill's references
            invoice = invoice_for_bank_refs(ref1=row.ref1, ref2=row.ref2)
            if invoice is not None and not _in_scope(invoice, user):
                invoice = None
        if invoice is None:
            raise ServiceError(
                _("No invoice has the reference %(ref)s; ask the bank.")
                % {"ref": row.ref1}
            )
        if invoice.status == Invoice.Status.PAID:
            raise ServiceError(
                _("Invoice %(number)s is paid already: refund this line instead.")
                % {"number": invoice.number}
            )
        if invoice.status != Invoice.Status.UNPAID:
            raise ServiceError(
                _("Invoice %(number)s was cancelled: refund this line instead.")
                % {"number": invoice.number}
            )
        refusal = invoice_payment_refusal(
            invoice=invoice, on_date=timezone.localdate(row.paid_at)
        )
        if refusal:
            raise ServiceError(refusal + " " + _("Refund this line instead."))
        if row.file_amount != invoice.total:
            raise ServiceError(
                _("The bank paid %(paid)s baht; invoice %(number)s is for %(total)s.")
                % {
                    "paid": f"{row.file_amount:,.2f}",
                    "number": invoice.number,
                    "total": f"{invoice.total:,.2f}",
                }
            )
        s = row.settlement
        txn = f"BANK-{s.bank}-{s.effective:%Y%m%d}-{row.line_seq}"
        payment = _pay_online(invoice=invoice, txn=txn, received_at=row.paid_at)
        _done(row, user, SettlementRow.Resolution.POSTED, payment=payment)
    return payment


def settlement_row_refund(*, row, user) -> Refund:
    """Money the bank collected that we owe back: a line paid twice, a second
    payment of a paid (or cancelled) invoice, or more than the invoice. It
    becomes an over-payment refund awaiting a supervisor's approval."""
    from payments.models import SettlementRow
    from requests_app.selectors import office_scope_q

    _finance_only(user)
    result = SettlementRow.Result
    with transaction.atomic():
        row = _locked_open_row(
            row.pk,
            (result.DUPLICATE, result.MISSING_HERE, result.AMOUNT_MISMATCH),
            user,
        )
        invoice = (
            Invoice.objects.select_related("request")
            .filter(office_scope_q(user))
            .filter(
                pk=row.payment.invoice_id
                if row.payment
                else Invoice.objects.filter(
                    number=Invoice.number_from_ref(row.ref1)
                ).values("pk")[:1]
            )
            .first()
        )
        if invoice is None and row.payment is None and row.ref2:
            # A paper bill's references: the bill's last paid invoice.
            invoice = (
                Invoice.objects.select_related("request")
                .filter(office_scope_q(user))
                .filter(
                    bank_ref1=row.ref1.strip().upper(),
                    bank_ref2=row.ref2.strip().upper(),
                )
                .exclude(status=Invoice.Status.UNPAID)
                .order_by("-pk")
                .first()
            )
        if invoice is None:
            raise ServiceError(
                _("No invoice has the reference %(ref)s; ask the bank.")
                % {"ref": row.ref1}
            )
        amount = row.file_amount
        if row.result == result.AMOUNT_MISMATCH:
            amount = row.file_amount - row.payment.amount
        if invoice.status == Invoice.Status.UNPAID:
            raise ServiceError(
                _("Invoice %(number)s is unpaid: post this line as its payment.")
                % {"number": invoice.number}
            )
        if amount <= 0:
            raise ServiceError(
                _("The bank collected less than we did; nothing to refund.")
            )
        s = row.settlement
        if Payment.objects.filter(
            invoice=invoice,
            provider_txn=f"BANK-{s.bank}-{s.effective:%Y%m%d}-{row.line_seq}",
        ).exists():
            raise ServiceError(
                _("This bank line was posted as the payment from another report.")
            )
        if invoice.request_id is None and invoice.refunds.exists():
            raise ServiceError(
                _("A refund was raised on invoice %(number)s already.")
                % {"number": invoice.number}
            )
        refund = Refund.objects.create(
            raised_by=user,
            invoice=invoice if invoice.request_id is None else None,
            request=invoice.request,
            kind=Refund.Kind.OVERPAYMENT,
            amount=amount,
            **text_fields(
                "reason",
                SystemMessage(
                    "overpayment",
                    number=invoice.number,
                    line=row.line_seq,
                    date=row.settlement.effective.isoformat(),
                ),
            ),
        )
        _done(row, user, SettlementRow.Resolution.REFUND, refund=refund)
    return refund


def refund_record_paid_out(*, refund: Refund, user) -> Refund:
    """An approved over-payment refund handed back (cash or transfer) by staff
    of the office. Fee and deposit refunds are paid out by their request's
    own step instead."""
    from requests_app.permissions import COUNTER_ROLES, staff_may

    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("request__office", "invoice__office")
            .get(pk=refund.pk)
        )
        if not staff_may(COUNTER_ROLES)(refund.request or refund.invoice, user):
            raise PermissionDenied(_("You may not do this on this request."))
        if refund.kind != Refund.Kind.OVERPAYMENT:
            raise ServiceError(_("This refund is paid out on its request's page."))
        if refund.status != Refund.Status.APPROVED:
            raise ServiceError(_("A supervisor must approve the refund first."))
        refund.status, refund.paid_at, refund.paid_by = (
            Refund.Status.PAID,
            timezone.now(),
            user,
        )
        refund.save(update_fields=["status", "paid_at", "paid_by"])
    return refund

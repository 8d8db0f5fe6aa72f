"""Paying electricity bills through the payments app: one invoice of kind
"bills" per payment, one line and one BillPaymentItem per bill, paid by the
same provider checkout, callbacks, counter cash, receipts and refunds as a
request's fees (payments.services). payments calls back here by dotted paths
(settings.INVOICE_PAID_EFFECTS, PAYMENT_REFERENCE_RESOLVERS); it never
imports bills.

A bill is paid at most once: the first payment of an invoice holding it
settles it; a later payment of another invoice holding it is still recorded
(the money was taken) and its amount for that bill becomes an over-payment
refund awaiting a supervisor's approval (`bills_settle`)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bills.models import Bill, BillPaymentItem
from payments.models import FeeItem, Invoice, Payment, Refund
from payments.services import invoice_create, payment_record_cash
from requests_app.notes import SystemMessage, text_fields


def bill_line_names(bill: Bill) -> tuple[str, str]:
    """The invoice line of a bill, in Thai (Buddhist-era year) and English."""
    month, year = bill.period.month, bill.period.year
    ca = bill.account.ca_number
    return (
        f"ค่าไฟฟ้า {month:02d}/{year + 543} CA {ca} เลขที่ {bill.number}",
        f"Electricity bill {month:02d}/{year} CA {ca} No. {bill.number}",
    )


def _lines(bills) -> list:
    return [(FeeItem.Kind.BILL, *bill_line_names(b), b.total) for b in bills]


def _bills_invoice(
    *, bills, created_by, office, customer, payer_name, bank_refs=("", "")
):
    invoice = invoice_create(
        kind=Invoice.Kind.BILLS,
        office=office,
        customer=customer,
        payer_name=payer_name,
        created_by=created_by,
        lines=_lines(bills),
        bank_refs=bank_refs,
    )
    BillPaymentItem.objects.bulk_create(
        BillPaymentItem(invoice=invoice, bill=b, amount=b.total) for b in bills
    )
    return invoice


def _refuse_unpayable(bills) -> None:
    paid = [b.number for b in bills if b.status != Bill.Status.UNPAID]
    if paid:
        raise ValidationError(
            {
                "bills": _(
                    "Bill %(numbers)s is paid or cancelled already; "
                    "it cannot be paid again."
                )
                % {"numbers": ", ".join(paid)}
            }
        )


def _ordered(numbers) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in numbers if n and n.strip()))


@transaction.atomic
def bill_payment_start(*, user, numbers: list[str]) -> Invoice:
    """The invoice a customer pays their chosen bills with (of their linked
    accounts, any of them). The bills are locked while it is made: a bill paid
    or cancelled already is refused with its number. Choosing again exactly
    the bills of an open invoice of theirs gives that invoice back (a second
    click, back from the provider's page) instead of a second one; an older
    invoice holding some of them stays payable, and should it be paid too,
    the bill paid twice becomes an over-payment refund (`bills_settle`)."""
    numbers = _ordered(numbers)
    if not numbers:
        raise ValidationError({"bills": _("Choose at least one bill to pay.")})
    bills = list(
        Bill.objects.select_for_update(of=("self",))
        .select_related("account__office")
        .filter(
            number__in=numbers,
            account__customer=user,
            account__customer__isnull=False,
        )
        .order_by("due_date", "account__ca_number", "number")
    )
    if len(bills) != len(numbers):
        # Someone else's bill or no bill: nothing said about which.
        raise ValidationError({"bills": _("A bill you chose is not yours to pay.")})
    _refuse_unpayable(bills)
    wanted = {b.pk for b in bills}
    for invoice in Invoice.objects.filter(
        kind=Invoice.Kind.BILLS,
        customer=user,
        status=Invoice.Status.UNPAID,
        bill_items__bill__in=wanted,
    ).distinct():
        if set(invoice.bill_items.values_list("bill_id", flat=True)) == wanted:
            return invoice
    return _bills_invoice(
        bills=bills,
        created_by=user,
        office=bills[0].account.office,
        customer=user,
        payer_name=user.get_full_name(),
    )


def bills_settle(*, invoice: Invoice, payment: Payment, user, paid_at) -> None:
    """settings.INVOICE_PAID_EFFECTS["bills"]: in the payment's transaction,
    the invoice's bills become paid by it; a bill another payment settled
    meanwhile (or cancelled) is not paid again: its amount becomes one
    over-payment refund of the invoice, due for a supervisor's approval."""
    items = list(BillPaymentItem.objects.filter(invoice=invoice).select_related("bill"))
    bills = {
        b.pk: b
        for b in Bill.objects.select_for_update().filter(
            pk__in=[i.bill_id for i in items]
        )
    }
    twice, owed = [], Decimal("0.00")
    for item in items:
        bill = bills[item.bill_id]
        if bill.status == Bill.Status.UNPAID:
            bill.status, bill.paid_invoice, bill.paid_at = (
                Bill.Status.PAID,
                invoice,
                paid_at,
            )
            bill.save(update_fields=["status", "paid_invoice", "paid_at", "updated_at"])
        else:
            twice.append(bill.number)
            owed += item.amount
    if owed > 0:
        Refund.objects.create(
            invoice=invoice,
            request=None,
            kind=Refund.Kind.OVERPAYMENT,
            amount=owed,
            **text_fields(
                "reason",
                SystemMessage(
                    "bill_paid_twice", bills=", ".join(twice), number=invoice.number
                ),
            ),
        )


def bill_invoice_for_refs(*, ref1: str, ref2: str) -> Invoice | None:
    """settings.PAYMENT_REFERENCE_RESOLVERS: a paper bill's Thai QR names the
    CA (reference 1) and the bill (reference 2). The invoice a bank payment
    by them pays: an unpaid one made for them before, else a new one for the
    bill (its linked customer's, or nobody's; its account's office). A bill
    paid already gets one too: the payment is recorded and refunded."""
    bill = (
        Bill.objects.select_related("account__office", "account__customer")
        .filter(number=ref2, account__ca_number=ref1)
        .first()
    )
    if bill is None:
        return None
    open_one = (
        Invoice.objects.filter(
            kind=Invoice.Kind.BILLS,
            bank_ref1=ref1,
            bank_ref2=ref2,
            status=Invoice.Status.UNPAID,
        )
        .order_by("pk")
        .first()
    )
    if open_one is not None:
        return open_one
    from payments.services import online_payments_user

    account = bill.account
    return _bills_invoice(
        bills=[bill],
        created_by=online_payments_user(),
        office=account.office,
        customer=account.customer,
        payer_name=account.holder_name
        or (account.customer.get_full_name() if account.customer else ""),
        bank_refs=(ref1, ref2),
    )


def bills_pay_cash(*, user, ca_number: str, numbers: list[str], amount) -> Payment:
    """Cash for some unpaid bills of one account at any PEA counter: one
    invoice of the counter's office, one payment, one receipt listing the
    bills (payment_record_cash: locked, exact amount, refused when paid). A
    bill paid meanwhile is refused here: the payer is at the counter."""
    from requests_app.permissions import COUNTER_ROLES

    if user.role not in COUNTER_ROLES or user.office_id is None:
        raise PermissionDenied(_("Only counter staff of an office take cash."))
    numbers = _ordered(numbers)
    if not numbers:
        raise ValidationError({"bills": _("Tick at least one bill to pay.")})
    with transaction.atomic():
        bills = list(
            Bill.objects.select_for_update(of=("self",))
            .select_related("account__customer")
            .filter(number__in=numbers, account__ca_number=ca_number)
            .order_by("due_date", "number")
        )
        if len(bills) != len(numbers):
            raise ValidationError(
                {"bills": _("A bill ticked is not a bill of this account.")}
            )
        _refuse_unpayable(bills)
        total = sum((b.total for b in bills), Decimal("0.00"))
        if amount is None or Decimal(amount) != total:
            raise ValidationError(
                {
                    "amount": _("The amount must be exactly %(total)s baht.")
                    % {"total": f"{total:,.2f}"}
                }
            )
        account = bills[0].account
        invoice = _bills_invoice(
            bills=bills,
            created_by=user,
            office=user.office,
            customer=account.customer,
            payer_name=account.holder_name
            or (account.customer.get_full_name() if account.customer else ""),
        )
        return payment_record_cash(invoice=invoice, user=user, amount=amount)

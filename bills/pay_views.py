"""Paying bills: the customer's pay page (/bills/pay/: choose, review,
then the provider's page as for any invoice) and the counter's cash for any
account's bills (/staff/bills/counter/)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bills.pay_selectors import (
    PAY_PAGE_BILLS,
    account_get_for_counter,
    bills_payable_by_customer,
    bills_unpaid_of_account,
    may_take_bill_cash,
)
from bills.paying import bill_payment_start, bills_pay_cash
from core.dates import format_month
from core.decorators import staff_required


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _first_due(queryset) -> tuple[list, bool]:
    """The PAY_PAGE_BILLS bills due first, and whether more wait behind them
    (they show once these are paid: the oldest debts first)."""
    rows = list(queryset[: PAY_PAGE_BILLS + 1])
    return _labelled(rows[:PAY_PAGE_BILLS]), len(rows) > PAY_PAGE_BILLS


def _labelled(bills: list) -> list:
    """Each bill with its month as the reader's calendar writes it."""
    for b in bills:
        b.period_label = format_month(b.period)
    return bills


@login_required
def pay(request):
    """Choose bills (GET ?bill=<number> repeated ticks them), review the
    total, pay: one invoice, then the provider's page as for a fee invoice
    (payments.views.pay_online), and back to its outcome page."""
    bills, more = _first_due(bills_payable_by_customer(request.user))
    source = request.POST if request.method == "POST" else request.GET
    chosen = [n for n in source.getlist("bill") if n]
    step = request.POST.get("step", "") if request.method == "POST" else ""
    errors: list[str] = []
    if step in ("review", "pay"):
        picked = [b for b in bills if b.number in set(chosen)]
        if not chosen:
            errors = [_("Choose at least one bill to pay.")]
        elif len(picked) != len(set(chosen)):
            errors = [
                _(
                    "A bill you chose can no longer be paid here (paid already, "
                    "or not one of your accounts'). Choose again."
                )
            ]
        elif step == "review":
            return render(
                request,
                "bills/pay_review.html",
                {"bills": picked, "total": sum((b.total for b in picked), Decimal())},
            )
        else:
            try:
                invoice = bill_payment_start(user=request.user, numbers=chosen)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                from payments.views import pay_online

                return pay_online(request, invoice.number)
    ticked = set(chosen)
    return render(
        request,
        "bills/pay.html",
        {
            "bills": bills,
            "more": more,
            "ticked": ticked,
            "total": sum((b.total for b in bills if b.number in ticked), Decimal()),
            "errors": errors,
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


@staff_required
def counter(request):
    """Counter staff of any office: look an account up by its CA number, tick
    the bills paid, enter the cash received, confirm: one payment, one
    receipt listing the bills."""
    if not may_take_bill_cash(request.user):
        raise PermissionDenied(_("Only counter staff of an office take cash."))
    source = request.POST if request.method == "POST" else request.GET
    ca = source.get("ca", "").strip()
    ctx = {"ca": ca, "account": None, "bills": [], "errors": [], "ticked": set()}
    if not ca:
        return render(request, "bills/counter.html", ctx)
    try:
        account = account_get_for_counter(request.user, ca)
    except Http404:
        ctx["errors"] = [_("No account has the CA number %(ca)s.") % {"ca": ca}]
        return render(request, "bills/counter.html", ctx, status=404)
    ctx["account"] = account
    ctx["bills"], ctx["more"] = _first_due(bills_unpaid_of_account(account))
    if request.method == "POST":
        ticked = [n for n in request.POST.getlist("bill") if n]
        amount_text = request.POST.get("amount", "").strip().replace(",", "")
        ctx["ticked"], ctx["amount"] = set(ticked), request.POST.get("amount", "")
        try:
            amount = Decimal(amount_text) if amount_text else None
        except InvalidOperation:
            amount = None
        try:
            if amount is None:
                raise ValidationError(
                    {"amount": _("Enter the amount received in baht, e.g. 1234.50.")}
                )
            payment = bills_pay_cash(
                user=request.user, ca_number=account.ca_number, numbers=ticked,
                amount=amount,
            )  # fmt: skip
        except ValidationError as exc:
            ctx["errors"] = _errors(exc)
            return render(request, "bills/counter.html", ctx, status=400)
        receipt = payment.receipts.get(kind="receipt")
        messages.success(
            request,
            _("Received %(amount)s baht. Receipt %(number)s.")
            % {"amount": f"{payment.amount:,.2f}", "number": receipt.number},
        )
        url = reverse("bills_staff:counter")
        return redirect(f"{url}?ca={account.ca_number}&receipt={receipt.number}")
    ctx["receipt"] = request.GET.get("receipt", "")
    return render(request, "bills/counter.html", ctx)

"""The customer's bills: an account's page (its current bill first, the
usage of the last 12 or 24 months as a chart and a table, then the history),
a bill's page, and its PDF (rendered by the worker, bills.documents)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from bills.documents import (
    bill_pdf_open,
    bill_pdf_request,
    bill_pdf_stored,
    bill_qr,
)
from bills.models import Bill
from bills.overdue import account_owes
from bills.selectors import (
    account_get_for_customer,
    bill_get_for_customer,
    bill_receipt,
    bills_of_account,
    usage_of_account,
)
from bills.views_common import customer_only
from core import charts
from core.qr import qr_svg
from requests_app.documents import file_response

HISTORY_PAGE = 12
USAGE_MONTHS = (12, 24)
CHART_W, CHART_H = 360, 160


def _months(request) -> int:
    try:
        months = int(request.GET.get("months", USAGE_MONTHS[0]))
    except ValueError:
        months = USAGE_MONTHS[0]
    return months if months in USAGE_MONTHS else USAGE_MONTHS[0]


def _overdue(bill, today) -> bool:
    return bill.status == Bill.Status.UNPAID and bill.due_date < today


def usage_chart(usage: list[Bill]) -> list[dict]:
    """The kWh of each month as bars of an inline SVG, with its bill."""
    laid = charts.bars([b.kwh for b in usage], width=CHART_W, height=CHART_H)
    return [{**bar, "bill": b} for bar, b in zip(laid, usage, strict=True)]


@login_required
def account(request, ca):
    """An account's bills: this month's bill first, its usage, its history."""
    customer_only(request.user)
    account = account_get_for_customer(request.user, ca)
    months = _months(request)
    usage = usage_of_account(account, months=months)
    history = Paginator(bills_of_account(account), HISTORY_PAGE).get_page(
        request.GET.get("page")
    )
    current = bills_of_account(account).first()
    today = timezone.localdate()
    notice = (
        bills_of_account(account)
        .filter(status=Bill.Status.UNPAID, disconnect_from__isnull=False)
        .order_by("disconnect_from")
        .first()
    )
    return render(
        request,
        "bills/account.html",
        {
            "account": account,
            "current": current,
            "current_overdue": bool(current and _overdue(current, today)),
            # A disconnection notice still open: what is owed, and from when
            # the supply may be cut (bills.overdue).
            "notice": notice,
            "owed": account_owes(account) if notice else None,
            "usage": usage,
            "bars": usage_chart(usage),
            "chart_w": CHART_W,
            "chart_h": CHART_H,
            "months": months,
            "usage_months": USAGE_MONTHS,
            "page": history,
            "keep": f"months={months}",
            "today": today,
        },
    )


@login_required
def bill(request, number):
    """One bill as the paper bill has it, with Pay and its Thai QR while
    unpaid, and its receipt once the portal took its payment."""
    customer_only(request.user)
    bill = bill_get_for_customer(request.user, number)
    today = timezone.localdate()
    unpaid = bill.status == Bill.Status.UNPAID
    qr = None
    if unpaid:
        qr = bill_qr(bill)
        qr["svg"] = mark_safe(qr_svg(qr["payload"], box_size=6))  # noqa: S308 - our SVG
    return render(
        request,
        "bills/bill.html",
        {
            "bill": bill,
            "account": bill.account,
            "unpaid": unpaid,
            "overdue": _overdue(bill, today),
            "qr": qr,
            "receipt": bill_receipt(bill),
        },
    )


@login_required
def bill_pdf(request, number):
    """The bill's PDF; while the worker renders it, a page that says so
    (202) and offers to try again."""
    customer_only(request.user)
    bill = bill_get_for_customer(request.user, number)
    name = bill_pdf_stored(bill)
    if name is None:
        bill_pdf_request(bill)
        return render(
            request,
            "payments/pdf_pending.html",
            {"title": _("Electricity bill"), "number": bill.number},
            status=202,
        )
    return file_response(
        bill_pdf_open(name),
        filename=f"{bill.number}.pdf",
        content_type="application/pdf",
    )

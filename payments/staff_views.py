"""Back-office: settlement files (upload, progress, report, CSV)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import csv_export
from core.decorators import staff_required
from payments.models import SettlementRow
from payments.selectors import (
    settlement_get_for_user,
    settlement_row_get_for_user,
    settlements_for_user,
)
from payments.services import settlement_upload
from requests_app.documents import content_disposition

MAX_FILE = 20 * 1024 * 1024


class SettlementForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Settlement file (256-character records)")
    )


def _finance(user) -> None:
    if user.role not in (User.Role.SUPERVISOR, User.Role.ADMIN):
        raise Http404


def _money_roles(user) -> None:
    """The office's cash and refunds are counter work: field staff (surveyors,
    technicians) are refused, as other roles are refused other pages."""
    from payments.selectors import may_handle_money

    if not may_handle_money(user):
        raise PermissionDenied(_("Your role does not handle the office's money."))


@staff_required
def settlements(request):
    _finance(request.user)
    form = SettlementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            try:
                with transaction.atomic():
                    s = settlement_upload(
                        filename=upload.name, data=upload.read(), user=request.user
                    )
            except ValidationError as exc:
                form.add_error("file", " ".join(exc.messages))
            else:
                messages.success(request, _("File received; matching has started."))
                return redirect("staff:settlement", pk=s.pk)
    page = Paginator(settlements_for_user(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "payments/settlements.html", {"form": form, "page": page})


@staff_required
def settlement(request, pk):
    _finance(request.user)
    s = settlement_get_for_user(request.user, pk)
    result = request.GET.get("result", "")
    rows = s.rows.select_related("payment__invoice", "refund", "resolved_by")
    if result in SettlementRow.Result.values:
        rows = rows.filter(result=result)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = content_disposition(f"settlement-{s.pk}.csv")
        response["Cache-Control"] = "private, no-store"
        response.write("\ufeff")
        writer = csv_export.writer(response)
        writer.writerow(
            [
                "result",
                "line",
                "ref1",
                "ref2",
                "file_amount",
                "our_amount",
                csv_export.zone_heading("paid_at"),
            ]
        )
        for r in rows.iterator():
            writer.writerow(
                [
                    r.result,
                    r.line_seq or "",
                    r.ref1,
                    r.ref2,
                    r.file_amount or "",
                    r.payment.amount if r.payment else "",
                    csv_export.local_time(r.paid_at),
                ]
            )
        return response
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/settlement.html",
        {
            "s": s,
            "page": page,
            "result": result,
            "results": SettlementRow.Result.choices,
            "keep": f"result={result}" if result else "",
            "line_actions": _line_actions(page, request.user),
            "uploader": s.uploaded_by_id == request.user.pk,
        },
    )


def _line_actions(page, user) -> dict[str, str]:
    """For the page's unresolved bank lines with no payment of ours, by
    reference: "post" when the invoice is unpaid, "refund" when it is paid or
    cancelled, "" when no invoice of the user's offices has it (the bank
    returns that money). One query for the page."""
    from payments.models import Invoice
    from requests_app.selectors import office_scope_q

    refs = {
        r.ref1: Invoice.number_from_ref(r.ref1)
        for r in page.object_list
        if r.result == SettlementRow.Result.MISSING_HERE and not r.resolution
    }
    status = dict(
        Invoice.objects.filter(
            office_scope_q(user), number__in=set(refs.values()) - {""}
        ).values_list("number", "status")
    )
    return {
        ref: {None: "", Invoice.Status.UNPAID: "post"}.get(status.get(n), "refund")
        for ref, n in refs.items()
    }


@staff_required
def refunds(request):
    """Refunds of the user's offices; supervisors approve those awaiting it."""
    from payments.models import Refund
    from requests_app.selectors import office_scope_q

    _money_roles(request.user)
    status = request.GET.get("status", Refund.Status.DUE)
    if status not in Refund.Status.values:
        status = Refund.Status.DUE
    from django.db.models import Q

    # A bill payment's refund has no request: its invoice's office.
    qs = (
        Refund.objects.filter(
            office_scope_q(request.user, prefix="request__office__")
            | (
                Q(request__isnull=True)
                & office_scope_q(request.user, prefix="invoice__office__")
            )
        )
        .filter(status=status)
        .select_related(
            "request__service",
            "request__applicant",
            "approved_by",
            "invoice__customer",
        )
        .order_by("created_at", "id")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/refunds.html",
        {
            "page": page,
            "status": status,
            "statuses": Refund.Status.choices,
            "may_approve": request.user.role == User.Role.SUPERVISOR,
            "keep": f"status={status}",
        },
    )


def _act(request, action, success) -> bool:
    """Run a service for a POST; its refusal becomes a message, a permission
    refusal a 404 (no hint that the object exists)."""
    from core.errors import ServiceError

    if request.method != "POST":
        raise Http404
    try:
        result = action()
    except (ServiceError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return False
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, success(result))
    return True


@staff_required
def refund_approve_view(request, pk):
    from payments.models import Refund
    from payments.services import refund_approve

    refund = get_object_or_404(Refund, pk=pk)
    _act(
        request,
        lambda: refund_approve(refund=refund, user=request.user),
        lambda r: _("Refund %(number)s approved.") % {"number": r.number},
    )
    return redirect("staff:refunds")


@staff_required
def refund_paid_out_view(request, pk):
    from payments.models import Refund
    from payments.services import refund_record_paid_out

    refund = get_object_or_404(Refund, pk=pk)
    _act(
        request,
        lambda: refund_record_paid_out(refund=refund, user=request.user),
        lambda r: _("Refund %(number)s recorded as paid out.") % {"number": r.number},
    )
    return redirect(f"{reverse('staff:refunds')}?status=approved")


@staff_required
def settlement_row_action(request, pk, action):
    """Post a bank line as the payment it is, or raise a refund for money the
    bank collected twice or too much."""
    from payments.services import settlement_row_post, settlement_row_refund

    _finance(request.user)
    row = settlement_row_get_for_user(request.user, pk)
    if action == "post":
        _act(
            request,
            lambda: settlement_row_post(row=row, user=request.user),
            lambda p: (
                _("Posted as the payment of invoice %(number)s; receipt issued.")
                % {"number": p.invoice.number}
            ),
        )
    elif action == "refund":
        _act(
            request,
            lambda: settlement_row_refund(row=row, user=request.user),
            lambda r: (
                _("Refund of %(amount)s baht raised; it awaits approval.")
                % {"amount": f"{r.amount:,.2f}"}
            ),
        )
    else:
        raise Http404
    back = reverse("staff:settlement", args=[row.settlement_id])
    result = request.POST.get("result", "")
    return redirect(
        f"{back}?result={result}" if result in SettlementRow.Result else back
    )


def _day(request):
    from datetime import date

    from django.utils import timezone

    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


@staff_required
def cash_summary(request):
    """The day's counter cash of the user's offices, per clerk (the drawer
    count at closing)."""
    from django.db.models import Count, Sum

    from payments.models import Payment
    from requests_app.selectors import office_scope_q

    _money_roles(request.user)
    day = _day(request)
    qs = Payment.objects.filter(
        office_scope_q(request.user, prefix="office__"),
        method=Payment.Method.CASH,
        received_at__date=day,
    )
    per_clerk = list(
        qs.values(
            "received_by__username",
            "received_by__first_name",
            "received_by__last_name",
            "office__code",
        )
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by("office__code", "received_by__username")
    )
    page = Paginator(
        qs.select_related("invoice__request", "received_by").order_by("received_at"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/cash_summary.html",
        {
            "day": day,
            "per_clerk": per_clerk,
            "page": page,
            "total": sum((r["total"] for r in per_clerk), 0),
            "keep": f"date={day.isoformat()}",
        },
    )


@staff_required
def finance_daily_csv(request):
    """The day's takings for finance (SAP posting): per office and method, the
    count, amount before VAT, VAT and total, from the receipts issued."""
    from django.db.models import Count, Sum

    from payments.models import Receipt
    from requests_app.selectors import office_scope_q

    _finance(request.user)
    day = _day(request)
    rows = (
        Receipt.objects.filter(
            office_scope_q(request.user, prefix="office__"), issued_at__date=day
        )
        .values("office__code", "kind", "payment__method")
        .annotate(n=Count("id"), net=Sum("net"), vat=Sum("vat"), total=Sum("total"))
        .order_by("office__code", "kind", "payment__method")
    )
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = content_disposition(
        f"pea-takings-{day.isoformat()}.csv"
    )
    response["Cache-Control"] = "private, no-store"
    writer = csv_export.writer(response)
    writer.writerow(
        ["posting_date", "office", "document", "method", "count", "net", "vat", "total"]
    )
    for r in rows:
        writer.writerow(
            [
                day.isoformat(),
                r["office__code"],
                r["kind"],
                r["payment__method"],
                r["n"],
                r["net"],
                r["vat"],
                r["total"],
            ]
        )
    return response

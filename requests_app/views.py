"""Customer screens: catalog, filing, my requests, request detail, documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.selectors import (
    escalation_contact,
    office_for_customer_pick,
    offices_to_pick,
)
from core.errors import ServiceError
from meters.selectors import accounts_for_customer, meter_sizes_in_use
from payments.selectors import fees_in_force
from requests_app import selectors, services
from requests_app.display import (
    charges_text,
    flow_forms,
    promise_text,
    request_facts,
    sla_status,
    step_text,
    step_time_text,
    wiring_standard_rows,
)
from requests_app.documents import INLINE_CONTENT_TYPES, file_response
from requests_app.filing import file_from_form, filing_form, keep_uploads
from requests_app.forms import DocumentUploadForm
from requests_app.machine import step_declaration, step_form, step_perform
from requests_app.models import ServiceType

PAGE_SIZE = 20


def home(request):
    if request.user.is_authenticated and request.user.is_office_staff:
        return redirect("staff:queue")
    # Services customers can file online; the rest are in the charter.
    services_ = (
        ServiceType.objects.filter(is_active=True, started_by="customer")
        .exclude(flow="")
        .order_by("sort_order")
    )
    return render(request, "requests_app/home.html", {"services": services_})


def charter_index(request):
    """The published charter: every service, whether or not it is online yet."""
    services_ = ServiceType.objects.filter(is_active=True).order_by(
        "sort_order", "code"
    )
    return render(request, "requests_app/charter_index.html", {"services": services_})


def _charter_office(request):
    """The office whose contacts a charter page shows: the one picked
    (?office=CODE), else the office of the customer's first account."""
    picked = office_for_customer_pick(request.GET.get("office", ""))
    if picked is not None or request.GET.get("office"):
        return picked
    user = request.user
    if user.is_authenticated and user.is_customer:
        account = accounts_for_customer(user).first()
        if account is not None:
            return account.office
    return None


def charter_detail(request, code):
    """One service's charter page, generated from the catalog the workflow uses.
    "If we are late" names the escalation owner the sweep sends breaches to:
    the head of the service's department, with the phone of the customer's
    office (or the nearest office above it that publishes one), else 1129."""
    service = get_object_or_404(ServiceType, code=code, is_active=True)
    office = _charter_office(request)
    contact = None
    if office is not None:
        contact = escalation_contact(
            office=office, department=service.escalation_department
        )
    service_steps = list(service.steps.all())
    steps = [{"step": step, "time": step_time_text(step)} for step in service_steps]
    fees = list(fees_in_force(service, on_date=timezone.localdate()))
    wiring = []
    if "wiring" in flow_forms(service):
        wiring = wiring_standard_rows(meter_sizes_in_use())
    return render(
        request,
        "requests_app/charter_detail.html",
        {
            "service": service,
            "steps": steps,
            "documents": selectors.documents_by_kind(service),
            "fees": fees,
            "charges": charges_text(service, service_steps, fees_in_force=bool(fees)),
            "wiring": wiring,
            "wiring_uncertain": any(row["size"].uncertain for row in wiring),
            "office": office,
            "contact": contact,
            "offices": offices_to_pick() if service.escalation else [],
        },
    )


def _customer_only(user):
    if not user.is_customer:
        raise PermissionDenied(_("Staff file requests from the counter screen."))
    if not hasattr(user, "profile"):
        raise PermissionDenied(_("Complete your profile first."))


@login_required
def file_request(request, code):
    _customer_only(request.user)
    service = get_object_or_404(ServiceType, code=code, is_active=True)
    if not service.flow or service.started_by == ServiceType.StartedBy.PEA:
        raise Http404
    if service.flow == "complaint":  # the voice of the customer has its own form
        return redirect("voice_new")
    form = filing_form(
        service,
        request.user,
        request.POST or None,
        request.FILES or None,
        from_account=request.GET.get("account"),
    )
    if form is None:
        return render(
            request,
            "requests_app/file_request.html",
            {"service": service, "no_account": True},
        )
    refused = None
    if request.method == "POST":
        if form.is_valid():
            try:
                created = file_from_form(service, form, request.user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                # Reconnection at 90 days or more: offer what is left instead.
                refused = getattr(exc, "account", None)
            else:
                messages.success(
                    request,
                    _("Request %(ref)s filed. We will keep you informed by SMS.")
                    % {"ref": created.reference},
                )
                return redirect(created.get_absolute_url())
        # Refused: what passed the checks is kept, not chosen again.
        keep_uploads(form, request.user)
    return render(
        request,
        "requests_app/file_request.html",
        {"form": form, "service": service, "refused_account": refused},
    )


@login_required
def my_requests(request):
    page = Paginator(
        selectors.request_list_for_customer(request.user), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "r": r,
            "step": step_text(r),
            "promise": promise_text(r),
            "sla": sla_status(r, now),
        }
        for r in page.object_list
    ]
    return render(
        request, "requests_app/my_requests.html", {"page": page, "rows": rows}
    )


def _detail_context(req, user, audience):
    return {
        **request_facts(req, timezone.now()),
        "actions": selectors.actions_for(req, user, audience),
    }


@login_required
def request_detail(request, reference):
    req = selectors.request_get_for_customer(request.user, reference)
    ctx = _detail_context(req, request.user, "customer")
    ctx["upload_form"] = DocumentUploadForm(
        document_types=selectors.document_types_for_request(req)
    )
    return render(request, "requests_app/request_detail.html", ctx)


@login_required
@require_POST
def customer_action(request, reference, action):
    """A customer's step (cancel, resubmit, answer the estimate): the form and
    the service its flow declares (requests_app.machine)."""
    req = selectors.request_get_for_customer(request.user, reference)
    step = step_declaration(req, action)
    audience = (step or {}).get("audience", ())
    if "customer" != audience and "customer" not in audience:
        raise Http404
    form = step_form(req, step, audience="customer", data=request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(" ".join(m for ms in form.errors.values() for m in ms))
        step_perform(
            req,
            action,
            form,
            user=request.user,
            expected_state=request.POST.get("expected_state"),
        )
        messages.success(request, step.get("done") or _("Done."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(req.get_absolute_url())


@login_required
@require_POST
def document_upload(request, reference):
    req = selectors.request_get_for_customer(request.user, reference)
    if req.state not in ("submitted", "returned"):
        messages.error(
            request, _("Documents can be added only before the request is accepted.")
        )
        return redirect(req.get_absolute_url())
    form = DocumentUploadForm(
        request.POST,
        request.FILES,
        document_types=selectors.document_types_for_request(req),
    )
    if form.is_valid():
        services.document_attach(
            request=req,
            document_type=form.types[form.cleaned_data["document_type"]],
            uploaded=form.cleaned_data["file"],
            user=request.user,
        )
        messages.success(request, _("Document added."))
        return redirect(req.get_absolute_url())
    ctx = _detail_context(req, request.user, "customer")
    ctx["upload_form"] = form
    return render(request, "requests_app/request_detail.html", ctx, status=400)


@login_required
def document_download(request, token):
    """A customer's document, as the type its content was validated as, under
    a name of ours (the customer's file name is never sent back)."""
    document = selectors.document_get_for_user(request.user, token)
    req = document.request
    if req.applicant_id != request.user.pk:  # staff: recorded (PDPA)
        audit.document_download_record(
            user=request.user,
            subject_id=req.applicant_id,
            document_type=document.document_type.code,
            source=f"document {req.reference}",
            reference=req.reference,
        )
    # Staff open a document to read it beside the request: shown in the
    # browser (its type was checked from the content: PDF without scripts,
    # PNG or JPEG; nosniff). Customers keep the download of their own copy.
    return file_response(
        document.file,
        filename=f"{document.request.reference}-{document.document_type.code}.{document.extension}",
        content_type=document.content_type,
        inline=request.user.is_office_staff
        and document.content_type in INLINE_CONTENT_TYPES,
    )


@login_required
def mt75(request, reference):
    """Form มต.75 of a meter replacement, printable, for its customer and staff."""
    if request.user.is_office_staff:
        req = selectors.request_get_for_staff(request.user, reference)
    else:
        req = selectors.request_get_for_customer(request.user, reference)
    form = getattr(req, "replacement", None)
    if form is None or form.replaced_at is None:
        raise Http404
    return render(request, "requests_app/mt75.html", {"req": req, "form": form})

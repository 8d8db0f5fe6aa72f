"""Counter, field and supervisor screens: the office queue and request handling."""

import re
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import CustomerDetailsForm
from accounts.models import CustomerProfile, Department, User
from accounts.offices import offices_covered
from accounts.services import customer_create
from accounts.validators import (
    national_id_checksum_ok,
    normalize_digits,
    normalize_mobile,
)
from core.decorators import staff_required
from core.errors import ServiceError
from core.keyset import keyset_page
from meters.selectors import account_by_ca_for_staff, default_meter_size
from meters.services import (
    adjusted_bill_open,
    disconnection_record,
)
from requests_app import selectors, services
from requests_app.diagram import flow_edges, flow_mermaid
from requests_app.display import request_facts, sla_status
from requests_app.filing import keep_uploads
from requests_app.flows import FLOWS
from requests_app.forms import (
    AdjustedBillForm,
    AssignForm,
    DisconnectionForm,
    PhoneReportForm,
    RequestForm,
)
from requests_app.machine import step_form, step_perform
from requests_app.models import FINAL_STATES, Appointment, ServiceType, State
from requests_app.permissions import COUNTER_ROLES, may_file_at_counter
from requests_app.work_orders import work_order_assign

PAGE_SIZE = 25


@staff_required
def queue(request):
    params = {
        k: request.GET.get(k, "") for k in ("state", "service", "q", "department")
    }
    qs = selectors.staff_queue(request.user, **params)
    # Closed, cancelled and rejected requests have no due time: by id alone.
    by = None if params["state"] in FINAL_STATES else "due_at"
    page = keyset_page(qs, by, request.GET, PAGE_SIZE)
    now = timezone.now()
    rows = [{"r": r, "sla": sla_status(r, now)} for r in page.object_list]
    keep = urlencode({k: v for k, v in params.items() if v})
    return render(
        request,
        "staff/queue.html",
        {
            "page": page,
            "rows": rows,
            "params": params,
            "keep": keep,
            "states": State.choices,
            "services": ServiceType.objects.filter(is_active=True),
            "departments": Department.choices,
        },
    )


@staff_required
def flow_graph(request, flow):
    """A service's state machine, read from its code, for staff."""
    if flow not in FLOWS:
        raise Http404
    labels = dict(State.choices)
    edges = [
        {
            **e,
            "source_label": labels.get(e["source"], e["source"]),
            "target_label": labels.get(e["target"], e["target"]),
        }
        for e in flow_edges(flow)
    ]
    services_ = ServiceType.objects.filter(flow=flow)
    return render(
        request,
        "staff/flow_graph.html",
        {
            "edges": edges,
            "flow": flow,
            "services": services_,
            "mermaid": flow_mermaid(flow),
            "svg": f"flows/{flow}.svg",
        },
    )


@staff_required
def adjusted_bill_new(request):
    """PEA opens an adjusted-bill case (charter §3.10) for an account."""
    form = AdjustedBillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = account_by_ca_for_staff(request.user, data["ca_number"])
        if account is None:
            form.add_error(
                "ca_number", _("No account with this CA number in your offices.")
            )
        else:
            try:
                created = adjusted_bill_open(
                    account=account,
                    user=request.user,
                    evidence=data["evidence"],
                    history_kwh=data["history_kwh"],
                    months=data["months"],
                    billed_kwh=data["billed_kwh"],
                    rate=data["rate"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, _("Case %(ref)s opened.") % {"ref": created.reference}
                )
                return redirect(created.staff_url())
    return render(request, "staff/adjusted_bill_new.html", {"form": form})


@staff_required
def disconnection_new(request):
    """Record a disconnection (DMSx's record) so the customer can reconnect."""
    form = DisconnectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = account_by_ca_for_staff(request.user, data["ca_number"])
        if account is None:
            form.add_error(
                "ca_number", _("No account with this CA number in your offices.")
            )
        else:
            try:
                disconnection_record(
                    account=account,
                    disconnected_on=data["disconnected_on"],
                    outstanding=data["outstanding"],
                    deposit_offset=data["deposit_offset"],
                    user=request.user,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Disconnection of %(ca)s recorded.") % {"ca": account.ca_number},
                )
                return redirect("staff:queue")
    return render(request, "staff/disconnection_new.html", {"form": form})


@staff_required
def my_work(request):
    """The logged-in staff member's own work: "to do" first (today's, coming,
    then overdue, each by time), finished work on its own tab (?tab=done)."""
    now = timezone.now()
    finished = request.GET.get("tab") == "done"
    page = Paginator(
        selectors.appointments_for_assignee(request.user, finished=finished, now=now),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/my_work.html",
        {
            "page": page,
            "finished": finished,
            "counts": selectors.appointment_counts_for_assignee(request.user, now=now),
            "groups": {
                selectors.TODAY: _("Today"),
                selectors.COMING: _("Coming days"),
                selectors.OVERDUE: _("Overdue: from earlier days, still to do"),
            },
            "keep": "tab=done" if finished else "",
        },
    )


@staff_required
def work_orders(request):
    """The office's field work: what is to do, by whom, and what was found."""
    status = request.GET.get("status", Appointment.Status.OPEN)
    kind = request.GET.get("kind", "")
    if status not in Appointment.Status.values and status != "all":
        status = Appointment.Status.OPEN
    if kind not in Appointment.Kind.values:
        kind = ""
    qs = selectors.work_orders_for_office(
        request.user, status="" if status == "all" else status, kind=kind
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    may_assign = request.user.role in COUNTER_ROLES
    field_staff: dict[int, list] = {}
    if may_assign:
        for member in selectors.field_staff_for(request.user):
            field_staff.setdefault(member.office_id, []).append(member)
    rows = [
        {"o": o, "staff": field_staff.get(o.request.office_id, [])}
        for o in page.object_list
    ]
    keep = urlencode({k: v for k, v in {"status": status, "kind": kind}.items() if v})
    return render(
        request,
        "staff/work_orders.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "kind": kind,
            "statuses": Appointment.Status.choices,
            "kinds": Appointment.Kind.choices,
            "may_assign": may_assign,
            "keep": keep,
        },
    )


@staff_required
@require_POST
def work_order_assign_view(request, pk):
    order = selectors.work_order_get_for_staff(request.user, pk)
    assignee = None
    wanted = request.POST.get("assignee", "")
    if wanted:
        # A user id, or it names no one (never a 500 on "abc").
        if re.fullmatch(r"[0-9]{1,18}", wanted):
            assignee = User.objects.filter(pk=int(wanted)).first()
        if assignee is None:
            messages.error(request, _("Choose field staff of this request's office."))
            return redirect(_back(request))
    try:
        work_order_assign(order=order, user=request.user, assignee=assignee)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(kind)s for %(ref)s given to %(who)s.")
            % {
                "kind": order.get_kind_display(),
                "ref": order.request.reference,
                "who": assignee.get_full_name() if assignee else _("nobody"),
            },
        )
    return redirect(_back(request))


def _back(request):
    """The list page the form was posted from, with its filters."""
    nxt = request.POST.get("next", "")
    if nxt.startswith("/staff/") and "//" not in nxt:
        return nxt
    return "staff:work_orders"


def _staff_detail_context(req, user, forms=None):
    staff = selectors.staff_members_for(req)
    actions = selectors.actions_for(req, user, "staff")
    forms = forms or {}
    for action in actions:
        name = action["name"]
        action["form_obj"] = (
            forms[name] if name in forms else step_form(req, action, prefix=name)
        )
    return {
        **request_facts(req, timezone.now()),
        "actions": actions,
        "assign_form": AssignForm(
            staff=staff, initial={"assignee": req.assigned_to_id}
        ),
        "profile": getattr(req.applicant, "profile", None),
    }


@staff_required
def detail(request, reference):
    req = selectors.request_get_for_staff(request.user, reference)
    return render(
        request, "staff/request_detail.html", _staff_detail_context(req, request.user)
    )


@staff_required
@require_POST
def act(request, reference, action):
    req = selectors.request_get_for_staff(request.user, reference)
    allowed = {a["name"]: a for a in selectors.actions_for(req, request.user, "staff")}
    if action not in allowed:
        if not selectors.may_ever(req, request.user, action):
            # Never offered to this role, so a crafted request: refused at the
            # door, like the API (403), whatever the form holds.
            raise PermissionDenied(_("You may not do this on this request."))
        current = State(req.state).label
        messages.error(
            request,
            _("This action is no longer possible: the request is now “%(state)s”.")
            % {"state": current},
        )
        return redirect(req.staff_url())
    form = step_form(req, allowed[action], data=request.POST, prefix=action)
    if form.is_valid():
        try:
            step_perform(
                req,
                action,
                form,
                user=request.user,
                expected_state=request.POST.get("expected_state"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect(req.staff_url())
        else:
            messages.success(
                request, _("Done: %(action)s.") % {"action": allowed[action]["label"]}
            )
            return redirect(req.staff_url())
    req = selectors.request_get_for_staff(request.user, reference)
    ctx = _staff_detail_context(req, request.user, forms={action: form})
    ctx["open_action"] = action
    return render(request, "staff/request_detail.html", ctx, status=400)


@staff_required
@require_POST
def assign(request, reference):
    req = selectors.request_get_for_staff(request.user, reference)
    if request.POST.get("claim"):
        assignee = request.user
    else:
        form = AssignForm(request.POST, staff=selectors.staff_members_for(req))
        if not form.is_valid():
            messages.error(request, _("Choose a member of this office's staff."))
            return redirect(req.staff_url())
        assignee = form.cleaned_data["assignee"]
    try:
        services.request_assign(request=req, user=request.user, assignee=assignee)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Assignment saved."))
    return redirect(req.staff_url())


def _find_customer(lookup: str):
    value = lookup.strip()
    if not value:
        return None
    digits = normalize_digits(value)
    return (
        User.objects.filter(role=User.Role.CUSTOMER)
        .filter(Q(phone=normalize_mobile(value)) | Q(profile__national_id=digits))
        .select_related("profile")
        .first()
    )


def _lookup_miss(lookup: str) -> tuple[bool, dict]:
    """A lookup that found no one: whether it is a national ID number whose
    check digit is wrong (a typo, so "not found" would mislead), and what of
    it goes into the new customer's details so nothing is typed twice."""
    digits = normalize_digits(lookup.strip())
    if re.fullmatch(r"\d{13}", digits):
        return not national_id_checksum_ok(digits), {"national_id": digits}
    mobile = normalize_mobile(lookup)
    if re.fullmatch(r"0[689]\d{8}", mobile):
        return False, {"phone": mobile}
    return False, {}


@staff_required
def file_walk_in(request):
    """Counter staff file a request for a walk-in customer (found or new), at
    their own office (a supervisor: an office they supervise)."""
    if not may_file_at_counter(request.user):
        raise PermissionDenied(_("Walk-in requests are filed by counter staff."))
    service = get_object_or_404(
        ServiceType, code=request.GET.get("service") or "new-connection"
    )
    lookup = request.POST.get("lookup", request.GET.get("lookup", ""))
    found = _find_customer(lookup)
    # The documents depend on the kind of customer, so the kind is chosen
    # before the form is shown (?kind=juristic) and fixed while filling it.
    kind = request.POST.get(
        "kind", request.GET.get("kind", CustomerProfile.Kind.INDIVIDUAL)
    )
    if kind not in CustomerProfile.Kind.values:
        kind = CustomerProfile.Kind.INDIVIDUAL
    if found:
        kind = found.profile.kind
    bad_checksum, typed = (False, {})
    if lookup.strip() and not found:
        bad_checksum, typed = _lookup_miss(lookup)
    posted = request.method == "POST" and request.POST.get("step") == "file"
    customer_form = None
    if not found:
        customer_form = CustomerDetailsForm(
            request.POST if posted else None,
            prefix="c",
            initial={"kind": kind, **typed},
        )
        customer_form.fields["kind"].widget = forms.HiddenInput()
        if posted:
            customer_form.data = customer_form.data.copy()
            customer_form.data["c-kind"] = kind
    request_form = RequestForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        service=service,
        applicant_kind=kind,
        # Files kept from a refused try belong to the clerk who chose them.
        owner=request.user,
        initial={
            "office": request.user.office_id,
            "contact_phone": found.phone if found else typed.get("phone", ""),
        },
    )
    office_field = request_form.fields["office"]
    office_field.queryset = offices_covered(request.user, office_field.queryset)
    if posted:
        # Validate both forms so every error shows at once.
        valid = [
            request_form.is_valid(),
            customer_form is None or customer_form.is_valid(),
        ]
        if all(valid):
            try:
                with transaction.atomic():
                    customer = found or customer_create(
                        data=customer_form.cleaned_data, password=None
                    )
                    created = services.request_submit(
                        applicant=customer,
                        service=service,
                        data=request_form.request_data(),
                        documents=request_form.documents(),
                        created_by=request.user,
                        channel="counter",
                    )
                    services.pending_uploads_discard(
                        owner=request.user, uploads=request_form.settled_uploads()
                    )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    request_form.add_error(
                        field if field in request_form.fields else None, errors
                    )
            else:
                messages.success(
                    request, _("Request %(ref)s filed.") % {"ref": created.reference}
                )
                return redirect(created.staff_url())
            finally:
                request_form.close_kept()
        # Refused: what passed the checks is kept, not scanned again.
        keep_uploads(request_form, request.user)
    return render(
        request,
        "staff/file_walk_in.html",
        {
            "service": service,
            "lookup": lookup,
            "found": found,
            "bad_checksum": bad_checksum,
            "typed_id": typed.get("national_id", ""),
            "kind": kind,
            "kinds": CustomerProfile.Kind.choices,
            "customer_form": customer_form,
            "form": request_form,
        },
    )


def _phone_caller(data):
    """The caller's account: found by the mobile number or the national ID
    number, else opened with their name, number and ID number (an account
    always has one: accounts.CustomerProfile)."""
    found = User.objects.filter(role=User.Role.CUSTOMER, phone=data["contact_phone"])
    if data["national_id"]:
        found = found | User.objects.filter(
            role=User.Role.CUSTOMER, profile__national_id=data["national_id"]
        )
    caller = found.first()
    if caller is not None:
        return caller
    if not data["national_id"]:
        raise ValidationError(
            {"national_id": _("A new caller: ask for their national ID number.")}
        )
    return customer_create(
        data={
            "kind": CustomerProfile.Kind.INDIVIDUAL,
            "first_name": data["caller_first_name"],
            "last_name": data["caller_last_name"],
            "phone": data["contact_phone"],
            "national_id": data["national_id"],
            "preferred_language": data["preferred_language"],
        },
        password=None,
    )


@staff_required
def file_phone_report(request):
    """Counter staff take a report by phone (charter §3.11) for the caller: a
    known customer (by the mobile number) or a new account with only a name
    and a number; nothing to upload."""
    if not may_file_at_counter(request.user):
        raise PermissionDenied(_("Phone reports are taken by counter staff."))
    form = PhoneReportForm(
        request.POST or None, initial={"office": request.user.office_id}
    )
    office_field = form.fields["office"]
    office_field.queryset = offices_covered(request.user, office_field.queryset)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                caller = _phone_caller(data)
                created = services.request_submit(
                    applicant=caller,
                    service=data["service"],
                    data={
                        "office": data["office"],
                        "premises_address": data["premises_address"],
                        "premises_province": data["premises_province"],
                        "meter_size": default_meter_size(),
                        "contact_phone": data["contact_phone"],
                        "note": data["note"],
                    },
                    documents={},
                    created_by=request.user,
                    channel=services.PHONE,
                )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Phone report %(ref)s filed for %(name)s.")
                % {"ref": created.reference, "name": caller.get_full_name()},
            )
            return redirect(created.staff_url())
    return render(request, "staff/phone_report.html", {"form": form})

"""Outage screens: the report form (customers and visitors), the reporter's
status page, and the staff incident board with its incident page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.offices import covers_office
from core.decorators import staff_required
from core.errors import ServiceError
from core.security_log import client_ip
from outages import services
from outages.forms import DispatchForm, OutageReportForm, UpdateForm
from outages.models import Incident
from outages.selectors import report_status
from requests_app.selectors import office_scope_q


def report(request):
    form = OutageReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            r = services.outage_report(
                symptom=d["symptom"],
                ca_number=d["ca_number"],
                office=d["office"],
                reporter=form.user,
                name=d.get("name", ""),
                phone=d.get("phone", ""),
                address=d["address"],
                lat=d["lat"],
                lon=d["lon"],
                note=d["note"],
                language=(get_language() or "th")[:2],
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("outages:status", token=r.token)
    return render(request, "outages/report.html", {"form": form})


def status(request, token):
    """What the reporter follows: the incident, its estimate and updates."""
    st = report_status(token)
    return render(
        request,
        "outages/status.html",
        {"report": st.report, "incident": st.incident, "updates": st.updates},
    )


# Staff ---------------------------------------------------------------------------


@staff_required
def board(request):
    """The office's incidents: danger first, then the oldest."""
    show = request.GET.get("show", "open")
    qs = Incident.objects.filter(office_scope_q(request.user)).select_related(
        "office", "crew"
    )
    if show == "open":
        qs = qs.filter(status__in=Incident.OPEN).order_by(
            "-danger", "first_reported_at", "id"
        )
    else:
        show = "all"
        qs = qs.exclude(status=Incident.Status.MERGED).order_by("-first_reported_at")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "outages/board.html",
        {"page": page, "show": show, "keep": f"show={show}"},
    )


def _incident_for(user, number) -> Incident:
    if "\x00" in number or len(number) > 32:
        raise Http404
    incident = (
        Incident.objects.select_related("office", "crew", "merged_into")
        .filter(number=number)
        .first()
    )
    if incident is None or not covers_office(user, incident.office):
        raise Http404
    return incident


@staff_required
def incident(request, number):
    inc = _incident_for(request.user, number)
    technicians = User.objects.filter(
        role=User.Role.TECHNICIAN, office=inc.office, is_active=True
    )
    dispatch = DispatchForm(technicians=technicians)
    update = UpdateForm()
    status = 200
    if request.method == "POST":
        status = 400  # until a step is done (it redirects)
        action = request.POST.get("action")
        try:
            if action == "dispatch":
                dispatch = DispatchForm(request.POST, technicians=technicians)
                if dispatch.is_valid():
                    d = dispatch.cleaned_data
                    services.incident_dispatch(
                        incident=inc,
                        user=request.user,
                        crew=d["crew"],
                        eta=d["eta"],
                        message=d["message"],
                    )
                    return _done(request, inc, _("Crew dispatched; reporters told."))
            elif action == "update":
                update = UpdateForm(request.POST)
                if update.is_valid():
                    services.incident_update(
                        incident=inc, user=request.user, **update.cleaned_data
                    )
                    return _done(request, inc, _("Update sent to every reporter."))
            elif action == "restore":
                services.incident_restore(
                    incident=inc,
                    user=request.user,
                    message=request.POST.get("message", ""),
                )
                return _done(request, inc, _("Marked restored; reporters told."))
            elif action == "merge":
                other = _incident_for(request.user, request.POST.get("other", ""))
                services.incident_merge(target=inc, other=other, user=request.user)
                return _done(request, inc, _("Incidents merged."))
            elif action == "split":
                new = services.incident_split(
                    incident=inc,
                    user=request.user,
                    report_ids=request.POST.getlist("reports"),
                )
                return _done(request, new, _("Reports moved to a new incident."))
            else:
                raise Http404
        except (ValidationError, ServiceError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        except PermissionDenied:
            raise Http404 from None
    others = (
        Incident.objects.filter(office=inc.office, status__in=Incident.OPEN)
        .exclude(pk=inc.pk)
        .order_by("-last_reported_at")[:50]
    )
    return render(
        request,
        "outages/incident.html",
        {
            "inc": inc,
            "reports": inc.reports.select_related("account")[:200],
            "updates": inc.updates.select_related("author")[:50],
            "dispatch": dispatch,
            "update": update,
            "others": others,
        },
        status=status,
    )


def _done(request, incident, text):
    messages.success(request, text)
    return redirect("staff:outage", number=incident.number)

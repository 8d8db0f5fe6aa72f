"""The supervisor dashboard, its drill-down lists and their CSV exports."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import charts, csv_export
from requests_app.documents import content_disposition
from requests_app.models import ServiceType, State
from sla import selectors

PAGE_SIZE = 25
CHART_W, CHART_H = 640, 180


def _weeks(request) -> int:
    try:
        weeks = int(request.GET.get("weeks", 4))
    except ValueError:
        weeks = 4
    return weeks if weeks in selectors.WINDOWS else 4


def _chart(trend) -> list[dict]:
    """Bars of the weekly on-time rate, laid out for an inline SVG."""
    rates = [row["rate"] or 0 for row in trend]
    laid = charts.bars(rates, width=CHART_W, height=CHART_H, top=1)
    return [
        {**row, **bar, "pct": round(rate * 100)}
        for row, bar, rate in zip(trend, laid, rates, strict=True)
    ]


@login_required
def dashboard(request):
    office, ids = selectors.scope_for(request.user, request.GET.get("office", ""))
    weeks = _weeks(request)
    data = selectors.dashboard(office_ids=ids, weeks=weeks, now=timezone.now())
    children = list(office.children.order_by("code")) if office is not None else []
    return render(
        request,
        "sla/dashboard.html",
        {
            "office": office,
            "children": children,
            "weeks": weeks,
            "windows": selectors.WINDOWS,
            "d": data,
            "bars": _chart(data.trend),
            "chart_w": CHART_W,
            "chart_h": CHART_H,
            "base": {"office": office.code if office else "", "weeks": weeks},
        },
    )


class _Echo:
    def write(self, value):
        return value


def _csv_rows(kind, qs):
    # the time columns say their zone: local time, not the database's UTC
    if kind == "open":
        yield [
            _("Reference"),
            _("Service"),
            _("Office"),
            _("Status"),
            csv_export.zone_heading(_("Due")),
            _("Assigned"),
        ]
        for r in qs.iterator(chunk_size=2000):
            yield [
                r.reference,
                r.service.name,
                r.office.code,
                r.get_state_display(),
                csv_export.local_time(r.due_at),
                r.assigned_to.get_username() if r.assigned_to else "",
            ]
        return
    yield [
        _("Reference"),
        _("Service"),
        _("Office"),
        _("Step"),
        csv_export.zone_heading(_("Started")),
        csv_export.zone_heading(_("Due")),
        csv_export.zone_heading(_("Stopped")),
        _("Status"),
    ]
    for c in qs.iterator(chunk_size=2000):
        yield [
            c.request.reference,
            c.request.service.name,
            c.request.office.code,
            c.policy.name,
            csv_export.local_time(c.started_at),
            csv_export.local_time(c.due_at),
            csv_export.local_time(c.stopped_at),
            c.get_status_display(),
        ]


@login_required
def drill_down(request, kind):
    office, ids = selectors.scope_for(request.user, request.GET.get("office", ""))
    weeks = _weeks(request)
    filters = {k: request.GET.get(k, "") for k in ("service", "state", "step")}
    qs = selectors.drill_down(
        office_ids=ids, kind=kind, now=timezone.now(), weeks=weeks, **filters
    )
    if request.GET.get("format") == "csv":
        writer = csv_export.writer(_Echo())
        rows = (writer.writerow(row) for row in _csv_rows(kind, qs))
        response = StreamingHttpResponse(
            (chunk for chunk in ("\ufeff", *rows)), content_type="text/csv"
        )
        name = f"{kind}-{office.code if office else 'all'}-{timezone.localdate()}.csv"
        response["Content-Disposition"] = content_disposition(name)
        response["Cache-Control"] = "private, no-store"
        return response
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = "&".join(
        f"{k}={v}"
        for k, v in {
            "office": office.code if office else "",
            "weeks": weeks,
            **filters,
        }.items()
        if v
    )
    service = ServiceType.objects.filter(code=filters["service"]).first()
    titles = {
        "open": _("Open requests"),
        "at_risk": _("At risk now"),
        "breached": _("Late now"),
        "met": _("Steps done on time"),
        "missed": _("Steps done late"),
    }
    return render(
        request,
        "sla/drill_down.html",
        {
            "kind": kind,
            "title": titles[kind],
            "page": page,
            "keep": keep,
            "office": office,
            "service": service,
            "weeks": weeks,
            "state_label": dict(State.choices).get(filters["state"], ""),
            "step": filters["step"],
            "now": timezone.now(),
        },
    )

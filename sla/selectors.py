"""What the supervisor dashboard reads: a handful of grouped queries over the
offices in scope (resolved once to ids so the request and clock indexes serve
them), whatever the number of requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from django.db.models import Count, F, QuerySet, Sum
from django.http import Http404

from accounts.models import Office, User
from core.calendar import BANGKOK
from requests_app.models import FINAL_STATES, ServiceRequest, ServiceType, State
from sla.models import Clock, OpenTally, Policy, StepTally
from sla.tallies import window_start

WINDOWS = (4, 12, 52)
WORST_MIN_CLOCKS = 1  # steps with fewer finished clocks are not ranked


def dashboard_offices(user: User) -> QuerySet:
    """The offices a user may look at: a supervisor's own and those below."""
    if user.role == User.Role.ADMIN:
        return Office.objects.all()
    if user.role != User.Role.SUPERVISOR or user.office_id is None:
        raise Http404
    return Office.objects.filter(path__startswith=user.office.path)


def scope_for(user: User, office_code: str = "") -> tuple[Office | None, list[int]]:
    """The office chosen (default: the user's) and the ids of it and below."""
    offices = dashboard_offices(user)
    if office_code:
        chosen = offices.filter(code=office_code).first()
        if chosen is None:
            raise Http404
    else:
        chosen = user.office
    if chosen is None:
        return None, list(offices.values_list("pk", flat=True))
    ids = list(
        offices.filter(path__startswith=chosen.path).values_list("pk", flat=True)
    )
    return chosen, ids


@dataclass
class Dashboard:
    states: list[tuple[str, str]] = field(default_factory=list)
    open_rows: list[dict] = field(default_factory=list)
    open_total: int = 0
    at_risk: int = 0
    breached: int = 0
    step_rows: list[dict] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)
    worst: list[dict] = field(default_factory=list)
    met: int = 0
    finished: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.met / self.finished if self.finished else None


def _rate(met: int, total: int) -> float | None:
    return met / total if total else None


def dashboard(*, office_ids: list[int], weeks: int, now: datetime) -> Dashboard:
    d = Dashboard()
    services = {s.pk: s for s in ServiceType.objects.all()}
    state_labels = dict(State.choices)

    # Open requests by service and state: the running tally (sla.tallies).
    counts: dict[int, dict[str, int]] = {}
    for row in (
        OpenTally.objects.filter(office_id__in=office_ids)
        .values("service_id", "state")
        .annotate(n=Sum("n"))
        .filter(n__gt=0)
    ):
        counts.setdefault(row["service_id"], {})[row["state"]] = row["n"]
    used = {s for by_state in counts.values() for s in by_state}
    d.states = [(v, state_labels[v]) for v in State.values if v in used]

    # Running clocks at risk / past due, by service: index ranges over the
    # few clocks concerned (clock_open_idx, clock_risk_idx), not all that run.
    live: dict[int, dict] = {}
    running = Clock.objects.filter(
        office_id__in=office_ids, status=Clock.Status.RUNNING
    )
    for key, qs in (
        ("breached", running.filter(due_at__lte=now)),
        ("at_risk", running.filter(at_risk_at__lte=now, due_at__gt=now)),
    ):
        for row in qs.values("service_id").annotate(n=Count("id")).order_by():
            live.setdefault(row["service_id"], {})[key] = row["n"]
    for pk in sorted(
        set(counts) | set(live),
        key=lambda pk: (services[pk].sort_order, services[pk].code),
    ):
        by_state = counts.get(pk, {})
        row = {
            "service": services[pk],
            "cells": [(s, label, by_state.get(s, 0)) for s, label in d.states],
            "total": sum(by_state.values()),
            "at_risk": live.get(pk, {}).get("at_risk", 0),
            "breached": live.get(pk, {}).get("breached", 0),
        }
        d.open_rows.append(row)
        d.open_total += row["total"]
        d.at_risk += row["at_risk"]
        d.breached += row["breached"]

    # On time per service and step over the window: the weekly tally.
    weekly = StepTally.objects.filter(
        office_id__in=office_ids, week__gte=window_start(now, weeks)
    )
    names = {
        (p["service_id"], p["step_code"]): p
        for p in Policy.objects.order_by("version").values(
            "service_id", "step_code", "name_th", "name_en"
        )
    }
    from core.language import english

    in_english = english()
    for row in (
        weekly.values("service_id", "step_code")
        .annotate(met=Sum("met"), missed=Sum("missed"))
        .order_by("service_id", "step_code")
    ):
        policy = names.get((row["service_id"], row["step_code"]), {})
        total = row["met"] + row["missed"]
        d.step_rows.append(
            {
                "service": services[row["service_id"]],
                "step_code": row["step_code"],
                "step": policy.get(
                    "name_en" if in_english else "name_th", row["step_code"]
                ),
                "total": total,
                "met": row["met"],
                "missed": row["missed"],
                "rate": _rate(row["met"], total),
            }
        )
        d.met += row["met"]
        d.finished += total
    d.step_rows.sort(
        key=lambda r: (r["service"].sort_order, r["service"].code, r["step_code"])
    )
    ranked = [r for r in d.step_rows if r["missed"] and r["total"] >= WORST_MIN_CLOCKS]
    d.worst = sorted(ranked, key=lambda r: (r["rate"], -r["total"]))[:5]

    # Weekly trend of the on-time rate.
    for row in (
        weekly.values("week")
        .annotate(met=Sum("met"), missed=Sum("missed"))
        .order_by("week")
    ):
        total = row["met"] + row["missed"]
        d.trend.append({**row, "total": total, "rate": _rate(row["met"], total)})
    return d


# Drill-down lists -------------------------------------------------------------------

LISTS = ("open", "at_risk", "breached", "met", "missed")


def drill_down(
    *,
    office_ids: list[int],
    kind: str,
    now: datetime,
    weeks: int,
    service: str = "",
    state: str = "",
    step: str = "",
) -> QuerySet:
    """The requests (open) or clocks (the rest) behind a dashboard number."""
    if kind not in LISTS:
        raise Http404
    if kind == "open":
        qs = (
            ServiceRequest.objects.filter(office_id__in=office_ids)
            .exclude(state__in=FINAL_STATES)
            .select_related("service", "office", "assigned_to", "applicant")
            .order_by(F("due_at").asc(nulls_last=True), "id")
        )
        if service:
            qs = qs.filter(service__code=service)
        if state:
            qs = qs.filter(state=state)
        return qs
    qs = Clock.objects.filter(office_id__in=office_ids).select_related(
        "request__service", "request__office", "request__assigned_to", "policy"
    )
    if kind == "at_risk":
        qs = qs.filter(status="running", at_risk_at__lte=now, due_at__gt=now)
    elif kind == "breached":
        qs = qs.filter(status="running", due_at__lte=now)
    else:
        since = datetime.combine(window_start(now, weeks), time.min, tzinfo=BANGKOK)
        qs = qs.filter(status=kind, stopped_at__gte=since, stopped_at__lte=now)
    if service:
        qs = qs.filter(service__code=service)
    if step:
        qs = qs.filter(step_code=step)
    return qs.order_by("due_at", "id")

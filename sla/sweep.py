"""The SLA sweep: run by beat every minute, it finds clocks newly at risk or
past due through two partial indexes, claims each with a conditional UPDATE
(two sweeps never act twice on one clock) and writes the escalations to the
outbox in the same transaction. It reads state, not countdowns, so a sweep
after downtime catches up on everything it missed.

A breach goes to the escalation owner the charter names: the head of the
service's department (ServiceType.escalation_department) at the request's
office, or at the nearest office above it that has one. Only when no office up
the tree has such a head do the supervisors above the branch get it instead, so
that no breach goes untold. At-risk warnings go to the assignee and every
supervisor of the office, as does the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Office, User
from accounts.selectors import department_heads, office_path_prefixes
from notifications.services import notification_enqueue
from requests_app.models import ServiceType
from sla.models import Clock

BATCH = 500


@dataclass
class SweepResult:
    at_risk: int = 0
    breached: int = 0


def _supervisors(office, *, above_branch: bool):
    """Supervisors whose offices cover `office` (path prefixes); for breaches
    the department heads above the branch when there are any."""
    qs = User.objects.filter(
        role=User.Role.SUPERVISOR,
        is_active=True,
        office__path__in=office_path_prefixes(office),
    )
    people = list(qs)
    if above_branch:
        heads = [u for u in people if u.office_id != office.pk]
        return heads or people
    return people


def _notify(clock: Clock, event: str, recipients) -> None:
    request = clock.request
    url = settings.SITE_URL.rstrip("/") + request.staff_url()
    seen = set()
    for user in recipients:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notification_enqueue(
            user=user,
            event=event,
            request=request,
            context={"clock": clock, "policy": clock.policy, "url": url},
        )


def _claim(pk: int, field: str, now) -> bool:
    """Mark the clock as told; True only for the one sweep that did it."""
    return bool(
        Clock.objects.filter(pk=pk, status=Clock.Status.RUNNING)
        .filter(**{f"{field}__isnull": True})
        .update(**{field: now})
    )


def _due_ids(q: Q, order: str) -> list[int]:
    return list(
        Clock.objects.filter(q, status=Clock.Status.RUNNING)
        .order_by(order)
        .values_list("pk", flat=True)[:BATCH]
    )


class _Lookups:
    """Offices, services and their supervisors, read once per sweep: a sweep
    escalates many clocks of few offices."""

    def __init__(self):
        self.offices: dict[int, object] = {}
        self.services: dict[int, object] = {}
        self.people: dict[tuple[int, bool], list] = {}
        self.heads: dict[tuple[int, str], list] = {}

    def clock(self, pk: int) -> Clock:
        clock = Clock.objects.select_related("policy", "request").get(pk=pk)
        request = clock.request
        if request.office_id not in self.offices:
            self.offices[request.office_id] = Office.objects.get(pk=request.office_id)
        if request.service_id not in self.services:
            self.services[request.service_id] = ServiceType.objects.get(
                pk=request.service_id
            )
        request.office = self.offices[request.office_id]
        request.service = self.services[request.service_id]
        return clock

    def supervisors(self, office, *, above_branch: bool) -> list:
        key = (office.pk, above_branch)
        if key not in self.people:
            self.people[key] = list(_supervisors(office, above_branch=above_branch))
        return self.people[key]

    def escalation_owners(self, request) -> list:
        """The head of the charter's department nearest the request's office;
        the supervisors above the branch when no office has one."""
        office, department = request.office, request.service.escalation_department
        key = (office.pk, department)
        if key not in self.heads:
            self.heads[key] = department_heads(office=office, department=department)
        return self.heads[key] or self.supervisors(office, above_branch=True)


def sla_sweep(*, now=None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    look = _Lookups()
    # Past due first: a clock that went from on track to breached while the
    # sweep was down is escalated once, as breached.
    while ids := _due_ids(
        Q(breach_notified_at__isnull=True, due_at__lte=now), "due_at"
    ):
        for pk in ids:
            with transaction.atomic():
                claimed = Clock.objects.filter(
                    pk=pk, status=Clock.Status.RUNNING, breach_notified_at__isnull=True
                ).update(
                    breach_notified_at=now,
                    risk_notified_at=Coalesce("risk_notified_at", Value(now)),
                )
                if not claimed:
                    continue
                clock = look.clock(pk)
                _notify(clock, "sla_breached", look.escalation_owners(clock.request))
                result.breached += 1
    while ids := _due_ids(
        Q(risk_notified_at__isnull=True, at_risk_at__lte=now), "at_risk_at"
    ):
        for pk in ids:
            with transaction.atomic():
                if not _claim(pk, "risk_notified_at", now):
                    continue
                clock = look.clock(pk)
                office = clock.request.office
                recipients = [
                    clock.request.assigned_to if clock.request.assigned_to_id else None,
                    *look.supervisors(office, above_branch=False),
                ]
                _notify(clock, "sla_at_risk", recipients)
                result.at_risk += 1
    return result

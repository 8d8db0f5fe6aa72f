"""The SLA sweep: run by beat every minute, it finds clocks newly at risk or
past due through two partial indexes, claims each with a conditional UPDATE
(two sweeps never act twice on one clock) and writes the escalations to the
outbox in the same transaction. It reads state, not countdowns, so a sweep
after downtime catches up on everything it missed."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from notifications.services import notification_enqueue
from sla.models import Clock

BATCH = 500


@dataclass
class SweepResult:
    at_risk: int = 0
    breached: int = 0


def _supervisors(office, *, above_branch: bool):
    """Supervisors whose offices cover `office` (path prefixes); for breaches
    the department heads above the branch when there are any."""
    path = office.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
    qs = User.objects.filter(
        role=User.Role.SUPERVISOR, is_active=True, office__path__in=prefixes
    )
    if above_branch:
        heads = qs.exclude(office=office)
        if heads.exists():
            return heads
    return qs


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


def sla_sweep(*, now=None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    # Past due first: a clock that went from on track to breached while the
    # sweep was down is escalated once, as breached.
    while ids := _due_ids(
        Q(breach_notified_at__isnull=True, due_at__lte=now), "due_at"
    ):
        for pk in ids:
            with transaction.atomic():
                if not _claim(pk, "breach_notified_at", now):
                    continue
                Clock.objects.filter(pk=pk, risk_notified_at__isnull=True).update(
                    risk_notified_at=now
                )
                clock = _load(pk)
                _notify(
                    clock,
                    "sla_breached",
                    _supervisors(clock.request.office, above_branch=True),
                )
                result.breached += 1
    while ids := _due_ids(
        Q(risk_notified_at__isnull=True, at_risk_at__lte=now), "at_risk_at"
    ):
        for pk in ids:
            with transaction.atomic():
                if not _claim(pk, "risk_notified_at", now):
                    continue
                clock = _load(pk)
                office = clock.request.office
                recipients = [
                    clock.request.assigned_to,
                    *_supervisors(office, above_branch=False),
                ]
                _notify(clock, "sla_at_risk", recipients)
                result.at_risk += 1
    return result


def _load(pk: int) -> Clock:
    return Clock.objects.select_related(
        "policy", "request__office", "request__service", "request__assigned_to"
    ).get(pk=pk)

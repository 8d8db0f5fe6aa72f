"""Running totals for the dashboard, kept in the transaction of the change
they count: open requests per office, service and state; finished clocks per
office, service, step and week. Written with one conditional UPDATE, or an
insert when the row does not exist yet (a savepoint absorbs the race)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from core.calendar import local_date
from requests_app.models import FINAL_STATES
from sla.models import OpenTally, StepTally


def week_of(moment: datetime) -> date:
    """The Monday (Bangkok date) of the week a moment falls in."""
    day = local_date(moment)
    return day - timedelta(days=day.weekday())


def _bump(model, keys: dict, **deltas) -> None:
    updates = {field: F(field) + delta for field, delta in deltas.items()}
    if model.objects.filter(**keys).update(**updates):
        return
    try:
        with transaction.atomic():
            model.objects.create(**keys, **deltas)
    except IntegrityError:  # created meanwhile by another transaction
        model.objects.filter(**keys).update(**updates)


def request_moved(request, from_state: str | None, to_state: str) -> None:
    keys = {"office_id": request.office_id, "service_id": request.service_id}
    if from_state and from_state not in FINAL_STATES:
        _bump(OpenTally, {**keys, "state": from_state}, n=-1)
    if to_state not in FINAL_STATES:
        _bump(OpenTally, {**keys, "state": to_state}, n=1)


def clock_finished(clock) -> None:
    if clock.status not in ("met", "missed"):
        return
    _bump(
        StepTally,
        {
            "office_id": clock.office_id,
            "service_id": clock.service_id,
            "step_code": clock.step_code,
            "week": week_of(clock.stopped_at),
        },
        **{clock.status: 1},
    )


def window_start(now: datetime, weeks: int) -> date:
    """The first Monday of a window of `weeks` weeks ending this week."""
    return week_of(now) - timedelta(weeks=weeks - 1)

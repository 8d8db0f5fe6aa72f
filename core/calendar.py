"""Business-time arithmetic on PEA's calendar, in Asia/Bangkok. The only place
that knows what a working hour or a working day is (SPEC §2, "How promised
times are counted").

A `BusinessCalendar` holds an office's opening hours and its days off beyond
the Thai public holidays (days PEA or the office announce). `calendar_for`
builds one from the database (sla's WorkingHours and DayOff, read by name: this
module is in the base layer, issue 17); the module-level functions use PEA's
default (08:30-16:30, Monday to Friday, public holidays only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

BANGKOK = ZoneInfo("Asia/Bangkok")
OPEN = time(8, 30)
CLOSE = time(16, 30)
ACCEPT_BY = time(9, 30)  # Smart Plus SLA 2


@lru_cache(maxsize=64)
def _thai_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("TH", years=year).keys())


def _local(moment: datetime) -> datetime:
    return moment.astimezone(BANGKOK)


def local_date(moment: datetime) -> date:
    """The Bangkok calendar date of a moment."""
    return _local(moment).date()


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=BANGKOK)


@dataclass(frozen=True)
class BusinessCalendar:
    opens: time = OPEN
    closes: time = CLOSE
    days_off: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < 5
            and day not in _thai_holidays(day.year)
            and day not in self.days_off
        )

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def in_working_hours(self, moment: datetime) -> bool:
        local = _local(moment)
        return self.is_working_day(local.date()) and (
            self.opens <= local.time() < self.closes
        )

    def next_opening(self, moment: datetime) -> datetime:
        """`moment` itself when inside working hours, else the next opening."""
        local = _local(moment)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.closes:
            return max(local, _at(day, self.opens))
        return _at(self.next_working_day(day), self.opens)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """Count only time inside working hours: Wed 15:30 + 2 h → Thu 09:30."""
        remaining = timedelta(hours=hours)
        cursor = self.next_opening(start)
        while True:
            close = _at(cursor.date(), self.closes)
            if cursor + remaining <= close:
                return cursor + remaining
            remaining -= close - cursor
            cursor = _at(self.next_working_day(cursor.date()), self.opens)

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Working time between two moments (a paused clock's lost time)."""
        if end <= start:
            return 0
        total = timedelta()
        cursor = self.next_opening(start)
        while cursor < end:
            close = _at(cursor.date(), self.closes)
            total += min(close, end) - cursor
            cursor = _at(self.next_working_day(cursor.date()), self.opens)
        return int(total.total_seconds())

    def end_of_working_day(self, start: datetime, n: int) -> datetime:
        """Closing time of the n-th working day after the day of `start` (that
        day not counted)."""
        day = _local(start).date()
        for _ in range(n):
            day = self.next_working_day(day)
        return _at(day, self.closes)

    def acceptance_deadline(self, submitted_at: datetime) -> datetime:
        """Smart Plus SLA 1/2: 2 working hours if filed in working hours,
        otherwise 09:30 of the next working day."""
        if self.in_working_hours(submitted_at):
            return self.add_working_hours(submitted_at, 2)
        opening = self.next_opening(submitted_at)
        return _at(opening.date(), max(ACCEPT_BY, self.opens))

    def due_after(self, start: datetime, value, unit: str) -> datetime | None:
        """A charter time ("2 working days", "by 20:00" …) counted from `start`."""
        if not unit or value is None:
            return None
        value = float(value)
        if unit == "working_hours":
            return self.add_working_hours(start, value)
        if unit == "working_days":
            return self.end_of_working_day(start, int(value))
        if unit == "calendar_days":
            day = _local(start).date() + timedelta(days=int(value))
            return _at(day, self.closes)
        if unit == "clock_minutes":
            return start + timedelta(minutes=value)
        if unit == "acceptance":
            return self.acceptance_deadline(start)
        if unit == "clock":
            hour, minute = int(value), int(round((value - int(value)) * 60))
            local = _local(start)
            at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            return at if local <= at else at + timedelta(days=1)
        raise ValueError(f"unknown time unit {unit!r}")


DEFAULT = BusinessCalendar()


def calendar_for(office=None) -> BusinessCalendar:
    """The calendar an office works to: its hours (PEA's default unless set)
    and the days off announced for all of PEA, for it or for an office above it."""
    from django.apps import apps
    from django.db.models import Q

    # sla's tables, by name: the calendar is a base concern, sla sits above it.
    DayOff = apps.get_model("sla", "DayOff")  # noqa: N806 - a model class
    WorkingHours = apps.get_model("sla", "WorkingHours")  # noqa: N806

    hours = None
    scope = Q(office__isnull=True)
    if office is not None:
        hours = WorkingHours.objects.filter(office=office).first()
        path = office.path  # "R1/P101/B10101/": each "…/" prefix is an office above
        ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
        scope |= Q(office__path__in=ancestors)
    days = frozenset(DayOff.objects.filter(scope).values_list("day", flat=True))
    return BusinessCalendar(
        opens=hours.opens if hours else OPEN,
        closes=hours.closes if hours else CLOSE,
        days_off=days,
    )


# PEA's default calendar as plain functions.
is_working_day = DEFAULT.is_working_day
next_working_day = DEFAULT.next_working_day
in_working_hours = DEFAULT.in_working_hours
next_opening = DEFAULT.next_opening
add_working_hours = DEFAULT.add_working_hours
working_seconds_between = DEFAULT.working_seconds_between
end_of_working_day = DEFAULT.end_of_working_day
acceptance_deadline = DEFAULT.acceptance_deadline
due_after = DEFAULT.due_after

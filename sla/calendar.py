"""Business-time arithmetic on PEA's calendar, in Asia/Bangkok. The only place
that knows what a working hour or a working day is (SPEC §2, "How promised
times are counted")."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

BANGKOK = ZoneInfo("Asia/Bangkok")
OPEN = time(8, 30)
CLOSE = time(16, 30)


@lru_cache(maxsize=64)
def _thai_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("TH", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _thai_holidays(day.year)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(BANGKOK)


def local_date(moment: datetime) -> date:
    """The Bangkok calendar date of a moment."""
    return _local(moment).date()


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=BANGKOK)


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def in_working_hours(moment: datetime) -> bool:
    local = _local(moment)
    return is_working_day(local.date()) and OPEN <= local.time() < CLOSE


def next_opening(moment: datetime) -> datetime:
    """`moment` itself when inside working hours, else the next 08:30 opening."""
    local = _local(moment)
    day = local.date()
    if is_working_day(day) and local.time() < CLOSE:
        return max(local, _at(day, OPEN))
    return _at(next_working_day(day), OPEN)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """Count only time inside working hours: Wed 15:30 + 2 h → Thu 09:30."""
    remaining = timedelta(hours=hours)
    cursor = next_opening(start)
    while True:
        close = _at(cursor.date(), CLOSE)
        if cursor + remaining <= close:
            return cursor + remaining
        remaining -= close - cursor
        cursor = _at(next_working_day(cursor.date()), OPEN)


def end_of_working_day(start: datetime, n: int) -> datetime:
    """16:30 of the n-th working day after the day of `start` (that day not counted)."""
    day = _local(start).date()
    for _ in range(n):
        day = next_working_day(day)
    return _at(day, CLOSE)


def acceptance_deadline(submitted_at: datetime) -> datetime:
    """Smart Plus SLA 1/2: 2 working hours if filed in working hours, otherwise
    09:30 of the next working day."""
    if in_working_hours(submitted_at):
        return add_working_hours(submitted_at, 2)
    opening = next_opening(submitted_at)
    return opening.replace(hour=9, minute=30)


def due_after(start: datetime, value, unit: str) -> datetime | None:
    """A charter time ("2 working days", "by 20:00" …) counted from `start`."""
    if not unit or value is None:
        return None
    value = float(value)
    if unit == "working_hours":
        return add_working_hours(start, value)
    if unit == "working_days":
        return end_of_working_day(start, int(value))
    if unit == "calendar_days":
        day = _local(start).date() + timedelta(days=int(value))
        return _at(day, CLOSE)
    if unit == "clock":
        hour, minute = int(value), int(round((value - int(value)) * 60))
        local = _local(start)
        at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return at if local <= at else at + timedelta(days=1)
    raise ValueError(f"unknown time unit {unit!r}")

"""Version 2 of the policies issue 16 found wrong against SPEC (a clock pauses
only while the request waits on the customer; a charter "day" is a working day):

- `inspect` of a new connection and a meter upgrade: the request paid before its
  inspection waits on PEA's survey, so `paid` runs the clock (it paused it);
- `build` of a grid extension (§3.2, "≤ 30 days"): 30 working days, not calendar
  days, as §3.3 and §3.4 count; the catalog step the charter page shows with it.

Like `sla.clocks.policy_publish`, running and paused clocks move to the new
version, keeping their start and the time they spent paused; a clock paused in
`paid` resumes, counting its pause only up to the payment. Every live clock with
a booking gets its due time recomputed by the rule of the same issue: only a
booking on the date the customer asked for moves a promise, and paused time is
added once. The arithmetic is copied here (a migration must not follow later
changes to the code), the business calendar included: a frozen copy of what was
`sla/calendar.py` when this migration was written (it is `core/calendar.py`
since issue 17; a migration imports only its own app)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.db import migrations
from django.db.models import Q

CHANGES = [
    ("new-connection", "inspect", dict(
        run_states=["accepted", "survey_booked", "paid"],
        pause_states=["wiring_failed", "fees_quoted"])),
    ("meter-upgrade", "inspect", dict(
        run_states=["accepted", "survey_booked", "paid"],
        pause_states=["wiring_failed", "fees_quoted"])),
    ("grid-extension", "build", dict(target_unit="working_days")),
]  # fmt: skip

GRID_DESCRIPTION = dict(
    description_th="ขยายเขตระบบจำหน่ายไฟฟ้าไปยังพื้นที่ของท่าน การไฟฟ้าสำรวจ แจ้งค่าใช้จ่าย "
    "และก่อสร้างภายใน 30 วันทำการ",
    description_en="Extend the distribution grid to your area: PEA surveys, sends the "
    "cost and builds within 30 working days.",
)
LIVE = ("running", "paused")


# --- the business calendar, frozen (sla/calendar.py as of this migration) ---
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


# --- the migration ----------------------------------------------------------
def _calendar(apps, office, cache):
    if office.pk in cache:
        return cache[office.pk]
    WorkingHours = apps.get_model("sla", "WorkingHours")
    DayOff = apps.get_model("sla", "DayOff")
    hours = WorkingHours.objects.filter(office_id=office.pk).first()
    ancestors = [office.path[: i + 1] for i, ch in enumerate(office.path) if ch == "/"]
    days = DayOff.objects.filter(
        Q(office__isnull=True) | Q(office__path__in=ancestors)
    ).values_list("day", flat=True)
    cache[office.pk] = BusinessCalendar(
        opens=hours.opens if hours else OPEN,
        closes=hours.closes if hours else CLOSE,
        days_off=frozenset(days),
    )
    return cache[office.pk]


def _due(clock, policy, cal, request):
    due = cal.due_after(clock.started_at, policy.target_value, policy.target_unit)
    if clock.paused_seconds:
        due = cal.add_working_hours(due, clock.paused_seconds / 3600)
    late = None
    if policy.appointment_kind:
        booked = (
            request.appointments.filter(kind=policy.appointment_kind)
            .exclude(status="cancelled")
            .order_by("-created_at", "-id")
            .first()
        )
        if booked is not None and (
            request.preferred_date
            and local_date(booked.scheduled_for) == request.preferred_date
        ):
            due = max(due, cal.end_of_working_day(booked.scheduled_for, 0))
        elif booked is not None and booked.scheduled_for > due:
            late = booked.created_at or clock.started_at
    span = due - clock.started_at
    at_risk = clock.started_at + timedelta(
        seconds=span.total_seconds() * float(policy.at_risk_ratio)
    )
    if late is not None:
        at_risk = min(at_risk, max(late, clock.started_at))
    return due, at_risk


def forwards(apps, schema_editor):
    Policy = apps.get_model("sla", "Policy")
    Clock = apps.get_model("sla", "Clock")
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    ServiceRequest = apps.get_model("requests_app", "ServiceRequest")

    ServiceStep.objects.filter(
        service__code="grid-extension", code="build", time_unit="calendar_days"
    ).update(time_unit="working_days")
    ServiceType.objects.filter(code="grid-extension").update(**GRID_DESCRIPTION)

    moved = {}  # old policy id -> new policy
    for service_code, step, changes in CHANGES:
        current = (
            Policy.objects.filter(service__code=service_code, step_code=step)
            .order_by("-version")
            .first()
        )
        if current is None:
            continue
        fields = {
            f.name: getattr(current, f.name)
            for f in Policy._meta.concrete_fields
            if f.name not in ("id", "version", "created_at")
        }
        if all(fields[k] == v for k, v in changes.items()):
            continue  # already so
        fields.update(changes)
        new = Policy.objects.create(version=current.version + 1, **fields)
        for old in Policy.objects.filter(service_id=current.service_id, step_code=step):
            if old.pk != new.pk:
                moved[old.pk] = new

    live = (
        Clock.objects.filter(status__in=LIVE)
        .filter(Q(policy_id__in=list(moved)) | ~Q(policy__appointment_kind=""))
        .select_related("policy", "request__office")
    )
    cache, touched = {}, set()
    for clock in live.iterator():
        request = clock.request
        cal = _calendar(apps, request.office, cache)
        policy = moved.get(clock.policy_id, clock.policy)
        fields = ["policy", "due_at", "at_risk_at"]
        if clock.status == "paused" and request.state in policy.run_states:
            resumed = request.paid_at or clock.paused_at
            clock.paused_seconds += cal.working_seconds_between(
                clock.paused_at, resumed
            )
            clock.status, clock.paused_at = "running", None
            fields += ["status", "paused_at", "paused_seconds"]
        clock.policy = policy
        clock.due_at, clock.at_risk_at = _due(clock, policy, cal, request)
        clock.save(update_fields=fields)
        touched.add(request.pk)
    for pk in touched:
        due = (
            Clock.objects.filter(request_id=pk, status="running")
            .exclude(step_code="payment-sms")
            .order_by("due_at")
            .values_list("due_at", flat=True)
            .first()
        )
        ServiceRequest.objects.filter(pk=pk).update(due_at=due)


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0005_open_risk_index"),
        ("requests_app", "0026_backfill_province_region"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Promised times as data: the calendar's exceptions, the versioned policies
(one per service and step) and the clocks that run them on each request."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.language import localized


class WorkingHours(models.Model):
    """An office's opening hours when they differ from PEA's 08:30-16:30."""

    office = models.OneToOneField(
        "accounts.Office", on_delete=models.CASCADE, related_name="working_hours"
    )
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="hours_open_before_close",
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.opens:%H:%M}-{self.closes:%H:%M}"


class DayOff(models.Model):
    """A day PEA (office empty) or an office announces off, beyond the Thai
    public holidays the `holidays` package knows."""

    day = models.DateField()
    office = models.ForeignKey(
        "accounts.Office",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: a day off for all of PEA."),
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["day"]
        verbose_name = _("day off")
        verbose_name_plural = _("days off")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "office"], name="day_off_once_per_office"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class Policy(models.Model):
    """How long PEA may take over one step of a service, and who answers for it.

    The clock runs while the request is in one of `run_states`, stands still in
    `pause_states` (waiting on the customer) and stops in any other state.
    Policies are versioned: a new version takes over running clocks, which keep
    their start and the time they spent paused."""

    class Unit(models.TextChoices):
        WORKING_HOURS = "working_hours", _("working hours")
        WORKING_DAYS = "working_days", _("working days")
        CALENDAR_DAYS = "calendar_days", _("days")
        CLOCK = "clock", _("by a time of day")
        CLOCK_MINUTES = "clock_minutes", _("minutes")
        ACCEPTANCE = "acceptance", _("2 working hours, or 09:30 next working day")

    class Anchor(models.TextChoices):
        START = "start", _("when the clock starts")
        FILED = "filed", _("when the request was filed")
        OUTAGE = "outage", _("the announced outage")

    service = models.ForeignKey(
        "requests_app.ServiceType", on_delete=models.CASCADE, related_name="policies"
    )
    step_code = models.SlugField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    run_states = models.JSONField()
    pause_states = models.JSONField(default=list, blank=True)
    # Steps that end the clock whatever state they lead to.
    stop_events = models.JSONField(default=list, blank=True)
    # States that end the clock without counting it (the promise no longer
    # applies: cancelled, rejected, a broken meter found to be user-caused …).
    void_states = models.JSONField(default=list, blank=True)
    # A named rule the request must meet for this clock to start (the three
    # reconnection promises, the two installation promises …), see sla.clocks.
    condition = models.CharField(max_length=40, blank=True)
    anchor = models.CharField(max_length=10, choices=Anchor.choices, default="start")
    # A customer-chosen appointment later than the promise moves the promise.
    appointment_kind = models.CharField(max_length=16, blank=True)
    target_value = models.DecimalField(max_digits=6, decimal_places=2)
    target_unit = models.CharField(max_length=16, choices=Unit.choices)
    at_risk_ratio = models.DecimalField(max_digits=3, decimal_places=2, default=0.75)
    owner_role = models.CharField(max_length=16)
    escalation_role = models.CharField(max_length=16, default="supervisor")
    smart_plus = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Smart Plus SLA number (1-6), if any."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "step_code", "-version"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "step_code", "version"], name="policy_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id}:{self.step_code} v{self.version}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class Clock(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")
        VOID = "void", _("No longer applies")

    request = models.ForeignKey(
        "requests_app.ServiceRequest", on_delete=models.CASCADE, related_name="clocks"
    )
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="clocks")
    step_code = models.SlugField(max_length=40)
    # Denormalised for the dashboard's roll-ups (office path prefix, service).
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "requests_app.ServiceType", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices)
    started_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    at_risk_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    # Set once by the sweep that claimed the escalation (conditional UPDATE).
    risk_notified_at = models.DateTimeField(null=True, blank=True)
    breach_notified_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "step_code"], name="clock_once_per_step"
            )
        ]
        indexes = [
            # The sweep: running clocks newly at risk / past due, not yet told.
            models.Index(
                fields=["at_risk_at"],
                name="clock_risk_sweep_idx",
                condition=models.Q(status="running", risk_notified_at__isnull=True),
            ),
            models.Index(
                fields=["due_at"],
                name="clock_breach_sweep_idx",
                condition=models.Q(status="running", breach_notified_at__isnull=True),
            ),
            # The dashboard: clocks stopped in a window, per office subtree.
            models.Index(fields=["stopped_at", "office"], name="clock_stopped_idx"),
            models.Index(
                fields=["office", "due_at"],
                name="clock_open_idx",
                condition=models.Q(status="running"),
            ),
            # The dashboard's "at risk now" per office.
            models.Index(
                fields=["office", "at_risk_at"],
                name="clock_open_risk_idx",
                condition=models.Q(status="running"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.step_code} {self.status}"

    @property
    def shown_status(self) -> tuple[str, str]:
        """(css key, label) for screens: a running clock past due shows late,
        one past its at-risk time (or booked past its promise) at risk."""
        from django.utils import timezone

        now = timezone.now()
        if self.status == self.Status.RUNNING and self.due_at <= now:
            return "missed", str(_("Late"))
        if self.status == self.Status.RUNNING and self.at_risk_at <= now:
            return "at_risk", str(_("At risk"))  # a late booking: at once
        return self.status, self.get_status_display()


class OpenTally(models.Model):
    """Open requests per office, service and state, kept by every state change
    (sla.tallies), so the dashboard reads a few hundred rows, not millions."""

    office = models.ForeignKey(
        "accounts.Office", on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey(
        "requests_app.ServiceType", on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(max_length=24)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service", "state"], name="open_tally_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id}:{self.service_id}:{self.state} {self.n}"


class StepTally(models.Model):
    """Finished clocks per office, service, step and week (Monday, Bangkok):
    met and missed, kept as each clock stops."""

    office = models.ForeignKey(
        "accounts.Office", on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey(
        "requests_app.ServiceType", on_delete=models.CASCADE, related_name="+"
    )
    step_code = models.SlugField(max_length=40)
    week = models.DateField()
    met = models.IntegerField(default=0)
    missed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service", "step_code", "week"],
                name="step_tally_once",
            )
        ]
        indexes = [models.Index(fields=["office", "week"], name="step_tally_week_idx")]

    def __str__(self) -> str:
        return f"{self.office_id}:{self.step_code}:{self.week} {self.met}/{self.missed}"

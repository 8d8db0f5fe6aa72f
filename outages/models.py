"""Outage reports (OMS): what customers and visitors report, grouped into
incidents that staff dispatch, update and restore."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Office


class Symptom(models.TextChoices):
    LINE_DOWN = "line_down", _("A fallen line or pole")
    SPARKS = "sparks", _("Sparks, fire or smoke")
    AREA_DARK = "area_dark", _("The whole area is dark")
    HOUSE_ONLY = "house_only", _("Only my house has no power")


# Reports that put people in danger: first on the board, whatever their age.
DANGER = {Symptom.LINE_DOWN, Symptom.SPARKS}


class Incident(models.Model):
    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        DISPATCHED = "dispatched", _("Crew on the way")
        RESTORED = "restored", _("Power restored")
        MERGED = "merged", _("Merged into another incident")

    OPEN = (Status.REPORTED, Status.DISPATCHED)

    number = models.CharField(max_length=32, unique=True)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    # The feeder or area the reporters' accounts are on, when known.
    area = models.CharField(max_length=40, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    danger = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.REPORTED
    )
    reports_count = models.PositiveIntegerField(default=0)
    first_reported_at = models.DateTimeField()
    last_reported_at = models.DateTimeField()
    crew = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    eta = models.DateTimeField(null=True, blank=True)
    restored_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            # The board: an office's open incidents, danger first, oldest first.
            models.Index(
                fields=["office", "-danger", "first_reported_at"],
                name="incident_board_idx",
                condition=models.Q(status__in=["reported", "dispatched"]),
            ),
            # Grouping: open incidents of an office with a recent report.
            models.Index(
                fields=["office", "area", "last_reported_at"],
                name="incident_group_idx",
                condition=models.Q(status__in=["reported", "dispatched"]),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class OutageReport(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        OPEN311 = "open311", _("Open311")

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="reports"
    )
    # The public id: the reporter's status page and the Open311 request id.
    token = models.CharField(max_length=16, unique=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outage_reports",
    )
    name = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=10, blank=True)
    language = models.CharField(max_length=2, default="th")
    account = models.ForeignKey(
        "meters.ElectricityAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The CA number as the reporter typed it. Never checked against the
    # accounts while they wait (that would tell a stranger which numbers
    # exist); matched within the office afterwards, `account` when it was.
    ca_number = models.CharField(max_length=12, blank=True)
    address = models.TextField(blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    symptom = models.CharField(max_length=12, choices=Symptom.choices)
    danger = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default="web")
    # Where an anonymous report came from (core.security_log.client_ip) and
    # whether it was acknowledged by SMS: the hourly limits on acknowledgements
    # and on Open311 filing count these rows, so they hold across processes.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    acknowledged = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["incident", "created_at"], name="report_incident_idx"),
            models.Index(fields=["created_at"], name="report_created_idx"),
            # Acknowledgements sent to this phone in the last hour.
            models.Index(fields=["phone", "created_at"], name="report_phone_idx"),
            # Reports (and acknowledgements) from this address in the last hour.
            models.Index(fields=["ip_address", "created_at"], name="report_ip_idx"),
        ]

    def __str__(self) -> str:
        return self.token


class IncidentUpdate(models.Model):
    """What staff told the reporters; every reporter is sent each one."""

    class Kind(models.TextChoices):
        DISPATCHED = "dispatched", _("Crew dispatched")
        UPDATE = "update", _("Update")
        RESTORED = "restored", _("Power restored")
        MERGED = "merged", _("Merged")
        SPLIT = "split", _("Split")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Typed by staff, or the portal's own (a merge, a split) as a key of
    # requests_app.notes.MESSAGES with its parameters, shown in the reader's
    # language (`shown_message`).
    message = models.TextField(blank=True)
    message_key = models.CharField(max_length=40, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    eta = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"

    @property
    def shown_message(self) -> str:
        from requests_app.notes import shown

        return shown(self, "message")

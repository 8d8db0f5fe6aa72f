from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin

from accounts.models import HEAD_TITLES, CustomerProfile, Department, Office
from core.language import localized


class ServiceType(models.Model):
    """One service of the charter. `flow` names the state machine it runs."""

    class StartedBy(models.TextChoices):
        CUSTOMER = "customer", _("The customer")
        PEA = "pea", _("PEA")

    code = models.SlugField(max_length=40, unique=True)
    prefix = models.CharField(max_length=4, unique=True)
    # The state machine it runs (requests_app.flows.FLOWS); blank while the
    # service is published in the charter but handled at the counter only.
    flow = models.CharField(max_length=40, blank=True)
    charter_section = models.CharField(max_length=8, blank=True)
    started_by = models.CharField(
        max_length=8, choices=StartedBy.choices, default=StartedBy.CUSTOMER
    )
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_th = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    escalation_th = models.CharField(max_length=200, blank=True)
    escalation_en = models.CharField(max_length=200, blank=True)
    # The department whose head the charter names as the escalation owner: a
    # breach is sent to that head (sla.sweep), and the charter page prints the
    # head's title and the office's contact for it. Blank: the free text above.
    escalation_department = models.CharField(
        max_length=12, choices=Department.choices, blank=True
    )
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    # The charter takes a report of this service by phone (§3.11: "ID card or
    # a phone call"): staff file it for the caller, and no document is asked.
    takes_phone_reports = models.BooleanField(default=False)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name", thai_if_blank=True)

    @property
    def description(self) -> str:
        return localized(self, "description", thai_if_blank=True)

    @property
    def escalation(self) -> str:
        if self.escalation_department:
            return str(HEAD_TITLES[self.escalation_department])
        return localized(self, "escalation", thai_if_blank=True)


class ServiceStep(models.Model):
    """One step of a service as the charter publishes it: who acts, what they
    do and in how long. The charter page and the promised times read it."""

    class Actor(models.TextChoices):
        CUSTOMER = "customer", _("You")
        PEA = "pea", _("PEA")

    class Unit(models.TextChoices):
        NONE = "", _("no set time")
        WORKING_HOURS = "working_hours", _("working hours")
        WORKING_DAYS = "working_days", _("working days")
        CALENDAR_DAYS = "calendar_days", _("days")
        CLOCK = "clock", _("by a time of day")

    service = models.ForeignKey(
        ServiceType, on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    actor = models.CharField(max_length=8, choices=Actor.choices)
    text_th = models.TextField()
    text_en = models.TextField()
    time_value = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True
    )
    time_unit = models.CharField(max_length=16, choices=Unit.choices, blank=True)
    # "from payment", "of the inspection passing" …
    time_from_th = models.CharField(max_length=120, blank=True)
    time_from_en = models.CharField(max_length=120, blank=True)
    uncertain = models.BooleanField(default=False)

    class Meta:
        ordering = ["service", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"], name="service_step_code_once"
            ),
            models.CheckConstraint(
                condition=models.Q(time_unit="") | models.Q(time_value__isnull=False),
                name="step_time_has_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code}:{self.code}"

    @property
    def text(self) -> str:
        return localized(self, "text", thai_if_blank=True)

    @property
    def time_from(self) -> str:
        return localized(self, "time_from", thai_if_blank=True)


# Document types that show a national ID number: the card itself (the
# customer's, their representative's, a company signatory's, an engineer's
# with their licence) and the house registration, which lists every
# resident's. Staff who may not reveal an ID (accounts.audit.REVEAL_ROLES: field
# staff) may not download these either. tests/security/test_pdpa.py checks
# that every catalog type naming an ID card or a house registration is here.
IDENTITY_DOCUMENT_TYPES = frozenset(
    {
        "id-card",
        "house-registration",
        "representative-id",
        "signatory-id",
        "engineer-licences",
        "representative-house-registration",
    }
)


class DocumentType(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name

    @property
    def is_identity(self) -> bool:
        return self.code in IDENTITY_DOCUMENT_TYPES

    @property
    def name(self) -> str:
        return localized(self, "name", thai_if_blank=True)


class ServiceDocument(models.Model):
    """A document the charter asks for, per service and applicant kind."""

    class ApplicantKind(models.TextChoices):
        ANY = "any", _("Every applicant")
        INDIVIDUAL = "individual", _("Individual")
        JURISTIC = "juristic", _("Juristic person")
        REPRESENTATIVE = "representative", _("Filed by a representative")

    service = models.ForeignKey(
        ServiceType, on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT)
    applicant_kind = models.CharField(max_length=16, choices=ApplicantKind.choices)
    required = models.BooleanField(default=True)
    # The document must have been issued no more than this many months before
    # staff check it (a company certificate for a refund: 1, SPEC §3.9). Staff
    # enter the issue date they read off it when they accept the request.
    max_age_months = models.PositiveSmallIntegerField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "document_type", "applicant_kind"],
                name="service_document_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code}: {self.document_type.code} ({self.applicant_kind})"


class State(models.TextChoices):
    """Every state any service flow uses; each flow uses a subset."""

    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for documents")
    ACCEPTED = "accepted", _("Accepted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SURVEY_BOOKED = "survey_booked", _("Survey booked")
    WIRING_FAILED = "wiring_failed", _("Wiring must be fixed")
    SURVEYED = "surveyed", _("Survey passed")
    FEES_QUOTED = "fees_quoted", _("Fees quoted")
    PAID = "paid", _("Paid")
    INSTALLATION_BOOKED = "installation_booked", _("Installation booked")
    TEST_BOOKED = "test_booked", _("Meter test booked")
    COMPARISON_INSTALLED = "comparison_installed", _("Comparison meter installed")
    REFUND_PENDING = "refund_pending", _("Refund due")
    METER_REMOVED = "meter_removed", _("Meter removed")
    SETTLED = "settled", _("Deposit settled")
    ESTIMATE_SENT = "estimate_sent", _("Cost estimate sent")
    CONSTRUCTION = "construction", _("Under construction")
    APPROVED = "approved", _("Approved")
    BUDGET_REQUESTED = "budget_requested", _("Budget requested")
    BUDGET_APPROVED = "budget_approved", _("Budget approved")
    OUTAGE_ANNOUNCED = "outage_announced", _("Planned outage announced")
    COVERS_INSTALLED = "covers_installed", _("Covers installed")
    SECOND_NOTICE = "second_notice", _("Second notice sent")
    INSTALLED = "installed", _("Installed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


FINAL_STATES = (State.CLOSED, State.CANCELLED, State.REJECTED)
# States in which the request waits on the customer, not on PEA.
CUSTOMER_STATES = (
    State.RETURNED,
    State.WIRING_FAILED,
    State.FEES_QUOTED,
    State.ESTIMATE_SENT,
    State.SECOND_NOTICE,
)


class ServiceRequest(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    class Phase(models.TextChoices):
        SINGLE = "1", _("Single phase")
        THREE = "3", _("Three phase")

    reference = models.CharField(max_length=20, unique=True, editable=False)
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requests"
    )
    applicant_kind = models.CharField(
        max_length=10, choices=CustomerProfile.Kind.choices
    )
    by_representative = models.BooleanField(default=False)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="requests"
    )
    # The office's province and region, copied at filing: a province or
    # region supervisor's queue is then one range of an index
    # (req_province_queue_idx, req_region_queue_idx) instead of a sort of
    # every open request under the office path.
    province = models.ForeignKey(
        Office,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    region = models.ForeignKey(
        Office,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    premises_address = models.TextField()
    premises_province = models.CharField(max_length=100, blank=True)
    meter_size = models.ForeignKey(
        "meters.MeterSize", on_delete=models.PROTECT, related_name="+"
    )
    # For services about an existing account (meter test, reconnection …).
    account = models.ForeignKey(
        "meters.ElectricityAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    contact_phone = models.CharField(max_length=10)
    preferred_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    channel = models.CharField(max_length=10, default="web")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    state = FSMField(
        max_length=24, choices=State.choices, default=State.SUBMITTED, protected=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
    )
    # The promise for the step PEA owes now (null while waiting on the customer
    # or when closed). The SLA engine owns how it is computed.
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Facts the flow's conditions read.
    survey_passed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    installed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Typed by staff, or the portal's own as a key of requests_app.notes.MESSAGES
    # with its parameters, shown in the reader's language.
    rejection_reason = models.TextField(blank=True)
    rejection_reason_key = models.CharField(max_length=40, blank=True)
    rejection_reason_params = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            # Staff queue: open requests of an office, oldest promise first
            # (PostgreSQL's ASC index keeps NULLs last, as the queue orders).
            models.Index(
                fields=["office", "due_at", "id"],
                name="req_queue_idx",
                condition=~models.Q(state__in=list(FINAL_STATES)),
            ),
            # A province's or a region's queue (supervisors), in promise order
            # (web) and in filing order (API cursor pages).
            models.Index(
                fields=["province", "due_at", "id"],
                name="req_province_queue_idx",
                condition=~models.Q(state__in=list(FINAL_STATES)),
            ),
            models.Index(
                fields=["region", "due_at", "id"],
                name="req_region_queue_idx",
                condition=~models.Q(state__in=list(FINAL_STATES)),
            ),
            models.Index(
                fields=["province", "created_at", "id"],
                name="req_province_filed_idx",
                condition=~models.Q(state__in=list(FINAL_STATES)),
            ),
            models.Index(
                fields=["region", "created_at", "id"],
                name="req_region_filed_idx",
                condition=~models.Q(state__in=list(FINAL_STATES)),
            ),
            # Staff queue filtered by state.
            models.Index(
                fields=["office", "state", "due_at", "id"], name="req_office_state_idx"
            ),
            # Customer "my requests": newest first.
            models.Index(
                models.F("applicant"),
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="req_applicant_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("requests:detail", args=[self.reference])

    def staff_url(self) -> str:
        return reverse("staff:detail", args=[self.reference])

    def get_state_display(self) -> str:
        """The state's label. Django's generated one builds a dict of every
        state's translated label on each call (about 0.1 ms: 2.5 ms for a
        page of 25 rows); this looks up the one."""
        try:
            return str(State(self.state).label)
        except ValueError:
            return self.state

    @property
    def shown_rejection_reason(self) -> str:
        from requests_app.notes import shown

        return shown(self, "rejection_reason")

    @property
    def channel_label(self) -> str:
        return {
            "web": _("Online"),
            "counter": _("At the counter"),
            "app": _("Mobile app"),
            "phone": _("By phone"),
        }.get(self.channel, self.channel)

    @property
    def is_open(self) -> bool:
        return self.state not in FINAL_STATES

    @property
    def waits_on_customer(self) -> bool:
        return self.state in CUSTOMER_STATES


class RequestEvent(models.Model):
    """The timeline: every transition (who, when, from, to, the internal note,
    the message to the customer) and other acts."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Status change")
        ASSIGNMENT = "assignment", _("Assignment")
        DOCUMENT = "document", _("Document")
        APPROVAL = "approval", _("Approval")

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Staff only: an internal note (staff's page and the API for staff):
    # typed by a person, or written by the portal as a key of
    # requests_app.notes.MESSAGES with its parameters, shown in the reader's
    # language.
    note = models.TextField(blank=True)
    note_key = models.CharField(max_length=40, blank=True)
    note_params = models.JSONField(default=dict, blank=True)
    # What the customer was told with this step (their page, SMS and e-mail):
    # typed by a person, or written by the portal as a key of
    # requests_app.notes.MESSAGES with its parameters, shown in the reader's
    # language.
    message = models.TextField(blank=True)
    message_key = models.CharField(max_length=40, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Timeline of one request in order.
            models.Index(
                fields=["request", "created_at", "id"], name="event_timeline_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action} {self.from_state}->{self.to_state}"

    @property
    def shown_message(self) -> str:
        """The message in the active language."""
        from requests_app.notes import shown

        return shown(self, "message")

    @property
    def shown_note(self) -> str:
        """The internal note in the active language."""
        from requests_app.notes import shown

        return shown(self, "note")

    @property
    def from_label(self) -> str:
        return State(self.from_state).label if self.from_state in State.values else ""

    @property
    def to_label(self) -> str:
        return State(self.to_state).label if self.to_state in State.values else ""


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def _document_path(instance: "Document", filename: str) -> str:
    # The stored name never uses what the customer typed (no path tricks).
    return (
        f"documents/{instance.request.reference}/{instance.token}.{instance.extension}"
    )


class Document(models.Model):
    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT)
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(
        upload_to=_document_path, storage=_private_storage, max_length=255
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=20, choices=ContentType.choices)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The issue date staff read off the document when checking it (only for
    # documents with a maximum age, ServiceDocument.max_age_months).
    issued_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["document_type_id", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[
            self.content_type
        ]


def _pending_upload_path(instance: "PendingUpload", filename: str) -> str:
    # Not under a request's folder: there is no request yet.
    return f"pending/{instance.token}.{instance.extension}"


class PendingUpload(models.Model):
    """A document of a filing that was refused for another reason (a field
    left out, another file refused): kept, in the same private storage as
    documents, so its uploader need not choose it again. Only its uploader
    can see or use it (requests_app.selectors.pending_uploads_for_user). It
    goes, row and file, when the filing succeeds (it becomes the request's
    document), when it is replaced or removed, or after LIFETIME (the
    expiry sweep, requests_app.services.pending_uploads_expire)."""

    LIFETIME = timedelta(days=1)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    document_type = models.ForeignKey(DocumentType, on_delete=models.CASCADE)
    # What the form carries back (never the row's id): unguessable, and
    # looked up only among the user's own uploads.
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(
        upload_to=_pending_upload_path, storage=_private_storage, max_length=255
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=20, choices=Document.ContentType.choices)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The expiry sweep: created_at < now - LIFETIME, oldest first.
            models.Index(fields=["created_at"], name="pending_upload_created_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[
            self.content_type
        ]

    def as_upload(self) -> File:
        """The stored file as an upload under the name the user gave it, to
        be filed exactly as if chosen now (requests_app.services.document_attach)."""
        return File(self.file, name=self.original_name)


class Appointment(models.Model):
    """A field work order: a job for the office's field staff at a time, with its
    result once done. Booking steps open one; the step that records the field
    result closes it (see requests_app/work_orders.py)."""

    class Kind(models.TextChoices):
        SURVEY = "survey", _("Survey / wiring inspection")
        INSTALLATION = "installation", _("Meter installation")
        TEST = "test", _("Comparison meter test")
        CONSTRUCTION = "construction", _("Construction work")
        OUTAGE = "outage", _("Planned outage for the work")
        COVERS = "covers", _("Cover installation")
        REMOVAL = "removal", _("Removal (meter or covers)")
        RECONNECTION = "reconnection", _("Reconnection")
        DISCONNECTION = "disconnection", _("Disconnection")
        # Not field work: counter staff phone the customer (a deposit refund
        # paid by cheque, charter §3.9: the customer is told by phone).
        CALL = "call", _("Phone call to the customer")

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Called off")

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="appointments"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    scheduled_for = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # The result of the field work: the step that recorded it (its label and
    # its note or message, shown in the reader's language). `outcome` is the
    # text orders closed before done_event existed were given, in the
    # language of whoever closed them.
    done_event = models.ForeignKey(
        "RequestEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when a step of the flow opened the order itself.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheduled_for"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        indexes = [
            # Field staff: "my work today"; read backwards, their finished work.
            models.Index(
                fields=["assignee", "scheduled_for"], name="appt_assignee_idx"
            ),
            # My appointments' "to do" tab and its counts: the few open rows
            # of one assignee among years of done ones.
            models.Index(
                fields=["assignee", "scheduled_for"],
                condition=models.Q(status="open"),
                name="appt_assignee_open_idx",
            ),
            # An office's open work, soonest first.
            models.Index(fields=["status", "scheduled_for"], name="appt_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.scheduled_for:%Y-%m-%d %H:%M}"

    @property
    def shown_outcome(self) -> str:
        """ "Record survey: wiring passed", in the active language (needs
        done_event and request__service loaded, as the selectors do)."""
        event = self.done_event
        if event is None:
            return self.outcome
        from requests_app.flows import step_label

        label = step_label(self.request.service.flow, event.action)
        said = event.shown_note or event.shown_message
        return f"{label}: {said}" if said else label


class CorrectionBudget(models.Model):
    """The budget for a correction on the customer's premises (charter
    §3.12): requested once the estimate is approved, and the planned outage
    is announced only once it is granted."""

    request = models.OneToOneField(
        ServiceRequest, on_delete=models.CASCADE, related_name="budget"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    # The budget request's document number, and the approval's.
    request_number = models.CharField(max_length=40)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    approval_number = models.CharField(max_length=40, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="budget_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.amount} {self.request_number}"


class SurveyResult(models.Model):
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="surveys"
    )
    passed = models.BooleanField()
    findings = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return f"{self.request_id} {'pass' if self.passed else 'fail'}"


class SurveyCheck(models.Model):
    """One item of the wiring checklist (meters.MeterSize.wiring_standard) as
    the surveyor found it: the standard at the time, and whether it was met."""

    survey = models.ForeignKey(
        SurveyResult, on_delete=models.CASCADE, related_name="checks"
    )
    item = models.CharField(max_length=24)  # WiringItem.code
    label_th = models.CharField(max_length=80)
    label_en = models.CharField(max_length=80)
    standard = models.CharField(max_length=24)  # "10–16 mm²", "45 A"
    passed = models.BooleanField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["survey", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "item"], name="survey_check_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.item} {'ok' if self.passed else 'fail'}"

    @property
    def label(self) -> str:
        return localized(self, "label", thai_if_blank=True)


# The flows are proxy models of ServiceRequest; importing them here registers
# them with Django (migrations, admin) once the base model exists.
import requests_app.flows  # noqa: E402,F401

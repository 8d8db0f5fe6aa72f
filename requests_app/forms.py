from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy as ngettext

from accounts.models import Office, User
from accounts.validators import (
    normalize_digits,
    normalize_mobile,
    validate_national_id,
    validate_thai_mobile,
)
from core.dates import format_date
from requests_app.documents import browser_check_attrs, validate_upload
from requests_app.models import (
    PendingUpload,
    ServiceDocument,
    ServiceRequest,
    ServiceType,
)


class DocumentInput(forms.FileInput):
    """A document's file input: the types it accepts, and what the browser
    checks before sending a file (requests_app.documents.browser_check_attrs,
    static/js/upload_check.js), in the reader's language at render time."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, value, {**browser_check_attrs(), **attrs})


class RequestForm(forms.Form):
    """Filing a request: premises, meter, office, and the charter's documents.

    Document fields are added per applicant kind; representative documents are
    required only when the request is filed by a representative.

    A filing refused for anything keeps the files that passed the checks as
    pending uploads of `owner` (requests_app.filing.keep_uploads): the form
    shown again carries each one's token (`doc_<id>_kept`) and a box to remove
    it (`doc_<id>_remove`); a file chosen anew replaces it. A kept file counts
    as the document, and is filed as if chosen now."""

    office = forms.ModelChoiceField(
        label=_("PEA office nearest the premises"),
        queryset=Office.objects.filter(kind=Office.Kind.BRANCH, is_active=True),
        empty_label=_("Choose an office"),
    )
    premises_address = forms.CharField(
        label=_("Address of the premises"),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=_("House number, village, road, sub-district, district."),
    )
    premises_province = forms.CharField(label=_("Province"), max_length=100)
    meter_size = forms.ModelChoiceField(
        label=_("Meter size"),
        queryset=None,  # the active sizes of the model ServiceRequest names
        empty_label=_("Choose a meter size"),
        help_text=_(
            "Most homes need 5(15) A single phase. Larger loads need a larger meter."
        ),
    )
    contact_phone = forms.CharField(
        label=_("Mobile number we can call about this request"),
        max_length=16,
        validators=[validate_thai_mobile],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    preferred_date = forms.DateField(
        label=_("Preferred survey date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    by_representative = forms.BooleanField(
        label=_("I am filing for someone else (with a power of attorney)"),
        required=False,
    )
    note = forms.CharField(
        label=_("Anything we should know (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @classmethod
    def for_filing(cls, service, user, data=None, files=None, from_account=None):
        """The form for this service and customer (its machine's
        `filing_form`); None when the customer cannot file it (a service about
        an account, and no account it applies to). `from_account`: an account
        id from a link offering the service, to prefill from."""
        return cls(data, files, **cls.filing_kwargs(service, user))

    @staticmethod
    def filing_kwargs(service, user) -> dict:
        return {
            "service": service,
            "applicant_kind": user.profile.kind,
            "owner": user,
            "initial": {"contact_phone": user.phone},
        }

    def filing_arguments(self) -> dict:
        """The arguments of the machine's `files_with` service, besides the
        applicant, the service and who files it."""
        return {"data": self.request_data(), "documents": self.documents()}

    def __init__(self, *args, service, applicant_kind, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "meter_size" in self.fields:
            sizes = ServiceRequest._meta.get_field("meter_size").related_model
            self.fields["meter_size"].queryset = sizes.objects.filter(is_active=True)
        self.service = service
        self.requirements = list(
            ServiceDocument.objects.filter(
                service=service,
                applicant_kind__in=["any", applicant_kind, "representative"],
            ).select_related("document_type")
        )
        if not any(r.applicant_kind == "representative" for r in self.requirements):
            del self.fields["by_representative"]  # nothing extra to bring
        self.document_fields = []
        for req in self.requirements:
            name = f"doc_{req.document_type_id}"
            self.fields[name] = forms.FileField(
                label=req.document_type.name, required=False, widget=DocumentInput
            )
            self.fields[name].representative_only = (
                req.applicant_kind == "representative"
            )
            self.fields[name].document_required = req.required
            self.fields[name].kept = None  # a PendingUpload, shown as kept
            self.document_fields.append(name)
        self.owner = owner
        # Kept files let go once the form is settled: removed, or replaced.
        self.dropped: list[PendingUpload] = []
        # Fields whose kept file is not (or no longer) the owner's to use.
        self.kept_lost: set[str] = set()
        if self.is_bound:
            self._find_kept()

    def _find_kept(self) -> None:
        from requests_app.selectors import pending_uploads_for_user

        tokens = {
            name: str(self.data.get(f"{self.add_prefix(name)}_kept") or "")
            for name in self.document_fields
        }
        tokens = {name: token for name, token in tokens.items() if token}
        if not tokens:
            return
        found = (
            pending_uploads_for_user(self.owner, tokens.values()) if self.owner else {}
        )
        for name, token in tokens.items():
            pending = found.get(token)
            removed = bool(self.data.get(f"{self.add_prefix(name)}_remove"))
            if pending is None or f"doc_{pending.document_type_id}" != name:
                if not removed:
                    self.kept_lost.add(name)
            elif removed:
                self.dropped.append(pending)
            else:
                self.fields[name].kept = pending

    @property
    def has_kept(self) -> bool:
        return any(self.fields[name].kept for name in self.document_fields)

    def passed_uploads(self) -> dict[int, object]:
        """The files chosen this time that passed the checks, by document
        type id: what a refused filing keeps."""
        if not hasattr(self, "cleaned_data"):
            return {}
        return {
            int(name.removeprefix("doc_")): self.cleaned_data[name]
            for name in self.document_fields
            if self.cleaned_data.get(name) and name not in self.errors
        }

    def show_kept(self, kept: dict[int, PendingUpload]) -> None:
        """Show these pending uploads as the kept files of their fields."""
        for type_id, pending in kept.items():
            self.fields[f"doc_{type_id}"].kept = pending

    def close_kept(self) -> None:
        """Close what filing read of the kept files."""
        for pending in self.settled_uploads():
            pending.file.close()

    def settled_uploads(self) -> list[PendingUpload]:
        """Every pending upload this form used or let go: deleted once the
        request is filed (requests_app.services.pending_uploads_discard)."""
        kept = [self.fields[n].kept for n in self.document_fields]
        return [p for p in kept if p is not None] + self.dropped

    def clean_contact_phone(self):
        return normalize_mobile(self.cleaned_data["contact_phone"])

    def clean_preferred_date(self):
        value = self.cleaned_data.get("preferred_date")
        if value and value < timezone.localdate():
            raise ValidationError(_("Choose today or a later date."))
        return value

    def clean(self):
        data = super().clean()
        by_rep = data.get("by_representative", False)
        for name in self.document_fields:
            field = self.fields[name]
            upload = data.get(name)
            if upload:
                try:
                    validate_upload(upload)
                except ValidationError as exc:
                    self.add_error(name, exc)  # a kept file stays kept
                else:
                    if field.kept is not None:  # chosen anew: replaces it
                        self.dropped.append(field.kept)
                        field.kept = None
                continue
            if field.kept is not None:
                continue
            if name in self.kept_lost:
                self.add_error(
                    name,
                    _(
                        "The file kept for this document is no longer available "
                        "(kept files are deleted after a day): please choose it "
                        "again."
                    ),
                )
                continue
            needed = field.document_required and (
                by_rep or not field.representative_only
            )
            if needed:
                self.add_error(
                    name, _("Please attach: %(name)s") % {"name": field.label}
                )
        return data

    def documents(self) -> dict:
        by_rep = self.cleaned_data.get("by_representative", False)
        out = {}
        for name in self.document_fields:
            if self.fields[name].representative_only and not by_rep:
                continue
            upload = self.cleaned_data.get(name)
            if not upload and self.fields[name].kept is not None:
                upload = self.fields[name].kept.as_upload()
            if upload:
                out[int(name.removeprefix("doc_"))] = upload
        return out

    def request_data(self) -> dict:
        keys = (
            "office",
            "premises_address",
            "premises_province",
            "meter_size",
            "contact_phone",
            "preferred_date",
            "note",
            "by_representative",
        )
        return {k: self.cleaned_data.get(k) for k in keys}


class DocumentUploadForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Document"))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"), widget=DocumentInput)

    def __init__(self, *args, document_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = {str(dt.pk): dt for dt in document_types}
        self.fields["document_type"].choices = [
            (k, v.name) for k, v in self.types.items()
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload


class StepForm(forms.Form):
    """The form of a step (a key of ACTION_FORMS on the flow's transition).

    `build` makes it for a request (each form knows what it needs: the office's
    staff, the request's documents, the amount due); `step_arguments` gives the
    keyword arguments of the step's service, by default the cleaned fields
    (`arguments` names them where the form derives them)."""

    arguments: tuple[str, ...] | None = None

    @classmethod
    def build(cls, request, *, data=None, files=None, prefix=None, interactive=True):
        return cls(data, files, prefix=prefix)

    @classmethod
    def argument_names(cls) -> tuple[str, ...]:
        """The service's keyword arguments: `arguments`, else the fields but
        the message to the customer (the machine gives that to the step's
        transition itself)."""
        if cls.arguments is not None:
            return cls.arguments
        return tuple(name for name in cls.base_fields if name != "message")

    def step_arguments(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.argument_names()}


class ReasonForm(StepForm):
    reason = forms.CharField(
        label=_("Reason (sent to the customer)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def message_field():
    """What staff tell the customer with a step: said so on the form."""
    return forms.CharField(
        label=_("Message to the customer (optional)"),
        help_text=_("Shown on the customer's page and sent to them by SMS and e-mail."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def internal_note_field(widget=None):
    return forms.CharField(
        label=_("Internal note (staff only, optional)"),
        required=False,
        widget=widget or forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(StepForm):
    """A step with an internal note and, apart, a message to the customer
    (requests_app.machine gives the message to the step's transition)."""

    note = internal_note_field()
    message = message_field()

    def step_arguments(self) -> dict:
        return {"note": self.cleaned_data.get("note", "")}


class OptionalReasonForm(StepForm):
    """The customer's reason, which they may leave out (cancel, decline)."""

    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EmptyForm(StepForm):
    """A step with nothing to fill in (the customer accepts the estimate)."""


class AppointmentForm(StepForm):
    """A booking staff make (survey, installation, test, covers, construction).

    On the staff page (`request` given) the date the customer asked for when
    filing is offered first, and a time outside the office's working hours
    (core.calendar: its hours, weekends, public holidays, days off) is only
    saved on a second press, once staff have seen the warning."""

    scheduled_for = forms.DateTimeField(
        label=_("Date and time agreed with the customer"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    assignee = forms.ModelChoiceField(
        label=_("Field staff"), queryset=None, required=False
    )
    note = internal_note_field(widget=forms.TextInput)
    message = message_field()
    # The time the warning was shown for: pressing again with it books it.
    confirmed_for = forms.CharField(required=False, widget=forms.HiddenInput)

    arguments = ("scheduled_for", "assignee", "note")

    @classmethod
    def build(cls, request, *, data=None, files=None, prefix=None, interactive=True):
        from requests_app.selectors import staff_members_for

        return cls(
            data,
            files,
            prefix=prefix,
            staff=staff_members_for(request),
            # the web page offers the customer's date and warns off hours;
            # the API books as it is told
            request=request if interactive else None,
        )

    def __init__(self, *args, staff, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff
        self.request = request
        self.outside_hours_warning = ""
        if request is None:
            del self.fields["confirmed_for"]  # the API books as it is told
            return
        self.preferred = self._preferred_date(request)
        if self.preferred is not None:
            from core.calendar import BANGKOK, calendar_for

            opens = calendar_for(request.office).opens
            self.fields["scheduled_for"].help_text = _(
                "The customer asked for %(date)s: offered first."
            ) % {"date": format_date(self.preferred)}
            if not self.is_bound:
                self.initial.setdefault(
                    "scheduled_for",
                    datetime.combine(self.preferred, opens, tzinfo=BANGKOK),
                )

    @staticmethod
    def _preferred_date(request):
        """The customer's date, for the first visit booked, while still ahead."""
        preferred = getattr(request, "preferred_date", None)
        if not preferred or preferred < timezone.localdate():
            return None
        if request.appointments.exists():
            return None
        return preferred

    def clean(self):
        data = super().clean()
        when = data.get("scheduled_for")
        if self.request is None or when is None:
            return data
        from core.calendar import calendar_for, local_date

        cal = calendar_for(self.request.office)
        if when < timezone.now() or cal.in_working_hours(when):
            return data  # a past time is refused by the booking itself
        typed = self.data.get(self.add_prefix("scheduled_for"), "")
        if typed and data.get("confirmed_for") == typed:
            return data  # seen and confirmed
        day = local_date(when)
        if day.weekday() >= 5:
            why = _("a weekend")
        elif not cal.is_working_day(day):
            why = _("a public holiday or a day off")
        else:
            why = _("outside %(opens)s–%(closes)s") % {
                "opens": f"{cal.opens:%H:%M}",
                "closes": f"{cal.closes:%H:%M}",
            }
        self.outside_hours_warning = _(
            "%(when)s is outside the office's working hours (%(why)s). "
            "Check it with the customer, then press the button again to book it."
        ) % {"when": format_date(when, with_time=True), "why": why}
        self.data = self.data.copy()
        self.data[self.add_prefix("confirmed_for")] = typed
        self.add_error(None, self.outside_hours_warning)
        return data

    @property
    def only_warning(self) -> bool:
        """Nothing wrong but the time: shown as a warning, not as an error."""
        return bool(self.outside_hours_warning) and list(self.errors) == ["__all__"]


class SurveyForm(StepForm):
    findings = forms.CharField(
        label=_("Findings (required when the wiring fails)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WiringSurveyForm(StepForm):
    """The wiring inspection: the standard of the request's meter size as a
    checklist, one answer per item (meters.MeterSize.wiring_standard), and
    the surveyor's own findings."""

    arguments = ("findings", "checks")

    @classmethod
    def build(cls, request, *, data=None, files=None, prefix=None, interactive=True):
        return cls(data, files, prefix=prefix, request=request)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = request.meter_size.wiring_standard()
        for item in self.items:
            self.fields[f"check_{item.code}"] = forms.TypedChoiceField(
                label=_("%(item)s: standard %(standard)s")
                % {"item": item.label, "standard": item.standard},
                choices=[
                    ("yes", _("Meets the standard")),
                    ("no", _("Below the standard")),
                ],
                coerce=lambda v: v == "yes",
                widget=forms.RadioSelect,
            )
        self.fields["findings"] = forms.CharField(
            label=_("Findings (what the customer must fix, or other faults)")
            if self.items
            else _("Findings (required when the wiring fails)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def checks(self) -> dict[str, bool] | None:
        if not self.items:
            return None
        return {i.code: self.cleaned_data[f"check_{i.code}"] for i in self.items}

    def step_arguments(self) -> dict:
        return {
            "findings": self.cleaned_data.get("findings", ""),
            "checks": self.checks(),
        }


class AcceptForm(NoteForm):
    """Accepting a request: for a document the charter wants recent (a company
    certificate for a refund), the issue date staff read off it."""

    arguments = ("note", "issued_on")

    @classmethod
    def build(cls, request, *, data=None, files=None, prefix=None, interactive=True):
        return cls(data, files, prefix=prefix, request=request)

    def __init__(self, *args, request, **kwargs):
        from requests_app.services import dated_document_rules

        super().__init__(*args, **kwargs)
        self.rules = dated_document_rules(request)
        for rule in self.rules:
            self.fields[f"issued_{rule.document_type_id}"] = forms.DateField(
                label=_("Issue date on the %(name)s")
                % {"name": rule.document_type.name},
                help_text=ngettext(
                    "Issued no more than %(n)d month ago.",
                    "Issued no more than %(n)d months ago.",
                    rule.max_age_months,
                )
                % {"n": rule.max_age_months},
                widget=forms.DateInput(attrs={"type": "date"}),
            )
        self.order_fields([*(f"issued_{r.document_type_id}" for r in self.rules)])

    def issued_on(self) -> dict:
        return {
            r.document_type.code: self.cleaned_data[f"issued_{r.document_type_id}"]
            for r in self.rules
        }

    def step_arguments(self) -> dict:
        return {
            "note": self.cleaned_data.get("note", ""),
            "issued_on": self.issued_on(),
        }


class PaymentForm(StepForm):
    amount = forms.DecimalField(
        label=_("Cash received (baht)"), max_digits=12, decimal_places=2, min_value=0
    )

    @classmethod
    def build(cls, request, *, data=None, files=None, prefix=None, interactive=True):
        initial = {}
        if interactive and data is None:  # the amount due, offered
            invoice = next(
                (i for i in request.invoices.all() if i.status == "unpaid"), None
            )
            initial["amount"] = invoice.total if invoice else None
        return cls(data, files, prefix=prefix, initial=initial)


class InstallationForm(StepForm):
    serial = forms.CharField(label=_("Meter serial number"), max_length=32)
    first_reading = forms.DecimalField(
        label=_("First reading (kWh)"), max_digits=10, decimal_places=1, min_value=0
    )


class ComparisonForm(StepForm):
    comparison_serial = forms.CharField(
        label=_("Comparison meter serial number"), max_length=32
    )
    meter_start = forms.DecimalField(
        label=_("Customer's meter reading (kWh)"),
        max_digits=10,
        decimal_places=1,
        min_value=0,
    )
    comparison_start = forms.DecimalField(
        label=_("Comparison meter reading (kWh)"),
        max_digits=10,
        decimal_places=1,
        min_value=0,
    )
    customer_signed = forms.BooleanField(
        label=_("The customer checked the readings and signed"), required=False
    )


class TestResultForm(StepForm):
    meter_end = forms.DecimalField(
        label=_("Customer's meter reading at removal (kWh)"),
        max_digits=10,
        decimal_places=1,
        min_value=0,
    )
    comparison_end = forms.DecimalField(
        label=_("Comparison meter reading at removal (kWh)"),
        max_digits=10,
        decimal_places=1,
        min_value=0,
    )
    customer_signed = forms.BooleanField(
        label=_("The customer checked the readings and signed"), required=False
    )


class FinalReadingForm(StepForm):
    final_reading = forms.DecimalField(
        label=_("Final reading (kWh)"), max_digits=10, decimal_places=1, min_value=0
    )


class SettlementForm(StepForm):
    final_bill = forms.DecimalField(
        label=_("Final bill to set against the deposit (baht)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
    )


class PayoutForm(StepForm):
    holder_id_checked = forms.BooleanField(
        label=_("Cash: the contract holder showed their ID card"), required=False
    )
    cheque_number = forms.CharField(
        label=_("Cheque number"), max_length=20, required=False
    )


class EstimateForm(StepForm):
    amount = forms.DecimalField(
        label=_("Estimated cost, VAT included (baht)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
    )
    details = forms.CharField(
        label=_("What the work includes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutageForm(StepForm):
    outage_at = forms.DateTimeField(
        label=_("Planned outage (date and time)"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("At least 7 days ahead; 3 days for high-voltage work."),
    )
    high_voltage = forms.BooleanField(label=_("High-voltage work"), required=False)
    assignee = forms.ModelChoiceField(
        label=_("Crew leader"), queryset=None, required=False
    )
    note = forms.CharField(label=_("Note (optional)"), required=False)

    @classmethod
    def build(cls, request, *, data=None, files=None, prefix=None, interactive=True):
        from requests_app.selectors import staff_members_for

        return cls(data, files, prefix=prefix, staff=staff_members_for(request))

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


class BudgetRequestForm(StepForm):
    """Charter §3.12: the budget for the approved estimate is requested."""

    amount = forms.DecimalField(
        label=_("Budget requested (baht)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
    )
    request_number = forms.CharField(label=_("Budget request number"), max_length=40)
    note = forms.CharField(label=_("Note (optional)"), required=False)


class BudgetApprovalForm(StepForm):
    approval_number = forms.CharField(label=_("Budget approval number"), max_length=40)
    note = forms.CharField(label=_("Note (optional)"), required=False)


class CallForm(StepForm):
    """Charter §3.9: a cheque refund is told to the customer by phone."""

    reached = forms.BooleanField(
        label=_("I spoke to the customer: the cheque is ready to collect"),
        help_text=_("Not reached? Leave the task open and call again."),
    )
    note = forms.CharField(
        label=_("What was agreed (optional)"),
        required=False,
        help_text=_("For example the day they will collect it."),
    )

    arguments = ("note",)  # `reached` is a check, not recorded


class DebtForm(StepForm):
    amount = forms.DecimalField(
        label=_("Amount (baht, VAT included)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_(
            "Leave empty to charge the meter price in force on the day of the report."
        ),
    )
    cause_details = forms.CharField(
        label=_("What caused the damage"), widget=forms.Textarea(attrs={"rows": 2})
    )


class Mt75Form(StepForm):
    old_reading = forms.DecimalField(
        label=_("Removed meter's last reading (kWh)"),
        max_digits=10,
        decimal_places=1,
        min_value=0,
    )
    new_serial = forms.CharField(label=_("New meter serial number"), max_length=32)
    new_reading = forms.DecimalField(
        label=_("New meter's reading (kWh)"),
        max_digits=10,
        decimal_places=1,
        min_value=0,
    )
    left_in_mailbox = forms.BooleanField(
        label=_("Nobody was home: form left in the mailbox"), required=False
    )


class AcknowledgmentForm(StepForm):
    delivery = forms.ChoiceField(
        label=_("The customer's acknowledgment"),
        choices=[
            ("signed", _("Signed by the customer")),
            ("registered_mail", _("Sent by registered mail")),
        ],
    )
    note = forms.CharField(label=_("Note (optional)"), required=False)

    arguments = ("note",)

    def step_arguments(self) -> dict:
        """How it was acknowledged, then the note, as the step's note."""
        delivery = dict(self.fields["delivery"].choices)[self.cleaned_data["delivery"]]
        return {"note": f"{delivery}. {self.cleaned_data.get('note', '')}".strip()}


class AdjustedBillForm(forms.Form):
    """Opening an adjusted-bill case (charter §3.10) after an inspection."""

    ca_number = forms.CharField(label=_("CA number"), max_length=12)
    evidence = forms.CharField(
        label=_("What the inspection found (evidence)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    history_kwh = forms.CharField(
        label=_("Monthly consumption before the fault or after the fix (kWh)"),
        help_text=_("3 to 6 numbers separated by commas, e.g. 210, 198, 225"),
    )
    months = forms.IntegerField(
        label=_("Months the fault lasted"), min_value=1, max_value=60
    )
    billed_kwh = forms.DecimalField(
        label=_("kWh billed during those months"),
        max_digits=10,
        decimal_places=1,
        min_value=0,
    )
    rate = forms.DecimalField(
        label=_("Rate (baht per kWh)"), max_digits=6, decimal_places=4, min_value=0
    )

    def clean_history_kwh(self):
        from decimal import Decimal, InvalidOperation

        try:
            values = [
                Decimal(v.strip())
                for v in self.cleaned_data["history_kwh"].split(",")
                if v.strip()
            ]
        except InvalidOperation as exc:
            raise ValidationError(_("Use numbers separated by commas.")) from exc
        if not 3 <= len(values) <= 6 or any(v < 0 for v in values):
            raise ValidationError(_("Give 3 to 6 months of consumption (0 or more)."))
        return values


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


ACTION_FORMS = {
    "reason": ReasonForm,
    "note": NoteForm,
    "appointment": AppointmentForm,
    "survey": SurveyForm,
    "wiring": WiringSurveyForm,
    "accept": AcceptForm,
    "fees": NoteForm,
    "payment": PaymentForm,
    "installation": InstallationForm,
    "comparison": ComparisonForm,
    "test_result": TestResultForm,
    "final_reading": FinalReadingForm,
    "settlement": SettlementForm,
    "payout": PayoutForm,
    "estimate": EstimateForm,
    "outage": OutageForm,
    "budget": BudgetRequestForm,
    "budget_approval": BudgetApprovalForm,
    "call": CallForm,
    "debt": DebtForm,
    "mt75": Mt75Form,
    "acknowledgment": AcknowledgmentForm,
    "none": EmptyForm,
}

# A customer may leave the reason out where staff must give one.
CUSTOMER_FORMS = {**ACTION_FORMS, "reason": OptionalReasonForm}


def step_form_class(key: str, *, audience: str = "staff") -> type[StepForm]:
    return (CUSTOMER_FORMS if audience == "customer" else ACTION_FORMS)[key]


class DisconnectionForm(forms.Form):
    """A disconnection as DMSx reports it, recorded by staff of the office."""

    ca_number = forms.CharField(label=_("CA number"), max_length=12)
    disconnected_on = forms.DateField(
        label=_("Disconnected on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outstanding = forms.DecimalField(
        label=_("Outstanding bills (baht)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
    )
    deposit_offset = forms.BooleanField(
        label=_("The deposit was set against the unpaid bills"), required=False
    )


class PhoneReportForm(forms.Form):
    """A report taken by phone (charter §3.11): who called, on what number,
    and where the problem is. No document: the call stands for the ID card."""

    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=ServiceType.objects.filter(takes_phone_reports=True, is_active=True),
        empty_label=None,
    )
    caller_first_name = forms.CharField(label=_("Caller's first name"), max_length=150)
    caller_last_name = forms.CharField(label=_("Caller's last name"), max_length=150)
    contact_phone = forms.CharField(
        label=_("Caller's mobile number"),
        max_length=16,
        validators=[validate_thai_mobile],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("We send the report's progress to this number by SMS."),
    )
    national_id = forms.CharField(
        label=_("Caller's national ID number (new callers only)"),
        max_length=17,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "Read out by the caller; no copy of the card. Not needed when the "
            "mobile number already has an account."
        ),
    )
    office = forms.ModelChoiceField(
        label=_("PEA office responsible for the place"),
        queryset=Office.objects.filter(kind=Office.Kind.BRANCH, is_active=True),
    )
    premises_address = forms.CharField(
        label=_("Where is it?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Road, village, sub-district, and a landmark (school, temple, pole number)."
        ),
    )
    premises_province = forms.CharField(label=_("Province"), max_length=100)
    note = forms.CharField(
        label=_("What is wrong"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: a leaning pole, a sagging line, a tree on the line."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for messages"),
        choices=User.Language.choices,
        initial="th",
    )

    def clean_contact_phone(self):
        return normalize_mobile(self.cleaned_data["contact_phone"])

    def clean_national_id(self):
        value = normalize_digits(self.cleaned_data.get("national_id", ""))
        if value:
            validate_national_id(value)
        return value

"""Writes on service requests. Every state change goes through
`request_transition`: check the state the user saw, the role and office, the
flow's conditions; save under the concurrency guard; log the step; queue the
customer's notification. `request_transition` and `appointment_book` are the
public step machinery other apps (payments, meters) call."""

import secrets
from calendar import monthrange
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import be_year, format_date
from core.errors import ServiceError
from core.services import sequence_next
from notifications.services import notification_enqueue
from requests_app.documents import validate_upload
from requests_app.machine import (
    authorize,
    message_fields,
    request_filed,
    request_transition,
)
from requests_app.models import (
    Appointment,
    CorrectionBudget,
    Document,
    DocumentType,
    PendingUpload,
    RequestEvent,
    ServiceDocument,
    ServiceRequest,
    ServiceStep,
    ServiceType,
    State,
    SurveyCheck,
    SurveyResult,
)
from requests_app.notes import SystemMessage, both


def _applicant_kinds(applicant_kind: str, by_representative: bool) -> set[str]:
    return {"any", applicant_kind} | (
        {"representative"} if by_representative else set()
    )


def required_document_types(
    *, service: ServiceType, applicant_kind: str, by_representative: bool
):
    kinds = _applicant_kinds(applicant_kind, by_representative)
    return [
        sd.document_type
        for sd in ServiceDocument.objects.filter(
            service=service, applicant_kind__in=kinds, required=True
        ).select_related("document_type")
    ]


# A report taken by phone (ServiceType.takes_phone_reports): no documents.
PHONE = "phone"


def dated_document_rules(request: ServiceRequest) -> list[ServiceDocument]:
    """The request's required documents that must be recent (a company
    certificate for a refund, SPEC §3.9): staff enter the issue date they read
    off each when they accept the request."""
    kinds = _applicant_kinds(request.applicant_kind, request.by_representative)
    return list(
        ServiceDocument.objects.filter(
            service=request.service,
            applicant_kind__in=kinds,
            required=True,
            max_age_months__isnull=False,
        ).select_related("document_type")
    )


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day
    when it is shorter: 31 Mar - 1 month = 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _check_issue_dates(request, rules, issued_on: dict[str, date]) -> list[dict]:
    """Refuse a missing, future or too old issue date; the dated documents for
    the log's note (requests_app.notes "documents_dated")."""
    today = timezone.localdate()
    errors, notes = {}, []
    for rule in rules:
        dt = rule.document_type
        field = f"issued_{dt.pk}"
        day = issued_on.get(dt.code)
        if day is None:
            errors[field] = _("%(name)s: enter the issue date shown on it.") % {
                "name": dt.name
            }
        elif day > today:
            errors[field] = _("The issue date cannot be after today.")
        elif day < months_before(today, rule.max_age_months):
            errors[field] = ngettext(
                "%(name)s issued on %(day)s is more than %(n)d month old. "
                "Ask the customer for one issued on %(since)s or later.",
                "%(name)s issued on %(day)s is more than %(n)d months old. "
                "Ask the customer for one issued on %(since)s or later.",
                rule.max_age_months,
            ) % {
                "name": dt.name,
                "day": format_date(day),
                "n": rule.max_age_months,
                "since": format_date(months_before(today, rule.max_age_months)),
            }
        else:
            notes.append({"name": both(dt, "name"), "day": day.isoformat()})
    if errors:
        raise ValidationError(errors)
    return notes


def missing_document_types(request: ServiceRequest) -> list[DocumentType]:
    if request.channel == PHONE:
        return []
    have = set(request.documents.values_list("document_type_id", flat=True))
    return [
        dt
        for dt in required_document_types(
            service=request.service,
            applicant_kind=request.applicant_kind,
            by_representative=request.by_representative,
        )
        if dt.pk not in have
    ]


def _reference(service: ServiceType, now: datetime) -> str:
    year = be_year(timezone.localtime(now)) % 100
    number = sequence_next(key=f"request:{service.prefix}:{year}")
    return f"{service.prefix}{year:02d}-{number:06d}"


def document_attach(
    *,
    request: ServiceRequest,
    document_type: DocumentType,
    uploaded,
    user,
    log: bool = True,
) -> Document:
    content_type = validate_upload(uploaded)
    with transaction.atomic():
        document = Document(
            request=request,
            document_type=document_type,
            token=secrets.token_hex(16),
            original_name=uploaded.name[-255:],
            content_type=content_type,
            size=uploaded.size,
            uploaded_by=user,
        )
        document.file.save("upload", uploaded, save=False)
        document.save()
        if log:
            RequestEvent.objects.create(
                request=request,
                kind=RequestEvent.Kind.DOCUMENT,
                action="document_uploaded",
                actor=user,
                **message_fields(
                    SystemMessage("document_added", name=both(document_type, "name"))
                ),
            )
    return document


def _delete_pending_files_on_commit(names) -> None:
    """The files of pending uploads whose rows went: deleted once that is
    committed (a rollback leaves both); deleting one already gone is fine."""
    names = [name for name in names if name]
    if not names:
        return

    def delete():
        storage = PendingUpload._meta.get_field("file").storage
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def pending_uploads_keep(*, owner, uploads: dict, drop=()) -> dict[int, PendingUpload]:
    """A filing was refused: keep the files that passed the checks
    ({document type id: upload}) as the owner's pending uploads, so the form
    shown again need not ask for them (for PendingUpload.LIFETIME). The kept
    files it replaced or the owner removed (`drop`) go. A file the checks now
    refuse is not kept (the form has said why)."""
    types = {dt.pk: dt for dt in DocumentType.objects.filter(pk__in=uploads.keys())}
    kept: dict[int, PendingUpload] = {}
    stored = []
    try:
        with transaction.atomic():
            pending_uploads_discard(owner=owner, uploads=drop)
            for type_id, upload in uploads.items():
                try:
                    content_type = validate_upload(upload)
                except ValidationError:
                    continue
                pending = PendingUpload(
                    user=owner,
                    document_type=types[type_id],
                    token=secrets.token_hex(16),
                    original_name=upload.name[-255:],
                    content_type=content_type,
                    size=upload.size,
                )
                pending.file.save("upload", upload, save=False)
                stored.append(pending.file.name)
                pending.save()
                kept[type_id] = pending
    except Exception:
        # Nothing of a failed keep lingers on disk (customers' ID documents).
        storage = PendingUpload._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise
    return kept


def pending_uploads_discard(*, owner, uploads) -> int:
    """Delete these pending uploads of the owner, rows and files: used by a
    filing (they are its documents now), replaced, or removed. Anyone else's
    are left alone."""
    pks = [p.pk for p in uploads if p is not None and p.pk is not None]
    if not pks:
        return 0
    with transaction.atomic():
        rows = PendingUpload.objects.filter(pk__in=pks, user=owner)
        names = list(rows.values_list("file", flat=True))
        deleted, _by_model = rows.delete()
        _delete_pending_files_on_commit(names)
    return deleted


def pending_uploads_expire(*, now: datetime | None = None, batch: int = 500) -> int:
    """Beat: pending uploads past their day, rows and files. Rows are claimed
    with SKIP LOCKED, so two sweeps never take the same ones; safe to run
    twice."""
    cutoff = (now or timezone.now()) - PendingUpload.LIFETIME
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                PendingUpload.objects.filter(created_at__lte=cutoff)
                .order_by("created_at")
                .select_for_update(skip_locked=True)
                .values_list("pk", "file")[:batch]
            )
            if not rows:
                return total
            PendingUpload.objects.filter(pk__in=[pk for pk, _name in rows]).delete()
            _delete_pending_files_on_commit([name for _pk, name in rows])
        total += len(rows)


def office_ancestors(office) -> tuple[int | None, int | None]:
    """(province id, region id) of a branch office; (None, None) otherwise."""
    from accounts.models import Office

    if office.kind != Office.Kind.BRANCH or office.parent_id is None:
        return None, None
    region = (
        Office.objects.filter(pk=office.parent_id)
        .values_list("parent_id", flat=True)
        .first()
    )
    return office.parent_id, region


@transaction.atomic
def request_submit(
    *,
    applicant,
    service: ServiceType,
    data: dict,
    documents: dict,
    created_by,
    channel="web",
) -> ServiceRequest:
    """File a request with its documents ({document_type_id: upload}).

    Refuses a request whose required documents are not all attached, so a
    customer learns at once what is missing (SPEC §4)."""
    profile = applicant.profile
    if channel == PHONE and not service.takes_phone_reports:
        raise ValidationError(_("This service is not taken by phone."))
    required = (
        []
        if channel == PHONE
        else required_document_types(
            service=service,
            applicant_kind=profile.kind,
            by_representative=bool(data.get("by_representative")),
        )
    )
    missing = [dt for dt in required if not documents.get(dt.pk)]
    if missing:
        raise ValidationError(
            {
                f"doc_{dt.pk}": _("Please attach: %(name)s") % {"name": dt.name}
                for dt in missing
            }
        )
    # Check every file before anything is stored.
    bad = {}
    for type_id, upload in documents.items():
        if upload:
            try:
                validate_upload(upload)
            except ValidationError as exc:
                bad[f"doc_{type_id}"] = exc.messages
    if bad:
        raise ValidationError(bad)
    now = timezone.now()
    province, region = office_ancestors(data["office"])
    request = ServiceRequest(
        reference=_reference(service, now),
        service=service,
        applicant=applicant,
        applicant_kind=profile.kind,
        by_representative=bool(data.get("by_representative")),
        office=data["office"],
        province_id=province,
        region_id=region,
        premises_address=data["premises_address"],
        premises_province=data.get("premises_province", ""),
        meter_size=data["meter_size"],
        account=data.get("account"),
        contact_phone=data["contact_phone"],
        preferred_date=data.get("preferred_date"),
        note=data.get("note", ""),
        channel=channel,
        created_by=created_by,
    )
    request.save()
    request_filed(request=request, user=created_by, at=now)
    types = {dt.pk: dt for dt in DocumentType.objects.filter(pk__in=documents.keys())}
    attached: list[Document] = []
    try:
        for type_id, upload in documents.items():
            if upload:
                attached.append(
                    document_attach(
                        request=request,
                        document_type=types[type_id],
                        uploaded=upload,
                        user=created_by,
                        log=False,
                    )
                )
    except Exception:
        # The rows roll back with the transaction; the files must go too
        # (customers' ID documents never linger on disk, PDPA).
        for document in attached:
            document.file.delete(save=False)
        raise
    if channel == PHONE:
        message = SystemMessage(
            "taken_by_phone", who=created_by.get_full_name() or created_by.username
        )
    elif channel == "counter":
        message = SystemMessage("filed_at_counter", n=len(attached))
    elif attached:
        message = SystemMessage("documents_attached", n=len(attached))
    else:
        message = ""
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.TRANSITION,
        action="submit",
        to_state=State.SUBMITTED,
        actor=created_by,
        **message_fields(message),
    )
    notification_enqueue(
        user=applicant, event="request_submitted", context={}, request=request
    )
    return request


def request_accept(
    *,
    request,
    user,
    expected_state=None,
    note="",
    issued_on: dict[str, date] | None = None,
) -> ServiceRequest:
    """Accept once the documents are complete. A document with a maximum age
    needs the issue date staff read off it ({document type code: date}); one
    older than the charter allows is refused, and the date is kept on it."""
    request = authorize(
        request=request, user=user, name="accept", expected_state=expected_state
    )
    missing = missing_document_types(request)
    if missing:
        raise ServiceError(
            _(
                "Documents are missing: %(names)s. Return the request to the customer instead."
            )
            % {"names": ", ".join(str(d.name) for d in missing)}
        )
    rules = dated_document_rules(request)
    dated = _check_issue_dates(request, rules, issued_on or {})
    with transaction.atomic():
        for rule in rules:
            request.documents.filter(document_type=rule.document_type).update(
                issued_on=issued_on[rule.document_type.code]
            )
        return request_transition(
            request=request,
            user=user,
            name="accept",
            expected_state=expected_state,
            note=(
                SystemMessage("documents_dated", documents=dated, note=note)
                if dated
                else note
            ),
        )


def request_return_for_documents(
    *, request, user, reason: str, expected_state=None
) -> ServiceRequest:
    request = authorize(
        request=request,
        user=user,
        name="return_for_documents",
        expected_state=expected_state,
    )
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the customer what is missing.")})
    return request_transition(
        request=request,
        user=user,
        name="return_for_documents",
        expected_state=expected_state,
        message=reason,
    )


def request_resubmit(*, request, user, expected_state=None, note="") -> ServiceRequest:
    return request_transition(
        request=request,
        user=user,
        name="resubmit",
        expected_state=expected_state,
        message=note,  # the customer's own words
    )


def appointment_book(
    *, request, user, name, kind, scheduled_for, assignee, expected_state, note
):
    """Book an appointment of `kind` (in the future) and take the step `name`
    with it, in one transaction."""
    request = authorize(
        request=request, user=user, name=name, expected_state=expected_state
    )
    if scheduled_for < timezone.now():
        raise ValidationError({"scheduled_for": _("Choose a time in the future.")})
    with transaction.atomic():
        Appointment.objects.create(
            request=request,
            kind=kind,
            scheduled_for=scheduled_for,
            assignee=assignee,
            booked_by=user,
        )
        return request_transition(
            request=request,
            user=user,
            name=name,
            expected_state=expected_state,
            note=note,
            notify=True,
            # the customer's SMS and e-mail say when, what and who
            notify_context={
                "visit_at": scheduled_for,
                "visit_kind": Appointment.Kind(kind).label,
                "visit_by": assignee.get_full_name() if assignee else "",
            },
        )


def request_book_survey(
    *, request, user, scheduled_for, assignee=None, expected_state=None, note=""
):
    return appointment_book(
        request=request,
        user=user,
        name="book_survey",
        kind=Appointment.Kind.SURVEY,
        scheduled_for=scheduled_for,
        assignee=assignee,
        expected_state=expected_state,
        note=note,
    )


def request_book_installation(
    *, request, user, scheduled_for, assignee=None, expected_state=None, note=""
):
    return appointment_book(
        request=request,
        user=user,
        name="book_installation",
        kind=Appointment.Kind.INSTALLATION,
        scheduled_for=scheduled_for,
        assignee=assignee,
        expected_state=expected_state,
        note=note,
    )


def request_book_test(
    *, request, user, scheduled_for, assignee=None, expected_state=None, note=""
):
    return appointment_book(
        request=request,
        user=user,
        name="book_test",
        kind=Appointment.Kind.TEST,
        scheduled_for=scheduled_for,
        assignee=assignee,
        expected_state=expected_state,
        note=note,
    )


def request_record_site_survey(
    *, request, user, findings: str = "", expected_state=None
):
    """A joint site survey (extensions, corrections): what was found."""
    request = authorize(
        request=request, user=user, name="record_survey", expected_state=expected_state
    )
    with transaction.atomic():
        SurveyResult.objects.create(
            request=request, passed=True, findings=findings, recorded_by=user
        )
        return request_transition(
            request=request,
            user=user,
            name="record_survey",
            expected_state=expected_state,
            note=findings,
            at=timezone.now(),
        )


def request_book_covers(
    *, request, user, scheduled_for, assignee=None, expected_state=None, note=""
):
    return appointment_book(
        request=request,
        user=user,
        name="book_covers",
        kind=Appointment.Kind.COVERS,
        scheduled_for=scheduled_for,
        assignee=assignee,
        expected_state=expected_state,
        note=note,
    )


def request_start_construction(
    *, request, user, scheduled_for, assignee=None, expected_state=None, note=""
):
    return appointment_book(
        request=request,
        user=user,
        name="start_construction",
        kind=Appointment.Kind.CONSTRUCTION,
        scheduled_for=scheduled_for,
        assignee=assignee,
        expected_state=expected_state,
        note=note,
    )


def request_approve(*, request, user, expected_state=None, note=""):
    return request_transition(
        request=request,
        user=user,
        name="approve",
        expected_state=expected_state,
        note=note,
    )


def request_budget_request(
    *,
    request,
    user,
    amount,
    request_number: str,
    note: str = "",
    expected_state=None,
):
    """Charter §3.12: once the estimate is approved, its budget is requested;
    the planned outage waits for it."""
    request = authorize(
        request=request, user=user, name="request_budget", expected_state=expected_state
    )
    if amount is None or amount <= 0:
        raise ValidationError(
            {"amount": _("Enter the budget requested (more than 0).")}
        )
    if not request_number.strip():
        raise ValidationError({"request_number": _("Enter the budget request number.")})
    with transaction.atomic():
        CorrectionBudget.objects.create(
            request=request,
            amount=amount,
            request_number=request_number.strip(),
            requested_by=user,
            requested_at=timezone.now(),
        )
        return request_transition(
            request=request,
            user=user,
            name="request_budget",
            expected_state=expected_state,
            note=SystemMessage(
                "budget_requested",
                amount=f"{amount:,.2f}",
                number=request_number.strip(),
                note=note,
            ),
        )


def request_budget_approve(
    *, request, user, approval_number: str, note: str = "", expected_state=None
):
    """The budget is granted: the planned outage may be announced."""
    request = authorize(
        request=request, user=user, name="approve_budget", expected_state=expected_state
    )
    if not approval_number.strip():
        raise ValidationError(
            {"approval_number": _("Enter the budget approval number.")}
        )
    with transaction.atomic():
        budget = CorrectionBudget.objects.select_for_update().get(request=request)
        budget.approval_number = approval_number.strip()
        budget.approved_by, budget.approved_at = user, timezone.now()
        budget.save(update_fields=["approval_number", "approved_by", "approved_at"])
        return request_transition(
            request=request,
            user=user,
            name="approve_budget",
            expected_state=expected_state,
            note=SystemMessage(
                "budget_approved", number=budget.approval_number, note=note
            ),
        )


def request_announce_outage(
    *,
    request,
    user,
    outage_at,
    high_voltage: bool = False,
    assignee=None,
    expected_state=None,
    note="",
):
    """The planned outage for the work, announced 7 days ahead (3 for high
    voltage, charter §3.11/§3.12)."""
    request = authorize(
        request=request,
        user=user,
        name="announce_outage",
        expected_state=expected_state,
    )
    notice_days = 3 if high_voltage else 7
    if outage_at < timezone.now() + timedelta(days=notice_days):
        raise ValidationError(
            {
                "outage_at": _("Announce the outage at least %(n)d days ahead.")
                % {"n": notice_days}
            }
        )
    with transaction.atomic():
        Appointment.objects.create(
            request=request,
            kind=Appointment.Kind.OUTAGE,
            scheduled_for=outage_at,
            assignee=assignee,
            booked_by=user,
        )
        return request_transition(
            request=request,
            user=user,
            name="announce_outage",
            expected_state=expected_state,
            note=note,
            message=SystemMessage("planned_outage", when=outage_at.isoformat()),
        )


def catalog_step_change(*, step: ServiceStep, **changes) -> ServiceStep:
    """Edit a step of the catalog (its time, its texts …) and tell the apps
    that follow it (settings.CATALOG_STEP_CHANGED_HOOKS: the SLA publishes a
    new version of the step's policy), in one transaction."""
    for name, value in changes.items():
        setattr(step, name, value)
    with transaction.atomic():
        step.save()
        for hook in settings.CATALOG_STEP_CHANGED_HOOKS:
            import_string(hook)(step=step)
    return step


def request_step(*, request, user, name: str, expected_state=None, note=""):
    """A step with nothing to record but who, when and a note."""
    return request_transition(
        request=request, user=user, name=name, expected_state=expected_state, note=note
    )


def complaint_resolve(*, request, user, reason: str, expected_state=None):
    """A complaint answered: the answer is the customer's message."""
    return request_transition(
        request=request,
        user=user,
        name="resolve",
        expected_state=expected_state,
        message=reason,
        at=timezone.now(),
    )


def request_finish(*, request, user, name: str, expected_state=None, note=""):
    """A last step that only records the time (construction or work done)."""
    return request_transition(
        request=request,
        user=user,
        name=name,
        expected_state=expected_state,
        note=note,
        at=timezone.now(),
    )


def _wiring_checks(request, checks: dict[str, bool]) -> list[tuple]:
    """[(item, passed)] in checklist order; every item of the request's meter
    size answered, nothing else."""
    items = request.meter_size.wiring_standard()
    codes = {item.code for item in items}
    errors = {
        f"check_{item.code}": _("Say whether this item meets the standard.")
        for item in items
        if checks.get(item.code) is None
    }
    unknown = set(checks) - codes
    if unknown:
        errors[NON_FIELD_ERRORS] = _("Unknown checklist items: %(items)s") % {
            "items": ", ".join(sorted(unknown))
        }
    if errors:
        raise ValidationError(errors)
    return [(item, bool(checks[item.code])) for item in items]


def _in_language(language: str, fn):
    with translation.override(language):
        return fn()


def _wiring_summary(rows, passed: bool) -> str:
    """The checklist in words: the failed items by name and standard (what the
    customer must fix), or the items found to standard."""
    if passed:
        return _("Meets the standard: %(items)s.") % {
            "items": ", ".join(f"{item.label} {item.standard}" for item, _ok in rows)
        }
    failed = [item for item, ok in rows if not ok]
    if not failed:
        return ""
    return _("Not to standard: %(items)s.") % {
        "items": ", ".join(
            _("%(item)s (standard %(standard)s)")
            % {"item": item.label, "standard": item.standard}
            for item in failed
        )
    }


def request_record_survey(
    *,
    request,
    user,
    passed: bool,
    findings: str = "",
    checks: dict[str, bool] | None = None,
    expected_state=None,
):
    """The wiring inspection's result. `checks` answers the checklist of the
    request's meter size item by item ({"main_breaker": False, ...}); a pass
    needs every item met, a failure names the failed items (or, with no item
    failed, the findings) in the customer's message."""
    name = "record_survey_passed" if passed else "record_survey_failed"
    request = authorize(
        request=request, user=user, name=name, expected_state=expected_state
    )
    rows = _wiring_checks(request, checks) if checks is not None else []
    failed = [item for item, ok in rows if not ok]
    if passed and failed:
        raise ValidationError(
            {
                f"check_{item.code}": _(
                    "An item below the standard means the wiring fails: "
                    "use “Wiring fails”."
                )
                for item in failed
            }
        )
    if not passed and not failed and not findings.strip():
        raise ValidationError(
            {
                "findings": _(
                    "Mark the items below the standard, or say what must be "
                    "fixed in the wiring."
                )
            }
        )
    language = request.applicant.preferred_language or "th"
    summary = (
        _in_language(language, lambda: _wiring_summary(rows, passed)) if rows else ""
    )
    note = " ".join(part for part in (summary, findings.strip()) if part)
    with transaction.atomic():
        survey = SurveyResult.objects.create(
            request=request, passed=passed, findings=findings, recorded_by=user
        )
        SurveyCheck.objects.bulk_create(
            SurveyCheck(
                survey=survey,
                item=item.code,
                label_th=_in_language("th", lambda item=item: str(item.label)),
                label_en=_in_language("en", lambda item=item: str(item.label)),
                standard=item.standard,
                passed=ok,
                order=order,
            )
            for order, (item, ok) in enumerate(rows)
        )
        if passed:
            return request_transition(
                request=request,
                user=user,
                name="record_survey_passed",
                expected_state=expected_state,
                message=note,  # what the surveyor found, for the customer
                at=timezone.now(),
            )
        return request_transition(
            request=request,
            user=user,
            name="record_survey_failed",
            expected_state=expected_state,
            message=note,  # what the customer must fix
            notify_context={"failed_items": summary} if failed else None,
        )


def request_mark_paid(*, request, user, paid_at) -> ServiceRequest:
    """Called by the payments service once an invoice is settled."""
    return request_transition(
        request=request,
        user=user,
        name="record_payment",
        expected_state=None,
        at=paid_at,
    )


def request_cancel(
    *, request, user, reason: str = "", expected_state=None
) -> ServiceRequest:
    """Called off by the customer or the counter; its open invoices are
    cancelled by a step effect (payments.effects)."""
    return request_transition(
        request=request,
        user=user,
        name="cancel",
        expected_state=expected_state,
        message=reason,
    )


def request_reject(
    *, request, user, reason: str, expected_state=None
) -> ServiceRequest:
    request = authorize(
        request=request, user=user, name="reject", expected_state=expected_state
    )
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the customer the reason for the rejection.")}
        )
    return request_transition(
        request=request,
        user=user,
        name="reject",
        expected_state=expected_state,
        message=reason,
        reason=reason,
    )


def request_assign(*, request: ServiceRequest, user, assignee) -> ServiceRequest:
    """Claim (assignee = user) or hand a request to a colleague of its office."""
    from accounts.offices import covers_office
    from requests_app.permissions import ANY_STAFF, staff_may

    if not staff_may(ANY_STAFF)(request, user):
        raise PermissionDenied(_("You may not do this on this request."))
    if assignee is not None and not (
        assignee.is_office_staff and covers_office(assignee, request.office)
    ):
        raise ValidationError(
            {"assignee": _("Choose a member of this office's staff.")}
        )
    with transaction.atomic():
        ServiceRequest.objects.filter(pk=request.pk).update(assigned_to=assignee)
        request.assigned_to = assignee
        RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.ASSIGNMENT,
            action="assign",
            actor=user,
            note=str(assignee) if assignee else "",
        )
    return request

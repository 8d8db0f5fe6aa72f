"""Reads on service requests. Each selector owns its joins and its access rule:
anyone outside the rule gets a 404, never another person's data."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from accounts.audit import may_reveal_identity
from accounts.models import Office, User
from accounts.offices import covers_office, office_scope_q
from accounts.validators import normalize_mobile
from requests_app.flows import as_flow
from requests_app.models import (
    FINAL_STATES,
    Appointment,
    Document,
    PendingUpload,
    RequestEvent,
    ServiceDocument,
    ServiceRequest,
)


def _clocks():
    """The SLA's clocks (the model the request's `clocks` relation names)."""
    return ServiceRequest._meta.get_field("clocks").related_model.objects


def _base() -> QuerySet:
    return ServiceRequest.objects.select_related("service", "office", "meter_size")


def request_list_for_customer(user: User) -> QuerySet:
    """My requests, newest first, each with its unpaid invoices
    (`unpaid_invoices`: the amount and the date to pay by)."""
    invoice = ServiceRequest._meta.get_field("invoices").related_model
    unpaid = invoice.objects.filter(status=invoice.Status.UNPAID).order_by("pk")
    # Served by req_applicant_idx (applicant, created_at DESC, id DESC).
    return (
        _base()
        .filter(applicant=user)
        .prefetch_related(
            Prefetch("invoices", queryset=unpaid, to_attr="unpaid_invoices")
        )
        .order_by("-created_at", "-id")
    )


def _with_details(qs: QuerySet) -> QuerySet:
    return (
        qs.select_related("applicant__profile", "assigned_to")
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.select_related("actor")),
            Prefetch(
                "documents", queryset=Document.objects.select_related("document_type")
            ),
            Prefetch(
                "appointments",
                queryset=Appointment.objects.select_related("assignee", "done_event"),
            ),
            Prefetch(
                "clocks",
                queryset=_clocks().select_related("policy").order_by("started_at"),
            ),
            "surveys__checks",
            "invoices__lines",
            "invoices__receipts",
            "refunds",
            "estimates",
        )
        .select_related("account", "meter_test")
    )


def request_get_for_customer(user: User, reference: str) -> ServiceRequest:
    request = _with_details(_base()).filter(applicant=user, reference=reference).first()
    if request is None or not user.is_authenticated:
        raise Http404
    return as_flow(request)


def queue_scope_q(user: User) -> Q:
    """office_scope_q for requests, on the copied province or region of a
    province or region supervisor: one index range instead of a path join
    (requests are filed at branches, so the two select the same rows)."""
    office = user.office if user.role == User.Role.SUPERVISOR else None
    if office is not None and office.kind == Office.Kind.PROVINCE:
        return Q(province_id=office.pk)
    if office is not None and office.kind == Office.Kind.REGION:
        return Q(region_id=office.pk)
    return office_scope_q(user, prefix="office__")


def request_get_for_staff(user: User, reference: str) -> ServiceRequest:
    if not user.is_authenticated or not user.is_office_staff:
        raise Http404
    request = _with_details(_base()).filter(reference=reference).first()
    if request is None or not covers_office(user, request.office):
        raise Http404
    return as_flow(request)


def staff_queue(
    user: User,
    *,
    state: str = "",
    service: str = "",
    q: str = "",
    department: str = "",
    include_closed=False,
) -> QuerySet:
    """Open requests of the user's offices, oldest promise first (req_queue_idx).
    `department`: only feedback routed to that department of the office."""
    qs = (
        ServiceRequest.objects.filter(queue_scope_q(user))
        .select_related("service", "office", "applicant", "assigned_to", "meter_size")
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )
    if state:
        qs = qs.filter(state=state)
    elif not include_closed:
        qs = qs.exclude(state__in=FINAL_STATES)
    if service:
        qs = qs.filter(service__code=service)
    if department:
        qs = qs.filter(voice__department=department)
    q = q.strip()
    if q:
        digits = normalize_mobile(q) if q.startswith("+") else q
        digits = digits.replace("-", "").replace(" ", "")
        match = Q(reference__iexact=q) | Q(reference__istartswith=q)
        if digits.isdigit() and len(digits) >= 4:
            match |= Q(contact_phone__endswith=digits) | Q(
                applicant__phone__endswith=digits
            )
        else:
            for word in q.split():
                match |= (
                    Q(applicant__first_name__icontains=word)
                    | Q(applicant__last_name__icontains=word)
                    | Q(applicant__profile__company_name__icontains=word)
                )
        qs = qs.filter(match)
    return qs


def document_get_for_user(user: User, token: str) -> Document:
    document = (
        Document.objects.select_related("request__office", "document_type")
        .filter(token=token)
        .first()
    )
    if document is None or not user.is_authenticated:
        raise Http404
    req = document.request
    if req.applicant_id == user.pk:
        return document
    if user.is_office_staff and covers_office(user, req.office):
        if document.document_type.is_identity and not may_reveal_identity(user):
            # Field staff: as with the ID number itself (accounts.audit).
            raise PermissionDenied(
                _("Your role does not need customers' ID documents.")
            )
        return document
    raise Http404


def pending_uploads_for_user(user: User, tokens) -> dict[str, PendingUpload]:
    """The user's own pending uploads among `tokens` (what a filing form sent
    back), by token, while they last: anyone else's, or one past its day,
    is simply not there."""
    tokens = [t for t in tokens if t]
    if not tokens:
        return {}
    fresh_since = timezone.now() - PendingUpload.LIFETIME
    return {
        p.token: p
        for p in PendingUpload.objects.filter(
            user=user, token__in=tokens, created_at__gt=fresh_since
        )
    }


def actions_for(request: ServiceRequest, user: User, audience: str) -> list[dict]:
    """The transitions this user may take now, with what the screen needs."""
    request = as_flow(request)
    actions = []
    for t in request.get_available_state_transitions():
        audiences = t.custom.get("audience", ())
        if audience != audiences and audience not in audiences:
            continue
        if has_transition_perm(getattr(request, t.name), user):
            actions.append({"name": t.name, **t.custom})
    seen, unique = set(), []
    for a in actions:
        if a["name"] not in seen:
            seen.add(a["name"])
            unique.append(a)
    # The step that moves the request forward first, refusals last.
    rank = {"primary": 0, "secondary": 1, "danger": 2}
    return sorted(unique, key=lambda a: rank.get(a.get("style", "primary"), 0))


def may_ever(request: ServiceRequest, user: User, name: str) -> bool:
    """Whether the user's role and office allow this step in any state."""
    request = as_flow(request)
    method = getattr(type(request), name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        return False
    return any(t.has_perm(request, user) for t in meta.transitions.values())


def staff_members_for(request: ServiceRequest) -> QuerySet:
    return (
        User.objects.filter(office=request.office, is_active=True)
        .exclude(role=User.Role.CUSTOMER)
        .order_by("first_name", "username")
    )


# My appointments' groups of open work, in the order they are listed.
TODAY, COMING, OVERDUE = 0, 1, 2


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The start of the local day of `now` and of the next one."""
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def appointments_for_assignee(user: User, *, finished: bool, now: datetime) -> QuerySet:
    """Field staff's own work. Open work ("to do") is grouped as `bucket`:
    today's, then coming days', then what is overdue from earlier days, each
    by time (appt_assignee_open_idx finds the open rows among years of done
    ones; the few are sorted). Finished work (done or called off) newest
    first, read backwards along appt_assignee_idx."""
    qs = Appointment.objects.filter(assignee=user).select_related(
        "request__service", "request__applicant", "request__meter_size"
    )
    if finished:
        return qs.exclude(status=Appointment.Status.OPEN).order_by(
            "-scheduled_for", "-id"
        )
    start, end = _day_bounds(now)
    return (
        qs.filter(status=Appointment.Status.OPEN)
        .annotate(
            bucket=Case(
                When(scheduled_for__lt=start, then=Value(OVERDUE)),
                When(scheduled_for__lt=end, then=Value(TODAY)),
                default=Value(COMING),
                output_field=IntegerField(),
            )
        )
        .order_by("bucket", "scheduled_for", "id")
    )


def appointment_counts_for_assignee(user: User, *, now: datetime) -> dict[str, int]:
    """How much of the user's open work is today's, coming and overdue: one
    query over the open rows only (appt_assignee_open_idx), however long the
    history of finished work grows."""
    start, end = _day_bounds(now)
    counts = Appointment.objects.filter(
        assignee=user, status=Appointment.Status.OPEN
    ).aggregate(
        today=Count("id", filter=Q(scheduled_for__gte=start, scheduled_for__lt=end)),
        coming=Count("id", filter=Q(scheduled_for__gte=end)),
        overdue=Count("id", filter=Q(scheduled_for__lt=start)),
    )
    counts["open"] = counts["today"] + counts["coming"] + counts["overdue"]
    return counts


def work_orders_for_office(
    user: User, *, status: str = "open", kind: str = ""
) -> QuerySet:
    """The field work of the user's offices, soonest first (appt_status_idx)."""
    qs = Appointment.objects.filter(office_scope_q(user, prefix="request__office__"))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related(
        "request__service",
        "request__applicant",
        "request__office",
        "assignee",
        "done_event",
    ).order_by("scheduled_for", "id")


def work_order_get_for_staff(user: User, pk: int) -> Appointment:
    order = (
        Appointment.objects.select_related("request__office", "request__service")
        .filter(pk=pk)
        .first()
    )
    if (
        order is None
        or not user.is_office_staff
        or not covers_office(user, order.request.office)
    ):
        raise Http404
    return order


def field_staff_for(user: User) -> QuerySet:
    """Surveyors and technicians of the user's offices, for assigning work."""
    return (
        User.objects.filter(office_scope_q(user, prefix="office__"), is_active=True)
        .filter(role__in=(User.Role.SURVEYOR, User.Role.TECHNICIAN))
        .select_related("office")
        .order_by("first_name", "username")
    )


def document_types_for_request(request: ServiceRequest) -> list:
    """The documents the applicant may add to their request: everyone's and
    those of their kind (individual or juristic), a representative's only when
    a representative filed it; in charter order, each type once."""
    kinds = {"any", request.applicant_kind}
    if request.by_representative:
        kinds.add("representative")
    types = {}
    for sd in (
        ServiceDocument.objects.filter(service=request.service_id)
        .filter(applicant_kind__in=kinds)
        .select_related("document_type")
        .order_by("sort_order", "id")
    ):
        types.setdefault(sd.document_type_id, sd.document_type)
    return list(types.values())


def documents_by_kind(service) -> list[tuple[str, list]]:
    """The service's documents grouped by who must bring them, in charter order."""
    groups: dict[str, list] = {}
    labels = dict(ServiceDocument.ApplicantKind.choices)
    for sd in service.documents.select_related("document_type").order_by(
        "sort_order", "id"
    ):
        groups.setdefault(sd.applicant_kind, []).append(sd)
    order = ["any", "individual", "juristic", "representative"]
    return [(labels[k], groups[k]) for k in order if k in groups]

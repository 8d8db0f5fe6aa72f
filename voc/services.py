"""Complaints, suggestions and compliments (filed as requests of the
"complaint" and "feedback" services, routed to a department of an office),
and customers' ratings of closed requests."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.offices import covers_office
from core.errors import ServiceError
from meters.selectors import default_meter_size
from requests_app.models import RequestEvent, ServiceType, State
from requests_app.permissions import ANY_STAFF
from voc.models import Category, Kind, Rating, Voice


def voice_submit(
    *,
    customer,
    kind: str,
    category: Category,
    office,
    subject: str,
    body: str,
    phone: str = "",
    about=None,
    created_by=None,
    channel: str = "web",
):
    """File a complaint (clocks: acknowledge 1, resolve 15 working days) or a
    suggestion or compliment (acknowledge 1), routed to the category's
    department of the office."""
    from requests_app.services import request_submit

    if kind not in Kind.values:
        raise ValidationError(
            {"kind": _("Choose complaint, suggestion or compliment.")}
        )
    if not subject.strip() or not body.strip():
        raise ValidationError({"body": _("Tell us what happened.")})
    if about is not None and about.applicant_id != customer.pk:
        raise ValidationError({"about": _("Choose one of your own requests.")})
    account = about.account if about is not None else None
    service = ServiceType.objects.get(
        code="complaint" if kind == Kind.COMPLAINT else "feedback"
    )
    with transaction.atomic():
        request = request_submit(
            applicant=customer,
            service=service,
            documents={},
            created_by=created_by or customer,
            channel=channel,
            data={
                "office": office,
                "premises_address": "",
                "account": account,
                "meter_size": about.meter_size
                if about is not None
                else default_meter_size(),
                "contact_phone": phone or customer.phone or "",
                "note": body.strip(),
            },
        )
        Voice.objects.create(
            request=request,
            kind=kind,
            category=category,
            department=category.department,
            subject=subject.strip()[:200],
            about=about,
        )
    return request


def _closer(request):
    """The staff member who closed the request (the one the rating rates)."""
    event = (
        RequestEvent.objects.filter(request=request, to_state=State.CLOSED)
        .select_related("actor")
        .order_by("-created_at")
        .first()
    )
    actor = event.actor if event else None
    return actor if actor is not None and actor.is_office_staff else None


def rating_submit(*, request, user, score: int, comment: str = "") -> Rating:
    if request.applicant_id != user.pk:
        raise PermissionDenied(_("Only the customer who filed it may rate it."))
    if request.state != State.CLOSED:
        raise ServiceError(_("A request is rated once it is closed."))
    if score not in range(1, 6):
        raise ValidationError({"score": _("Choose from 1 to 5 stars.")})
    with transaction.atomic():
        if Rating.objects.select_for_update().filter(request=request).exists():
            raise ServiceError(_("You have rated this request already. Thank you."))
        return Rating.objects.create(
            request=request,
            customer=user,
            office=request.office,
            service=request.service,
            staff=_closer(request),
            score=score,
            comment=comment.strip()[:1000],
        )


LOW = 2  # ratings at or below this may become complaints


def complaint_from_rating(*, rating: Rating, user):
    """Staff of the office open a complaint for a low rating, on the
    customer's behalf, about the rated request; once per rating."""
    if user.role not in ANY_STAFF or not covers_office(user, rating.office):
        if user.role != User.Role.ADMIN:
            raise PermissionDenied(_("You may not act for this office."))
    if rating.score > LOW:
        raise ServiceError(_("Only a rating of 1 or 2 becomes a complaint."))
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating.pk)
        if rating.complaint_id:
            raise ServiceError(_("A complaint was opened for this rating already."))
        request = rating.request
        category = Category.objects.get(
            code="staff-service" if rating.staff_id else "other"
        )
        complaint = voice_submit(
            customer=rating.customer,
            kind=Kind.COMPLAINT,
            category=category,
            office=rating.office,
            about=request,
            created_by=user,
            channel="rating",
            subject=_("Rated %(score)s of 5: %(reference)s")
            % {"score": rating.score, "reference": request.reference},
            body=rating.comment or _("(no comment)"),
        )
        rating.complaint = complaint
        rating.save(update_fields=["complaint"])
    return complaint

from django.db.models import Avg, Count, Q

from requests_app.selectors import office_scope_q
from voc.models import Rating
from voc.services import LOW


def _stats(qs, *keys):
    return list(
        qs.values(*keys)
        .annotate(
            n=Count("id"), avg=Avg("score"), low=Count("id", filter=Q(score__lte=LOW))
        )
        .order_by(*keys)
    )


def ratings_summary(user, since) -> dict:
    """Ratings of the user's offices since a moment: overall and per office,
    service and staff member (count, average, how many were low)."""
    qs = Rating.objects.filter(office_scope_q(user), created_at__gte=since)
    return {
        "overall": qs.aggregate(
            n=Count("id"), avg=Avg("score"), low=Count("id", filter=Q(score__lte=LOW))
        ),
        "by_office": _stats(qs, "office__code", "office__name_th", "office__name_en"),
        "by_service": _stats(
            qs, "service__code", "service__name_th", "service__name_en"
        ),
        "by_staff": _stats(
            qs.exclude(staff=None), "staff__id", "staff__first_name", "staff__last_name"
        ),
    }


def low_ratings(user, since):
    return (
        Rating.objects.filter(
            office_scope_q(user), created_at__gte=since, score__lte=LOW
        )
        .select_related("request__service", "customer", "staff", "complaint")
        .order_by("-created_at", "-id")
    )

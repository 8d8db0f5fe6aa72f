"""The customer's feedback form and rating, and the staff ratings page."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import staff_required
from core.errors import ServiceError
from requests_app.models import ServiceRequest
from voc import selectors, services
from voc.forms import RatingForm, VoiceForm
from voc.models import Rating

PERIODS = (30, 90, 365)


def _messages_of(exc) -> str:
    return " ".join(getattr(exc, "messages", [str(exc)]))


@login_required
def voice_new(request):
    if request.user.is_office_staff:
        raise Http404
    form = VoiceForm(request.POST or None, customer=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            filed = services.voice_submit(
                customer=request.user,
                kind=d["kind"],
                category=d["category"],
                office=d["office"],
                subject=d["subject"],
                body=d["body"],
                about=d["about"],
            )
        except ValidationError as exc:
            form.add_error(None, _messages_of(exc))
        else:
            messages.success(request, _("Thank you. We have received it."))
            return redirect(filed.get_absolute_url())
    return render(request, "voc/voice_new.html", {"form": form})


@login_required
@require_POST
def rate(request, reference):
    req = get_object_or_404(ServiceRequest, reference=reference)
    if req.applicant_id != request.user.pk:
        raise Http404
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose from 1 to 5 stars."))
    else:
        try:
            services.rating_submit(request=req, user=request.user, **form.cleaned_data)
        except (ServiceError, ValidationError) as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, _("Thank you for rating our service."))
    return redirect(req.get_absolute_url())


@staff_required
def ratings(request):
    try:
        days = int(request.GET.get("days", 90))
    except ValueError:
        days = 90
    days = days if days in PERIODS else 90
    since = timezone.now() - timedelta(days=days)
    page = Paginator(selectors.low_ratings(request.user, since), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "voc/ratings.html",
        {
            "s": selectors.ratings_summary(request.user, since),
            "page": page,
            "days": days,
            "periods": PERIODS,
            "keep": f"days={days}",
        },
    )


@staff_required
@require_POST
def complaint_from_rating(request, pk):
    rating = get_object_or_404(Rating.objects.select_related("request"), pk=pk)
    try:
        complaint = services.complaint_from_rating(rating=rating, user=request.user)
    except (ServiceError, ValidationError) as exc:
        messages.error(request, _messages_of(exc))
        return redirect("staff:ratings")
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("Complaint %(reference)s opened.") % {"reference": complaint.reference},
    )
    return redirect(complaint.staff_url())

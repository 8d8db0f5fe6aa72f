"""Staff pages of the personal-data audit: showing a customer's full identity
number on purpose (a POST with a reason, recorded), and the supervisors' list
of those records and of staff downloads of customers' documents."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import audit
from core.decorators import staff_required
from core.models import PersonalDataAccess

PAGE_SIZE = 50


@never_cache
@staff_required
@require_POST
def identity_reveal(request, reference):
    """The full national ID (or registration number) of a request's customer,
    for staff of the request's office whose role needs it. The page is never
    cached and the number never goes in a URL."""
    from requests_app.selectors import request_get_for_staff

    req = request_get_for_staff(request.user, reference)
    if not audit.may_reveal_identity(request.user):
        raise PermissionDenied(_("Your role does not need customers' ID numbers."))
    profile = getattr(req.applicant, "profile", None)
    reason = request.POST.get("reason", "")
    if profile is None or reason not in PersonalDataAccess.Reason.values:
        from django.contrib import messages

        messages.error(request, _("Choose why you need the full ID number."))
        return redirect(req.staff_url())
    value, record = audit.identity_reveal(
        user=request.user,
        profile=profile,
        reason=reason,
        source=f"staff:detail {req.reference}",
        reference=req.reference,
    )
    return render(
        request,
        "staff/identity.html",
        {"req": req, "profile": profile, "value": value, "record": record},
    )


@staff_required
def personal_data_audit(request):
    """Who saw which customer's full ID, when and why: newest first, for the
    supervisor's offices."""
    if not audit.may_read_audit(request.user):
        raise PermissionDenied(_("This page is for supervisors."))
    from requests_app.models import DocumentType

    page = Paginator(audit.accesses_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    codes = {a.document_type for a in page.object_list if a.document_type}
    names = {t.code: t.name for t in DocumentType.objects.filter(code__in=codes)}
    for access in page.object_list:
        access.document_name = names.get(access.document_type, access.document_type)
    return render(request, "staff/personal_data_audit.html", {"page": page})

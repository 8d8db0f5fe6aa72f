"""Reads of the billing imports (the administrators' pages)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from bills.models import BillingImport, ImportRejection


def may_import_billing(user) -> bool:
    """Administrators only: the billing system's files are national, and
    their rejected lines hold holders' names and ID numbers (PDPA: only for
    those who need them)."""
    from accounts.models import User

    return user.is_authenticated and user.role == User.Role.ADMIN


def _require(user) -> None:
    if not may_import_billing(user):
        raise PermissionDenied(_("This page is for administrators."))


def billing_imports_for_user(user) -> QuerySet[BillingImport]:
    _require(user)
    return BillingImport.objects.select_related("uploaded_by").order_by(
        "-uploaded_at", "-pk"
    )


def billing_import_get_for_user(user, pk: int) -> BillingImport:
    bi = billing_imports_for_user(user).filter(pk=pk).first()
    if bi is None:
        raise Http404
    return bi


def import_rejections(bi: BillingImport) -> QuerySet[ImportRejection]:
    return bi.rejections.order_by("line_no")

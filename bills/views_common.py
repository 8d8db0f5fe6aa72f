"""What the customer's bill pages share."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def customer_only(user) -> None:
    if not user.is_customer:
        raise PermissionDenied(_("This page is for customers."))

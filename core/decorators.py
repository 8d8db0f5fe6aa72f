"""View decorators shared by every app's screens."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_office_staff:
            raise PermissionDenied(_("This page is for PEA staff."))
        return view(request, *args, **kwargs)

    return wrapper

"""Login lockout (django-axes) and the login lines of the security log.

Axes counts failed logins per username *and* client address (settings:
AXES_LOCKOUT_PARAMETERS) and refuses that pair for AXES_COOLOFF_TIME after
AXES_FAILURE_LIMIT failures. The web form and the API's token endpoint both
authenticate through Django's `authenticate(request, ...)`, so both count.
Staff lift a lockout with `manage.py axes_reset_username <username>` (or the
"Access attempts" page of the admin); a customer lifts their own by resetting
their password by SMS.
"""

import logging
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models import Max
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.validators import normalize_login_name
from core.dates import format_date
from core.security_log import security_event


class LockoutBackend(AxesStandaloneBackend):
    """Axes' gate, first in AUTHENTICATION_BACKENDS.

    Two changes: a call without a request (Django's test `Client.login`, a
    shell) is let through to the next backend instead of raising — every
    login the portal serves passes its request; and a refusal marks the
    request, so the log tells "refused while locked out" from "wrong
    password"."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        try:
            return super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            request.pea_refused_locked_out = True
            raise


def axes_username(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the username as the login form normalises it,
    so 081-234-5678 and +66812345678 count as 0812345678."""
    if credentials:
        value = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("username")
    return normalize_login_name(value) if value else value


def lockout_until(request, credentials=None):
    """When the lockout of this username and address ends (aware, UTC)."""
    cool_off = get_cool_off(request) or timedelta(0)
    username = get_client_username(request, credentials)
    ip = getattr(request, "axes_ip_address", None)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=ip)
        .aggregate(last=Max("attempt_time"))
        .get("last")
    )
    return (last or timezone.now()) + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with when to try again and how to reset the
    password; the API's error shape under /api/. The same for a username that
    exists and one that does not."""
    credentials = credentials or getattr(request, "axes_credentials", None)
    until = lockout_until(request, credentials)
    seconds = max(int((until - timezone.now()).total_seconds()), 1)
    if request.path.startswith("/api/"):
        message = _(
            "Too many failed logins. Try again after %(time)s, or reset your "
            "password with a code sent by SMS."
        ) % {"time": format_date(until, with_time=True)}
        response = JsonResponse(
            {"error": {"code": "locked_out", "message": message, "fields": {}}},
            status=429,
        )
    else:
        cool_off = get_cool_off(request) or timedelta(0)
        response = render(
            request,
            "accounts/lockout.html",
            {
                "until": until,
                "failure_limit": get_failure_limit(request, credentials),
                "minutes": int(cool_off.total_seconds() // 60),
            },
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response


# The login lines of the security log -------------------------------------------------


def _on_login_failed(sender, credentials, request=None, **kwargs):
    if getattr(request, "pea_refused_locked_out", False):
        event = "login_locked_out"
    else:
        event = "login_failure"
    security_event(event, request, username=(credentials or {}).get("username"))


def _on_locked_out(sender, request=None, username=None, **kwargs):
    # Axes also signals each refusal while locked out: logged above.
    if not getattr(request, "pea_refused_locked_out", False):
        security_event("lockout_start", request, username=username)


def _on_logged_in(sender, request, user, **kwargs):
    security_event("login_success", request, user=user, level=logging.INFO)


def _on_logged_out(sender, request, user, **kwargs):
    security_event("logout", request, user=user, level=logging.INFO)


def connect_signals() -> None:
    from axes.signals import user_locked_out

    user_login_failed.connect(_on_login_failed, dispatch_uid="pea_login_failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="pea_locked_out")
    user_logged_in.connect(_on_logged_in, dispatch_uid="pea_logged_in")
    user_logged_out.connect(_on_logged_out, dispatch_uid="pea_logged_out")

"""The security log: every login attempt and every refused access, one line
each on the `pea.security` logger, stamped in UTC (ISO 8601, `...Z`).

A line carries the event, the username that was tried (masked when it is a
phone number or an ID: customers log in with their mobile number), the user's
id, the client's address and the path — never a password, a national ID, a
full phone number or a query string (search boxes take phone numbers).

    2026-12-03T03:04:05.123Z WARNING pea.security event=login_failure
    channel=web username="081-XXX-5678" user_id=- ip=203.0.113.7
    path=/accounts/login/
"""

import logging
import re
import time
from datetime import UTC, datetime

from django.conf import settings
from django.views.csrf import csrf_failure as django_csrf_failure

from core.phones import mask_phone, normalize_mobile

logger = logging.getLogger("pea.security")

# Any run of 6+ digits (with the spaces or dashes people type) in a username:
# a phone number or an ID card number.
_DIGIT_RUN = re.compile(r"\+?\d[\d\s\-]{4,}\d")
_UNSAFE = re.compile(r"[^\w@.+\-]", re.UNICODE)  # no spaces, quotes, newlines


class UTCFormatter(logging.Formatter):
    """`%(asctime)s` as 2026-12-03T03:04:05.123Z whatever the server's zone."""

    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def mask_identifier(value) -> str:
    """A username fit for a log: digit runs masked (a mobile number as
    081-XXX-5678, anything else but its last 3 digits), other characters
    outside [A-Za-z0-9_@.+-] dropped (no forged log lines), at most 64."""
    if value is None:
        return ""
    text = str(value)[:200]

    def _mask(match: re.Match) -> str:
        digits = normalize_mobile(match.group())
        if len(digits) == 10 and digits.isdigit():
            return mask_phone(digits)
        digits = re.sub(r"\D", "", digits)
        return "X" * max(len(digits) - 3, 0) + digits[-3:]

    return _UNSAFE.sub("", _DIGIT_RUN.sub(_mask, text))[:64]


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT
    proxies of our own, the address the outermost of them saw (the n-th entry
    from the right of X-Forwarded-For; entries further left are the client's
    to forge). Also django-axes' AXES_CLIENT_IP_CALLABLE, so the lockout, the
    reset throttle and the log agree on who is asking."""
    meta = getattr(request, "META", None) or {}
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return meta.get("REMOTE_ADDR") or None


def channel_of(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


def security_event(
    event: str,
    request=None,
    *,
    username=None,
    user=None,
    status: int | None = None,
    reason: str | None = None,
    level: int = logging.WARNING,
) -> None:
    """Write one line to the security log. `request` may be a Django or a DRF
    request (or None); `user` defaults to the request's authenticated user."""
    django_request = getattr(request, "_request", request)
    if user is None and django_request is not None:
        candidate = getattr(django_request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if username is None and user is not None:
        username = user.get_username()
    path = getattr(django_request, "path", "") or ""
    fields = {
        "event": event,
        "channel": channel_of(path),
        "username": mask_identifier(username),
        "user_id": getattr(user, "pk", None),
        "ip": client_ip(django_request) if django_request is not None else None,
        "path": path[:200],
    }
    if status is not None:
        fields["status"] = status
    if reason:
        fields["reason"] = reason
    if django_request is not None:
        # The denied-access middleware does not log the same request twice.
        django_request.pea_security_logged = True
    message = " ".join(
        f'{k}="{v}"' if k == "username" else f"{k}={'-' if v in (None, '') else v}"
        for k, v in fields.items()
    )
    logger.log(level, message, extra={"security": {**fields, "at": utc_now_iso()}})


class DeniedAccessLogMiddleware:
    """Logs every refused request that no one has logged yet: 403 (a
    PermissionDenied, a refused form) and the API's 401. Placed first in
    MIDDLEWARE, it sees the final response, including the CSRF middleware's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status in (401, 403) and not getattr(request, "pea_security_logged", False):
            event = "access_denied" if status == 403 else "not_authenticated"
            security_event(event, request, status=status)
        return response


def _csrf_reason(reason: str) -> str:
    # Django's reasons may quote the request's Origin or Referer: log a word.
    for needle, word in (
        ("Origin", "origin"),
        ("Referer", "referer"),
        ("cookie", "cookie"),
        ("missing", "token_missing"),
    ):
        if needle in reason:
            return word
    return "token_invalid"


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    """CSRF_FAILURE_VIEW: Django's page, and a line in the security log."""
    security_event("csrf_failure", request, status=403, reason=_csrf_reason(reason))
    return django_csrf_failure(request, reason=reason, template_name=template_name)

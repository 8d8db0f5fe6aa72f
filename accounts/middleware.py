"""Staff sessions end after STAFF_SESSION_IDLE_HOURS without a request.

A staff member's session is an office's access to customers' personal data
and money: left open on a counter PC it must not last Django's two weeks. The
last request's time is kept in the session, written at most once a minute (not
a database write per request), and the session's own expiry follows it, so
`clearsessions` removes abandoned staff sessions too. Customers are untouched.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

SEEN_KEY = "staff_seen_at"
WRITE_EVERY = 60  # seconds


def start_idle_clock(sender, request, user, **kwargs) -> None:
    """At login (user_logged_in): the first request after it writes nothing."""
    if not user.is_customer and hasattr(request, "session"):
        request.session[SEEN_KEY] = time.time()
        request.session.set_expiry(settings.STAFF_SESSION_IDLE_HOURS * 3600)


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_customer:
            idle = settings.STAFF_SESSION_IDLE_HOURS * 3600
            now = time.time()
            seen = request.session.get(SEEN_KEY)
            if seen is not None and now - seen > idle:
                # The request goes on as an anonymous visitor's: pages send
                # them to log in, the API answers 401.
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(hours)s hours without activity.")
                    % {"hours": settings.STAFF_SESSION_IDLE_HOURS},
                )
            elif seen is None or now - seen > WRITE_EVERY:
                request.session[SEEN_KEY] = now
                request.session.set_expiry(idle)
        return self.get_response(request)

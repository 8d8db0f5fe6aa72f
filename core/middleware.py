"""The portal's own middleware: security headers Django does not send, and
the refusal of NUL characters in addresses."""

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import override

from core import csp

# Only the outage report asks for the browser's position ("Use my location");
# nothing uses the camera (the photo of form มต.75 is a file input), the
# microphone, motion sensors, USB or the Payment Request API (payment is the
# provider's hosted page).
PERMISSIONS_POLICY = ", ".join(
    [
        "geolocation=(self)",
        "camera=()",
        "microphone=()",
        "payment=()",
        "usb=()",
        "accelerometer=()",
        "gyroscope=()",
        "magnetometer=()",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy (core/csp.py) and Permissions-Policy on every
    response that passes through Django. Django's SecurityMiddleware sends
    nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and HSTS;
    XFrameOptionsMiddleware sends X-Frame-Options. Static files are served by
    WhiteNoise before this runs: they are our own files, not documents."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = csp.Nonce()
        response = self.get_response(request)
        if csp.HEADER not in response and not _debug_error_page(response):
            response[csp.HEADER] = csp.policy(response, request.csp_nonce)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def _debug_error_page(response) -> bool:
    """Django's technical 404/500 pages (DEBUG only, never in production) are
    built on inline styles and scripts; under the policy they would be
    unreadable to the developer who needs them."""
    return settings.DEBUG and response.status_code in (404, 500)


class RejectNulMiddleware:
    """Refuse NUL characters in the address: PostgreSQL cannot store or
    compare them, so a filter such as ?q=%00 failed with a server error (found
    by Schemathesis). A query parameter with one is a 400, a path with one a
    404. Forms already refuse them in bodies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        open311 = request.path.startswith("/open311/")
        if "\x00" in request.path:  # no page has such an address
            from core.views import not_found

            if open311:  # GeoReport v2's own error shape
                return JsonResponse(
                    [{"code": 404, "description": "no such address"}],
                    status=404,
                    safe=False,
                )
            return not_found(request)
        if any("\x00" in v for values in request.GET.lists() for v in values[1]):
            message = _("The address contains a character that is not allowed.")
            if open311:
                with override("en"):
                    message = _("The address contains a character that is not allowed.")
                return JsonResponse(
                    [{"code": 400, "description": message}], status=400, safe=False
                )
            if request.path.startswith("/api/"):
                from core.views import _api_error

                return _api_error(400, "validation_error", message)
            return HttpResponseBadRequest(
                message, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)

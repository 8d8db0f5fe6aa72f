"""Refuse NUL characters in the address: PostgreSQL cannot store or compare
them, so a filter such as ?q=%00 failed with a server error (found by
Schemathesis). A query parameter with one is a 400, a path with one a 404.
Forms already refuse them in bodies."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:  # no page has such an address
            from core.views import not_found

            return not_found(request)
        if any("\x00" in v for values in request.GET.lists() for v in values[1]):
            message = _("The address contains a character that is not allowed.")
            if request.path.startswith("/api/"):
                from core.views import _api_error

                return _api_error(400, "validation_error", message)
            return HttpResponseBadRequest(
                message, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)

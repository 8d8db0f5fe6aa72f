import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse

# How long a client should wait before trying again when the database cannot
# be reached (a restart or fail-over takes seconds).
RETRY_AFTER_SECONDS = 30


def healthz(request):
    """Liveness for the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """/favicon.ico, which a browser asks for where a page names no icon (a PDF,
    the API's JSON): the static file. The portal's pages link static/favicon.svg."""
    from django.http import HttpResponseRedirect
    from django.templatetags.static import static

    return HttpResponseRedirect(static("favicon.ico"))


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, code: str, message: str):
    from django.http import JsonResponse

    return JsonResponse(
        {"error": {"code": code, "message": message, "fields": {}}}, status=status
    )


def not_found(request, exception=None):
    """404: the API's error shape under /api/ (even for a URL no route
    matches), the portal's page elsewhere."""
    from django.utils.translation import gettext as _
    from django.views.defaults import page_not_found

    if _api(request):
        return _api_error(404, "not_found", _("Not found."))
    return page_not_found(request, exception)


def server_error(request):
    """500, or 503 when the database cannot be reached (restarting, failing
    over): the same request works again in a moment, so the page says so and
    sends Retry-After. Neither shows anything of the error; the log has it.
    Django calls this inside its handler of the exception, which is how the
    exception is known here."""
    from django.utils.translation import gettext as _
    from django.views.defaults import server_error as page

    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    if _api(request):
        return _api_error(500, "server_error", _("Something went wrong on our side."))
    return page(request)


def database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection: Django's
    wrapped errors or the driver's own, raised or chained."""
    kinds = (
        OperationalError,
        InterfaceError,
        connection.Database.OperationalError,
        connection.Database.InterfaceError,
    )
    for _depth in range(5):
        if exc is None:
            return False
        if isinstance(exc, kinds):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def service_unavailable(request):
    """503 page (templates/503.html, Thai and English, rendered without the
    request: no context processor may need the database) or the API's error."""
    from django.template.loader import render_to_string
    from django.utils.translation import gettext as _

    if _api(request):
        response = _api_error(
            503,
            "service_unavailable",
            _("The service is briefly unavailable; please try again in a minute."),
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response

from django.db import connection
from django.http import HttpResponse


def healthz(request):
    """Liveness for the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


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
    from django.utils.translation import gettext as _
    from django.views.defaults import server_error as page

    if _api(request):
        return _api_error(500, "server_error", _("Something went wrong on our side."))
    return page(request)

"""The portal's URLs plus the framework floor: a bare Django view rendering a
tiny template, served by the same server, for the pages to be compared to."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from pea_portal.urls import urlpatterns as portal

TINY = engines["django"].from_string(
    "<!doctype html><title>floor</title><p>{{ n }}</p>"
)


def floor(request):
    return HttpResponse(TINY.render({"n": 1}, request))


urlpatterns = [path("bench/floor/", floor), *portal]

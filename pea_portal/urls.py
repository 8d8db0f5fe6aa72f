from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from core.views import favicon, healthz
from outages.urls import open311_urls
from requests_app import views as request_views
from voc import views as voc_views

urlpatterns = [
    path("", request_views.home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("charter/", request_views.charter_index, name="charter"),
    path("charter/<slug:code>/", request_views.charter_detail, name="charter_detail"),
    path("accounts/", include("accounts.urls")),
    path("requests/", include("requests_app.urls")),
    path("staff/dashboard/", include("sla.urls")),
    path("payments/", include("payments.urls")),
    path("bills/", include("bills.urls")),
    path("staff/bills/", include("bills.staff_urls")),
    path("api/v1/", include("api.urls")),
    path("outages/", include("outages.urls")),
    path("voice/", voc_views.voice_new, name="voice_new"),
    path("open311/v2/", include((open311_urls, "open311"))),
    path("staff/", include("requests_app.staff_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]

# The fake provider's checkout and its test controls exist only while it is the
# provider (with DEBUG off, only under ALLOW_TEST_PAYMENTS: payments/checks.py).
if settings.PAYMENT_PROVIDER.partition(".")[0] == "fakepay":
    urlpatterns.append(path("fakepay/", include("fakepay.urls")))

handler404 = "core.views.not_found"
handler500 = "core.views.server_error"

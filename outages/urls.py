from django.urls import path

from outages import open311, views

app_name = "outages"
urlpatterns = [
    path("", views.report, name="report"),
    path("status/<str:token>/", views.status, name="status"),
]

open311_urls = [
    path("services.json", open311.service_list, name="open311_services"),
    path(
        "services/<str:code>.json", open311.service_definition, name="open311_service"
    ),
    path("requests.json", open311.requests_view, name="open311_requests"),
    path(
        "requests/<str:request_id>.json", open311.request_detail, name="open311_request"
    ),
]

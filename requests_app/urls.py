from django.urls import path

from requests_app import views
from voc import views as voc_views

app_name = "requests"
urlpatterns = [
    path("", views.my_requests, name="mine"),
    path("new/<slug:code>/", views.file_request, name="file"),
    path("documents/<str:token>/", views.document_download, name="document"),
    path("<str:reference>/", views.request_detail, name="detail"),
    path("<str:reference>/documents/", views.document_upload, name="upload"),
    path("<str:reference>/mt75/", views.mt75, name="mt75"),
    path("<str:reference>/rate/", voc_views.rate, name="rate"),
    path("<str:reference>/<slug:action>/", views.customer_action, name="action"),
]

from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("<str:number>/", views.receipt_download, name="receipt"),
    path("verify/<str:number>/<str:sig>/", views.receipt_verify, name="verify"),
]

from django.urls import path

from fakepay import views

app_name = "fakepay"
urlpatterns = [path("checkout/<uuid:charge_id>/", views.checkout, name="checkout")]

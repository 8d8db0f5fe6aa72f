from django.urls import path

from sla import views

app_name = "sla"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("list/<slug:kind>/", views.drill_down, name="list"),
]

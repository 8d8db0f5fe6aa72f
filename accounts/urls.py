from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("password-reset/", views.password_reset_start, name="password_reset"),
    path("password-reset/code/", views.password_reset_code, name="password_reset_code"),
    path("password-reset/new/", views.password_reset_new, name="password_reset_new"),
]

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.forms import (
    ACCOUNT_EXISTS,
    LoginForm,
    NewPasswordForm,
    PasswordResetCodeForm,
    PasswordResetRequestForm,
    SignupForm,
)
from accounts.services import (
    ResetCodeExpired,
    ResetCodeWrong,
    ResetThrottled,
    customer_create,
    password_reset_complete,
    password_reset_request,
    password_reset_verified,
    password_reset_verify,
)
from accounts.validators import mask_phone
from core.security_log import client_ip, security_event

RESET_SESSION_KEY = "password_reset"


def apply_user_language(request, response, user):
    """The user's own language from the moment they log in, whatever the
    browser asks for: set the language cookie as Django's set_language does
    (LocaleMiddleware reads it before Accept-Language), and use the language
    for the rest of this request (its flash messages). The language switcher
    still changes it for the visit."""
    language = user.preferred_language
    if not translation.check_for_language(language):
        return response
    translation.activate(language)
    request.LANGUAGE_CODE = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class PortalLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        return apply_user_language(self.request, response, form.get_user())


class PortalLogoutView(LogoutView):
    pass


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = customer_create(
                    data=form.cleaned_data, password=form.cleaned_data["password1"]
                )
        except IntegrityError:  # the same number signed up a moment ago
            form.add_error(None, ValidationError(ACCOUNT_EXISTS, code="account_exists"))
            return render(request, "accounts/signup.html", {"form": form})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        next_url = request.GET.get("next")
        if not url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            next_url = "home"
        response = apply_user_language(request, redirect(next_url), user)
        messages.success(request, _("Welcome! Your account is ready."))
        return response
    return render(request, "accounts/signup.html", {"form": form})


# Forgotten password: mobile number → code by SMS → new password ------------------


@never_cache
def password_reset_start(request):
    """Step 1. The same answer whether or not an account has the number."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            row = password_reset_request(phone=phone, ip_address=client_ip(request))
        except ResetThrottled as exc:
            security_event("password_reset_throttled", request, username=phone)
            return render(
                request,
                "accounts/password_reset_throttled.html",
                {
                    "retry_at": exc.retry_at,
                    "has_code": RESET_SESSION_KEY in request.session,
                },
                status=429,
            )
        security_event(
            "password_reset_requested",
            request,
            username=phone,
            user=row.user,
            level=logging.INFO,
        )
        request.session[RESET_SESSION_KEY] = {
            "id": row.pk,
            "phone": mask_phone(phone),
        }
        return redirect("accounts:password_reset_code")
    return render(request, "accounts/password_reset_start.html", {"form": form})


@never_cache
@sensitive_post_parameters("code")
def password_reset_code(request):
    """Step 2. Each try spends one of the code's tries."""
    state = request.session.get(RESET_SESSION_KEY)
    if not state:
        return redirect("accounts:password_reset")
    form = PasswordResetCodeForm(request.POST or None)
    expired = False
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_verify(reset_id=state["id"], code=form.cleaned_data["code"])
        except ResetCodeWrong as exc:
            security_event(
                "password_reset_code_wrong", request, username=state["phone"]
            )
            form.add_error(
                "code",
                _("This code is not right. You can try %(n)s more times.")
                % {"n": exc.tries_left}
                if exc.tries_left
                else _("This code is not right, and it cannot be tried again."),
            )
            expired = not exc.tries_left
        except ResetCodeExpired:
            security_event(
                "password_reset_code_expired", request, username=state["phone"]
            )
            expired = True
        else:
            return redirect("accounts:password_reset_new")
    return render(
        request,
        "accounts/password_reset_code.html",
        {
            "form": form,
            "phone": state["phone"],
            "expired": expired,
            "minutes": settings.PASSWORD_RESET_CODE_MINUTES,
        },
    )


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def password_reset_new(request):
    """Step 3. A new password, within PASSWORD_RESET_CODE_MINUTES of the code."""
    state = request.session.get(RESET_SESSION_KEY) or {}
    row = password_reset_verified(reset_id=state["id"]) if state.get("id") else None
    if row is None:  # not verified (yet), or verified too long ago
        return redirect(
            "accounts:password_reset_code" if state else "accounts:password_reset"
        )
    form = NewPasswordForm(row.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = password_reset_complete(
                reset_id=row.pk, password=form.cleaned_data["new_password1"]
            )
        except ResetCodeExpired:
            messages.error(request, _("That took too long: please ask for a new code."))
            return redirect("accounts:password_reset")
        request.session.pop(RESET_SESSION_KEY, None)
        security_event("password_reset_done", request, user=user, level=logging.INFO)
        messages.success(
            request,
            _("Your password has been changed. Log in with your new password."),
        )
        return redirect("accounts:login")
    return render(request, "accounts/password_reset_new.html", {"form": form})

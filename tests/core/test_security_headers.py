"""Security headers on every kind of response the portal sends (an HTML page,
a JSON API answer, a PDF download, the 404 and 500 pages of both), the
Content Security Policy's rules (core/csp.py), and the production settings:
`check --deploy` clean, cookies Secure / HttpOnly / SameSite, HSTS.

Production settings are read the way production reads them: the settings
module imported in a fresh process with the environment .ci/run gives the
deploy check. The responses are then checked with those values applied."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import include, path, reverse

from api.docs import REDOC_LOAD_TIME_STYLES
from core import csp
from core.middleware import SecurityHeadersMiddleware

ROOT = Path(__file__).resolve().parents[2]

# What .ci/run gives `manage.py check --deploy --fail-level WARNING`.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "PEA_INSECURE_DEV_KEY": "false",
    "SECRET_KEY": "ci-" + secrets.token_urlsafe(45),
    "ALLOWED_HOSTS": "portal.pea.example",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",  # not opened
    # .ci/run's passing call: a staging demo on fakepay (without it, refused:
    # tests/core/test_deploy_refusals.py).
    "ALLOW_TEST_PAYMENTS": "true",
    "ALLOW_FAKE_BILLING": "true",
}
# Left to their production defaults rather than to this shell's values.
UNSET = (
    "SECURE_COOKIES",
    "STATIC_MANIFEST",
    "CSP_FORM_ACTION",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # tests/conftest.py's, for the live server
)

PRODUCTION_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "CSP_FORM_ACTION",
]
# Applied in process; the rest (database, static storage) stays the test's own.
APPLIED = [name for name in PRODUCTION_SETTINGS if name != "DEBUG"]

PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _production_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {**env, **PRODUCTION_ENV, "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def production_settings() -> dict:
    code = (
        "import json, pea_portal.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {PRODUCTION_SETTINGS!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(out.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def production(settings, production_settings):
    for name in APPLIED:
        setattr(settings, name, production_settings[name])
    return production_settings


def _directives(header: str) -> dict:
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in header.split(";")
        if part.strip()
    }


def assert_security_headers(response, *, page: bool) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("geolocation=(self)", "camera=()", "microphone=()", "payment=()"):
        assert feature in permissions
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    if page:
        assert response["Content-Type"].startswith("text/html")
        assert _directives(policy) == PAGE_POLICY
    else:
        assert _directives(policy) == {
            "default-src": "'none'",
            "frame-ancestors": "'none'",
        }


# -- production settings ------------------------------------------------------


def test_the_deploy_check_passes_with_production_settings():
    """The same check .ci/run makes, in the default suite: no warning at all."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output and "?: (" not in output, output


def test_production_cookies_are_secure_httponly_and_lax(production_settings):
    assert production_settings["DEBUG"] is False
    for cookie in ("SESSION", "CSRF", "LANGUAGE"):
        assert production_settings[f"{cookie}_COOKIE_SECURE"] is True
        assert production_settings[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert production_settings[f"{cookie}_COOKIE_SAMESITE"] == "Lax"
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] == 31536000


def test_cookies_sent_in_production_carry_the_flags(client, production, customer):
    login = reverse("accounts:login")
    page = client.get(login, secure=True)
    assert page.status_code == 200
    done = client.post(
        login,
        {"username": "alice", "password": "correct-horse-battery"},
        secure=True,
    )
    assert done.status_code == 302
    language = client.post(
        reverse("set_language"), {"language": "en", "next": "/"}, secure=True
    )
    sent = {
        "csrftoken": page.cookies["csrftoken"],
        "sessionid": done.cookies["sessionid"],
        "pea_language": language.cookies["pea_language"],
    }
    for name, morsel in sent.items():
        assert morsel["secure"] is True, name
        assert morsel["httponly"] is True, name
        assert morsel["samesite"] == "Lax", name


def test_hsts_on_https_when_configured(client, production, db):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert client.get("/").status_code == 301  # plain HTTP goes to HTTPS


def test_no_hsts_when_not_configured(client, settings, db):
    settings.SECURE_HSTS_SECONDS = 0
    assert "Strict-Transport-Security" not in client.get("/", secure=True)


# -- every kind of response ---------------------------------------------------


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", boom),
    path("", include("pea_portal.urls")),
]
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"


@pytest.fixture
def raising_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_headers_on_an_html_page(client, production, db):
    assert_security_headers(client.get("/", secure=True), page=True)


def test_headers_on_a_json_api_response(client, production, db):
    response = client.get(reverse("api:services"), secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert_security_headers(response, page=False)


def test_headers_on_a_pdf_download(client, production, submitted_request, customer):
    document = submitted_request.documents.first()
    client.force_login(customer)
    response = client.get(reverse("requests:document", args=[document.token]),
                          secure=True)  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert_security_headers(response, page=False)


def test_headers_on_not_found_pages(client, production, db):
    page = client.get("/no-such-page/", secure=True)
    assert page.status_code == 404
    assert_security_headers(page, page=True)
    api = client.get("/api/v1/no-such-thing/", secure=True)
    assert api.status_code == 404
    assert_security_headers(api, page=False)


def test_headers_on_server_error_pages(client, production, raising_urls, db):
    client.raise_request_exception = False
    page = client.get("/boom/", secure=True)
    assert page.status_code == 500
    assert_security_headers(page, page=True)
    api = client.get("/api/v1/boom/", secure=True)
    assert api.status_code == 500
    assert_security_headers(api, page=False)


def test_the_api_docs_widen_the_policy_only_as_far_as_they_need(client, db):
    swagger = _directives(client.get("/api/v1/docs/")["Content-Security-Policy"])
    assert swagger == {**PAGE_POLICY, "img-src": "'self' data:"}
    redoc = client.get("/api/v1/redoc/")
    nonce = re.search(r'nonce="([\w-]+)"', redoc.content.decode())[1]
    hashes = " ".join(REDOC_LOAD_TIME_STYLES)
    assert _directives(redoc["Content-Security-Policy"]) == {
        **PAGE_POLICY,
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": f"'self' {hashes} 'nonce-{nonce}'",
        "img-src": "'self' data:",
        "worker-src": "'self' blob:",
    }
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


# -- the policy's rules -------------------------------------------------------


def _through_middleware(response, nonce_used=False):
    def view(request):
        if nonce_used:
            str(request.csp_nonce)
        return response

    return SecurityHeadersMiddleware(view)(RequestFactory().get("/"))


def test_a_page_names_no_nonce_unless_it_used_one():
    plain = _through_middleware(HttpResponse("<p>hi</p>"))
    assert "nonce-" not in plain["Content-Security-Policy"]
    used = _through_middleware(HttpResponse("<p>hi</p>"), nonce_used=True)
    directives = _directives(used["Content-Security-Policy"])
    assert re.fullmatch(r"'self' 'nonce-[\w-]{24}'", directives["script-src"])
    assert directives["style-src"] == directives["script-src"]


def test_each_response_gets_its_own_nonce():
    first, second = (
        _through_middleware(HttpResponse("x"), nonce_used=True) for _ in range(2)
    )
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]


def test_a_view_widens_only_its_own_response():
    widened = _through_middleware(
        csp.csp_extend(HttpResponse("x"), img_src=["data:"], worker_src=["blob:"])
    )
    directives = _directives(widened["Content-Security-Policy"])
    assert directives["img-src"] == "'self' data:"
    assert directives["worker-src"] == "'self' blob:"
    assert (
        _directives(_through_middleware(HttpResponse("x"))["Content-Security-Policy"])
        == PAGE_POLICY
    )


def test_a_policy_set_by_the_view_is_kept():
    response = HttpResponse("x")
    response["Content-Security-Policy"] = "default-src 'none'"
    assert (
        _through_middleware(response)["Content-Security-Policy"] == "default-src 'none'"
    )


def test_the_payment_providers_origin_may_receive_forms(settings):
    settings.CSP_FORM_ACTION = ["https://pay.provider.example"]
    header = _through_middleware(HttpResponse("x"))["Content-Security-Policy"]
    assert _directives(header)["form-action"] == "'self' https://pay.provider.example"


def test_djangos_debug_error_pages_are_left_readable(settings):
    settings.DEBUG = True
    assert "Content-Security-Policy" not in _through_middleware(
        HttpResponse("<style>", status=500)
    )
    assert "Content-Security-Policy" in _through_middleware(HttpResponse("x"))
    settings.DEBUG = False
    assert "Content-Security-Policy" in _through_middleware(
        HttpResponse("x", status=500)
    )


# -- nothing inline in what we serve ------------------------------------------

# Rendered to PDF by WeasyPrint or sent as text: never served as a page.
NOT_PAGES = {"payments/pdf_base.html"}
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>"  # an inline script (a src= one is a file)
    r"|<style\b"  # an inline style sheet
    r"|\sstyle\s*="  # a style attribute
    r"|\son[a-z]+\s*="  # an event handler attribute
    r"|javascript:",  # a javascript: URL
    re.IGNORECASE,
)


def test_no_template_we_serve_needs_inline_code():
    found = []
    templates = ROOT / "templates"
    for file in sorted(templates.rglob("*.html")):
        name = file.relative_to(templates).as_posix()
        if name in NOT_PAGES:
            continue
        for number, line in enumerate(file.read_text().splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{name}:{number}: {line.strip()[:120]}")
    assert not found, "\n".join(found)

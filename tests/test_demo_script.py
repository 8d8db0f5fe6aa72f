"""`bash scripts/demo.sh` serves as production does: DEBUG off, the portal's own
404 and 500 pages, and an environment (scripts/demo_env.sh) in which SITE_URL
follows PORT, so the fake provider's callbacks and the links in messages reach
the server that runs, with a secret key generated once and kept."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import include, path

ROOT = Path(__file__).resolve().parent.parent
DEMO_VARS = (
    "PORT", "DEBUG", "SITE_URL", "ALLOW_TEST_PAYMENTS", "ALLOW_FAKE_BILLING",
    "SECURE_COOKIES",
    "SECRET_KEY", "STATIC_ROOT", "STATIC_MANIFEST", "PEA_VAR_DIR",
    "FAKEPAY_CALLBACK_URL", "PEA_INSECURE_DEV_KEY",
)  # fmt: skip


def caller_env(var_dir: Path, **given: str) -> dict[str, str]:
    """The environment of someone who runs the demo: none of the demo's
    variables unless given, the var/ folder a temporary one."""
    env = {k: v for k, v in os.environ.items() if k not in DEMO_VARS}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["PEA_VAR_DIR"] = str(var_dir)
    return env | given


def demo_env(var_dir: Path, **given: str) -> dict[str, str]:
    """What scripts/demo_env.sh exports, sourced as demo.sh sources it."""
    out = subprocess.run(
        ["bash", "-c", "set -euo pipefail; source scripts/demo_env.sh; env -0"],
        cwd=ROOT, env=caller_env(var_dir, **given),
        capture_output=True, check=True, timeout=60,
    ).stdout.decode()  # fmt: skip
    return dict(item.split("=", 1) for item in out.split("\0") if "=" in item)


def test_site_url_follows_the_port_and_debug_is_off(tmp_path):
    env = demo_env(tmp_path, PORT="8101")
    assert env["PORT"] == "8101"
    assert env["SITE_URL"] == "http://127.0.0.1:8101"
    assert env["DEBUG"] == "false"
    assert env["SECURE_COOKIES"] == "false"  # plain http on the loopback
    assert env["ALLOW_TEST_PAYMENTS"] == "true"
    assert env["ALLOW_FAKE_BILLING"] == "true"
    assert env["STATIC_ROOT"] == str(tmp_path / "static")
    assert env["STATIC_MANIFEST"] == "false"
    assert "PEA_INSECURE_DEV_KEY" not in env


def test_the_default_port_is_8000(tmp_path):
    env = demo_env(tmp_path)
    assert (env["PORT"], env["SITE_URL"]) == ("8000", "http://127.0.0.1:8000")


def test_the_callers_values_win(tmp_path):
    env = demo_env(
        tmp_path, PORT="8101", SITE_URL="https://demo.example", SECRET_KEY="k" * 60
    )
    assert env["SITE_URL"] == "https://demo.example"
    assert env["SECRET_KEY"] == "k" * 60
    assert not (tmp_path / "demo-secret-key").exists()


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = demo_env(tmp_path)["SECRET_KEY"]
    assert len(first) >= 50
    key_file = tmp_path / "demo-secret-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first
    assert demo_env(tmp_path)["SECRET_KEY"] == first  # sessions survive restarts
    assert demo_env(tmp_path / "elsewhere")["SECRET_KEY"] != first


def test_a_short_or_readable_key_file_is_replaced_or_closed(tmp_path):
    key_file = tmp_path / "demo-secret-key"
    key_file.write_text("too-short\n")
    key = demo_env(tmp_path)["SECRET_KEY"]
    assert len(key) >= 50 and key != "too-short"
    key_file.chmod(0o644)
    assert demo_env(tmp_path)["SECRET_KEY"] == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_system_check_passes_in_the_demo_environment(tmp_path):
    env = demo_env(tmp_path, PORT="8101")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_sh_collects_static_files_and_serves_on_the_port():
    script = (ROOT / "scripts" / "demo.sh").read_text()
    steps = [
        'source "$(dirname "$0")/bootstrap.sh"',
        "source scripts/demo_env.sh",
        "python manage.py collectstatic --no-input",
        'python manage.py runserver "127.0.0.1:${PORT}"',
    ]
    at = [script.index(step) for step in steps]
    assert at == sorted(at)
    assert "DEBUG=${DEBUG:-true}" not in script


# The error pages, through the project's handlers, with DEBUG off.
def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), path("", include("pea_portal.urls"))]
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"


@pytest.mark.django_db
@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    "language, heading, text",
    [
        ("th", "ไม่พบหน้าที่ต้องการ", "ไม่พบหน้าหรือคำร้องที่ท่านต้องการ"),
        ("en", "Page not found", "does not exist, or is not yours"),
    ],
)
def test_a_missing_page_is_the_portals_404(client, language, heading, text):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert heading in body and text in body
    assert 'class="topbar"' in body and "/static/css/portal.css" in body
    assert "Using the URLconf" not in body  # not Django's debug page


def test_the_500_page_is_thai_first_then_english_in_the_portals_style():
    body = render_to_string("500.html")
    assert body.index("ขออภัย ระบบขัดข้องชั่วคราว") < body.index(
        "Sorry, something went wrong"
    )
    assert 'href="/static/css/portal.css"' in body and 'href="/"' in body
    assert "{%" not in body and "{{" not in body


def test_the_503_page_is_thai_first_then_english_in_the_portals_style():
    body = render_to_string("503.html")
    assert body.index("ระบบไม่พร้อมให้บริการชั่วคราว") < body.index("briefly unavailable")
    assert 'href="/static/css/portal.css"' in body and 'href="/"' in body


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_an_error_is_the_portals_500_page():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "ขออภัย ระบบขัดข้องชั่วคราว" in body and "Back to the start" in body
    assert "RuntimeError" not in body and "Traceback" not in body

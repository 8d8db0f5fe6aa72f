"""No phone number or national ID in an access log line (PDPA).

The staff queue's search is a GET (its pages and bookmarks keep working), so
the number a clerk types is in the URL; the access logs blank it: gunicorn's
through pea_portal/gunicorn_conf.py (tested through a real gunicorn),
runserver's (the `django.server` logger) through the redaction filter."""

import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PHONE = "0812345671"
NATIONAL_ID = factories.national_id(4242)
# Anything that still holds the number's digits: 7 in a row, with or without
# separators, percent escapes or `+` between them.
DIGIT_RUN = re.compile(r"\d(?:(?:[ +\-]|%2[0BbDd])?\d){6,}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(port: int, path: str, headers: dict | None = None) -> int:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers=headers or {})  # fmt: skip
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_gunicorn_access_log_blanks_phone_numbers_and_national_ids(tmp_path):
    """gunicorn with the project's config, as the Dockerfile starts it; the
    pages asked for need no database (an empty one is given)."""
    port = _free_port()
    access_log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pea_portal.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "ALLOW_TEST_PAYMENTS": "true",
        "SECRET_KEY": "access-log-test-" + "k" * 48,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "pea_portal/gunicorn_conf.py",
         "-w", "1", "-b", f"127.0.0.1:{port}", "--access-logfile", str(access_log),
         "--error-logfile", str(tmp_path / "error.log"), "pea_portal.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(150):
            if proc.poll() is not None:
                raise AssertionError((tmp_path / "error.log").read_text())
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        asked = [
            f"/staff/?q={PHONE}",
            f"/staff/?q={NATIONAL_ID}&state=submitted",
            "/staff/?q=081-234-5671",
            "/staff/?q=%2B66812345671",
            "/staff/?q=+66+81+234+5671",
            f"/staff/?q={NATIONAL_ID[0]}-{NATIONAL_ID[1:5]}-{NATIONAL_ID[5:10]}-"
            f"{NATIONAL_ID[10:12]}-{NATIONAL_ID[12]}",
            # Where the login redirect sends the clerk, the search inside `next`.
            f"/accounts/login/?next=/staff/%3Fq%3D{PHONE}",
        ]
        statuses = [_get(port, path) for path in asked]
        _get(port, "/healthz", {"Referer": f"http://127.0.0.1/staff/?q={PHONE}"})
        # The sync worker writes each line after the response; wait for all.
        for _ in range(50):
            if access_log.exists() and len(access_log.read_text().splitlines()) >= 8:
                break
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=20)

    assert statuses[:6] == [302] * 6, statuses  # to the login page, no 500
    lines = access_log.read_text().splitlines()
    assert len(lines) == 8, lines
    text = "\n".join(lines)
    assert PHONE not in text and NATIONAL_ID not in text
    quoted = re.findall(r'"[^"]*"', text)  # request lines, referers, agents
    assert not [q for q in quoted if DIGIT_RUN.search(q)], lines
    # The rest of each line as gunicorn writes it.
    assert '"GET /staff/?q=[PHONE] HTTP/1.1" 302 ' in lines[0]
    assert '"GET /staff/?q=[ID]&state=submitted HTTP/1.1" 302 ' in lines[1]
    assert '"GET /staff/?q=[PHONE] HTTP/1.1" 302 ' in lines[2]
    assert lines[0].startswith("127.0.0.1 - - [")
    login = '"GET /accounts/login/?next=/staff/%3Fq%3D[PHONE] HTTP/1.1" 200 '
    assert login in lines[6]
    assert '"http://127.0.0.1/staff/?q=[PHONE]"' in lines[7]


def test_runserver_access_log_blanks_them_too():
    """`manage.py runserver` logs each request on `django.server` through a
    handler of its own (Django's default): settings.LOGGING replaces it with
    one that has the redaction filter (configured by django.setup())."""
    logger = logging.getLogger("django.server")
    stream = io.StringIO()
    # (pytest adds its capturing handlers beside settings.LOGGING's one.)
    handlers = [h for h in logger.handlers if h.name == "django.server"]
    assert len(handlers) == 1 and not logger.propagate
    old = [h.setStream(stream) for h in handlers]
    try:
        # As django.core.servers.basehttp.WSGIRequestHandler.log_message does.
        logger.info('"%s" %s %s', f"GET /staff/?q=%2B66{PHONE[1:]} HTTP/1.1",
                    "200", "5120", extra={"status_code": 200})  # fmt: skip
        logger.info('"%s" %s %s', f"GET /staff/?q={NATIONAL_ID} HTTP/1.1",
                    "200", "5120", extra={"status_code": 200})  # fmt: skip
    finally:
        for handler, previous in zip(handlers, old, strict=True):
            handler.setStream(previous)
    text = stream.getvalue()
    assert not [q for q in re.findall(r'"[^"]*"', text) if DIGIT_RUN.search(q)], text
    assert '"GET /staff/?q=%2B[PHONE] HTTP/1.1" 200 5120' in text
    assert '"GET /staff/?q=[ID] HTTP/1.1" 200 5120' in text
    assert logging.getLogger("django.server").level == logging.INFO

"""The app under test as real processes (gunicorn, Celery workers, beat) on the
drills' own PostgreSQL and Redis, and the small tools the drills share:
waiting, killing, reading a worker's log, an HTTP client that logs in."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from drills import services

ROOT = services.ROOT
BROKER_URL = f"redis://127.0.0.1:{services.REDIS_PORT}/0"
# The visibility timeout the drills' workers run with (settings:
# CELERY_VISIBILITY_TIMEOUT): a task whose worker was killed before it
# acknowledged comes back after this many seconds instead of an hour.
RUN_SECRET_KEY = "drills-" + secrets.token_urlsafe(48)
VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "10"))


def app_env(*, db: str, storage: Path, **extra: str) -> dict:
    """The environment of the app's processes: production-like settings
    (DEBUG off), the drill's database, the drills' Redis."""
    return {
        **os.environ,
        "DATABASE_URL": services.database_url(db),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "DEBUG": "false",
        # scripts/drills.sh gives one random key to the run (staging_env).
        "SECRET_KEY": os.environ.get("SECRET_KEY") or RUN_SECRET_KEY,
        "ALLOW_TEST_PAYMENTS": "true",
        "ALLOW_FAKE_BILLING": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
        "PRIVATE_STORAGE_ROOT": str(storage),
        "PEA_VAR_DIR": str(services.DIR / "var"),
        "SMS_BACKEND": "notifications.backends.DatabaseSMSBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


class Proc:
    """A process of the app, in a session of its own so that it and its
    children (prefork pool, gunicorn workers) can be killed as one group.
    Its pid is recorded for scripts/drills.sh's trap."""

    def __init__(self, name: str, argv: list[str], env: dict):
        self.name = name
        self.log_path = services.DIR / "logs" / f"{name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            argv, env=env, cwd=str(ROOT), stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.pid = self.popen.pid
        services.PIDS.mkdir(parents=True, exist_ok=True)
        self._pidfile = services.PIDS / f"{name}-{self.pid}.pid"
        self._pidfile.write_text(str(self.pid))

    def alive(self) -> bool:
        return self.popen.poll() is None

    def children(self) -> list[int]:
        return children_of(self.pid)

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def kill_group(self, sig=signal.SIGKILL) -> None:
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, timeout: float = 20) -> None:
        if self.alive():
            self.kill_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill_group(signal.SIGKILL)  # whatever of the group is left
        try:
            self.popen.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self._log.close()
        self._pidfile.unlink(missing_ok=True)


def children_of(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return sorted(out)


def pid_alive(pid: int) -> bool:
    return services._alive(pid)


def worker(name: str, env: dict, *, app: str = "pea_portal", concurrency: int = 2):
    return Proc(
        name,
        [sys.executable, "-m", "celery", "-A", app, "worker", "--pool=prefork",
         f"--concurrency={concurrency}", "--loglevel=INFO", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"],
        env,
    )  # fmt: skip


def beat(name: str, env: dict):
    """celery beat with its own schedule file and pid file: by default beat
    writes celerybeat.pid in its folder, which only stops a second beat on
    the same host; two hosts (or containers) each run one."""
    return Proc(
        name,
        [sys.executable, "-m", "celery", "-A", "pea_portal", "beat",
         "--loglevel=INFO", "-s", str(services.DIR / f"{name}-schedule"),
         "--pidfile", str(services.DIR / f"{name}.pid")],
        env,
    )  # fmt: skip


def gunicorn(name: str, env: dict, *, port: int, workers: int = 2):
    return Proc(
        name,
        [sys.executable, "-m", "gunicorn", "-c", "pea_portal/gunicorn_conf.py",
         "pea_portal.wsgi:application",
         "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "30",
         "--access-logfile", "-", "--error-logfile", "-"],
        env,
    )  # fmt: skip


def wait_until(predicate, timeout: float, *, every: float = 0.25, proc=None):
    """Seconds it took for predicate() to hold, or None after timeout. Fails
    at once if `proc` (a process that must stay up) died."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        for p in proc if isinstance(proc, list | tuple) else [proc] if proc else []:
            if not p.alive():
                raise RuntimeError(f"{p.name} died:\n{p.log()[-3000:]}")
        time.sleep(every)
    return None


def flush_broker() -> None:
    """Empty the drills' Redis: no task of an earlier drill is delivered."""
    subprocess.run(
        ["redis-cli", "-p", str(services.REDIS_PORT), "flushall"],
        check=True, capture_output=True,
    )  # fmt: skip


def db_waits(db: str) -> str:
    """Sessions of the drill's database waiting on a lock: the row (tuple)
    they wait for, their query and their blocker's: what to look at when a
    task does not get where it should."""
    return services.psql(
        "SELECT string_agg(format('pid %s waits (%s, rows of %s) on %s [%s]: %s',"
        " a.pid, a.wait_event,"
        " (SELECT string_agg(DISTINCT t.relation::regclass::text, ',')"
        "  FROM pg_locks t WHERE t.pid = a.pid AND t.locktype = 'tuple'),"
        " pg_blocking_pids(a.pid),"
        " (SELECT left(b.query, 160) FROM pg_stat_activity b"
        "  WHERE b.pid = (pg_blocking_pids(a.pid))[1]),"
        " left(a.query, 160)), '; ')"
        f" FROM pg_stat_activity a WHERE a.datname = '{db}'"
        " AND a.wait_event_type = 'Lock'",
        db=db,  # where the locked tables' names resolve
    )


def unfinished_tasks(proc: Proc) -> list[str]:
    """Tasks a worker received and did not report done (its log)."""
    log = proc.log()
    received = re.findall(r"Task (\S+)\[([\w-]+)\] received", log)
    return [
        f"{name}[{tid}]"
        for name, tid in received
        if f"[{tid}] " not in log.split(f"[{tid}] received", 1)[1]
    ]


# HTTP ---------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser(requests.Session):
    """A client of the portal: keeps its cookies and sends the CSRF token."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base

    def url(self, path: str) -> str:
        return self.base + path

    def csrf(self, html: str | None = None) -> str:
        match = CSRF_RE.search(html or "")
        return match[1] if match else self.cookies.get("csrftoken", "")

    def get_page(self, path: str, **kwargs):
        return self.get(self.url(path), allow_redirects=False, timeout=60, **kwargs)

    def post_form(self, path: str, data: dict, *, html: str | None = None, **kw):
        data = {"csrfmiddlewaretoken": self.csrf(html), **data}
        return self.post(
            self.url(path), data=data, allow_redirects=False, timeout=60, **kw
        )

    def login(self, username: str, password: str) -> None:
        page = self.get_page("/accounts/login/")
        response = self.post_form(
            "/accounts/login/",
            {"username": username, "password": password},
            html=page.text,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login as {username}: {response.status_code}")


def wait_http(base: str, timeout: float = 60) -> float | None:
    def answers():
        try:
            return requests.get(base + "/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    return wait_until(answers, timeout, every=0.3)

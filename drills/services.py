"""The drills' own PostgreSQL cluster and Redis, on ports of their own, so that
a drill may stop, restart or kill them without touching the machine's shared
servers. Everything lives in DRILL_DIR (a temporary folder made by
scripts/drills.sh), which is removed at the end.

    python -m drills.services up     # cluster + Redis + a migrated template database
    python -m drills.services down   # stop what is left (the script's trap)
"""

from __future__ import annotations

import glob
import os
import pwd
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIR = Path(os.environ.get("DRILL_DIR", "/tmp/pea-drills"))
PG_PORT = int(os.environ.get("DRILL_PG_PORT", "5439"))
REDIS_PORT = int(os.environ.get("DRILL_REDIS_PORT", "6391"))
PG_DIR = DIR / "pg"  # owned by the postgres user when run as root
PGDATA = PG_DIR / "data"
PG_LOG = PG_DIR / "postgres.log"
REDIS_PIDFILE = DIR / "redis.pid"
PIDS = DIR / "pids"  # one file per process a drill started: the trap's list
TEMPLATE_DB = "drills_template"


def pg_bin(name: str) -> str:
    if os.environ.get("DRILL_PG_BIN"):
        return str(Path(os.environ["DRILL_PG_BIN"]) / name)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4])
    )
    if not found:
        raise SystemExit("no PostgreSQL server binaries under /usr/lib/postgresql")
    return str(Path(found[-1]) / name)


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=True, cwd=str(DIR), **kwargs)


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


# PostgreSQL ---------------------------------------------------------------------


def pg_init() -> None:
    PG_DIR.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(PG_DIR, pw.pw_uid, pw.pw_gid)
    _run(
        _as_postgres(
            [
                pg_bin("initdb"),
                "-D",
                str(PGDATA),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        ),  # fmt: skip
        stdout=subprocess.DEVNULL,
    )


def pg_ctl(action: str, *, mode: str = "fast") -> float:
    """start | stop | restart; returns how long pg_ctl took (it waits)."""
    options = (
        f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
        "-c fsync=off -c max_connections=200"
    )
    argv = [pg_bin("pg_ctl"), "-D", str(PGDATA), "-w", "-t", "60"]
    if action in ("start", "restart"):
        argv += ["-l", str(PG_LOG), "-o", options]
    if action in ("stop", "restart"):
        argv += ["-m", mode]
    started = time.monotonic()
    _run(_as_postgres([*argv, action]), stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def pg_ready() -> bool:
    return (
        subprocess.run(
            [pg_bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(PG_PORT)]
        ).returncode
        == 0
    )


def pg_running() -> bool:
    return (PGDATA / "postmaster.pid").exists()


def psql(sql: str, db: str = "postgres") -> str:
    out = _run(
        [pg_bin("psql"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres",
         "-d", db, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout.strip()


def database_url(db: str) -> str:
    return f"postgres://postgres@127.0.0.1:{PG_PORT}/{db}"


def create_database(name: str) -> str:
    """A database for one drill: a copy of the migrated template."""
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')
    return database_url(name)


# Redis --------------------------------------------------------------------------


def redis_start() -> None:
    _run(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--daemonize", "yes",
         "--pidfile", str(REDIS_PIDFILE), "--logfile", str(DIR / "redis.log"),
         "--dir", str(DIR)],
    )  # fmt: skip
    _wait(redis_up, 10, "Redis did not start")


def redis_up() -> bool:
    return (
        subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "ping"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        == "PONG"
    )


def redis_stop() -> None:
    """Stop the drills' Redis (nothing saved: it keeps no data on disk)."""
    pid = _read_pid(REDIS_PIDFILE)
    subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"],
        capture_output=True,
    )
    if pid:
        _wait(lambda: not _alive(pid), 10, "Redis did not stop")
    _wait(lambda: port_free(REDIS_PORT), 10, "Redis port still open")


# Helpers ------------------------------------------------------------------------


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _wait(predicate, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(message)


def kill_recorded() -> None:
    """Kill the process groups drills started and left (a crashed drill)."""
    for path in sorted(PIDS.glob("*.pid")):
        pid = _read_pid(path)
        if pid and _alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        path.unlink(missing_ok=True)


def up() -> None:
    for port in (PG_PORT, REDIS_PORT):
        if not port_free(port):
            raise SystemExit(
                f"port {port} is in use; set DRILL_PG_PORT / DRILL_REDIS_PORT"
            )
    DIR.mkdir(parents=True, exist_ok=True)
    DIR.chmod(0o755)  # the postgres user must reach its folder inside
    PIDS.mkdir(exist_ok=True)
    started = time.monotonic()
    pg_init()
    pg_ctl("start")
    redis_start()
    psql(f'CREATE DATABASE "{TEMPLATE_DB}"')
    env = {**os.environ, "DATABASE_URL": database_url(TEMPLATE_DB)}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=str(ROOT),
        env=env,
        check=True,
    )
    print(
        f"drills: PostgreSQL on 127.0.0.1:{PG_PORT} ({PGDATA}), Redis on "
        f"127.0.0.1:{REDIS_PORT}, template migrated in "
        f"{time.monotonic() - started:.0f} s"
    )


def down() -> None:
    kill_recorded()
    if REDIS_PIDFILE.exists():
        try:
            redis_stop()
        except RuntimeError:
            pid = _read_pid(REDIS_PIDFILE)
            if pid:
                os.kill(pid, signal.SIGKILL)
    if pg_running():
        try:
            pg_ctl("stop", mode="immediate")
        except subprocess.CalledProcessError:
            pass


if __name__ == "__main__":
    {"up": up, "down": down}[sys.argv[1]]()

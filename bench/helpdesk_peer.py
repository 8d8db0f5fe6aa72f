"""django-helpdesk as a peer for bench/pages_bench.py (issue 8): the same
number of tickets as our service requests, its staff ticket list timed in the
same run as our staff queue.

    python bench/helpdesk_peer.py --n 10000      # prepare, serve, check, time

The peer never shares our environment: a virtual environment of its own
(var/helpdesk-venv, from bench/helpdesk_site/requirements.txt, remade only when
that file changes), a minimal project (bench/helpdesk_site/), a PostgreSQL
database of its own (pea_bench_helpdesk) and gunicorn (2 sync workers, DEBUG
off) on port 8098. This module runs with our python and drives the peer's
python through subprocesses; the tickets are loaded in SQL.

The ticket list of django-helpdesk 2.6.1 is two requests: /tickets/ renders
the page without any ticket (filters, the empty table, DataTables), then the
browser asks /datatables_ticket_list/<query>/ for the rows as JSON (server
side paging, 25 rows a page: the table's data-page-length, from the staff
user's tickets_per_page). pages() gives both, the JSON for the first page.
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SITE = os.path.join(HERE, "helpdesk_site")
REQUIREMENTS = os.path.join(SITE, "requirements.txt")
VENV = os.path.join(ROOT, "var", "helpdesk-venv")
PYTHON = os.path.join(VENV, "bin", "python")
VERSION = next(
    line.split("==")[1].strip()
    for line in open(REQUIREMENTS)
    if line.startswith("django-helpdesk==")
)
PORT = 8098
DB_NAME = "pea_bench_helpdesk"
# Data spread over two years, ending at the start of the day of the load.
YEARS = 2
SUBJECTS = [
    "No power at the house",
    "Meter reading looks wrong",
    "Request a new connection",
    "Bill higher than usual",
    "Change of meter size",
    "Street light out",
    "Payment not recorded",
    "Voltage drops in the evening",
    "Move the meter",
    "Refund of deposit",
    "Tree touching the lines",
    "Transfer of account name",
]


def database_url() -> str:
    """HELPDESK_DATABASE_URL, else our DATABASE_URL's server with the peer's
    database name (bench.sh points DATABASE_URL at pea_bench)."""
    if os.environ.get("HELPDESK_DATABASE_URL"):
        return os.environ["HELPDESK_DATABASE_URL"]
    ours = urlsplit(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pea_bench")
    )
    return urlunsplit(ours._replace(path=f"/{DB_NAME}", query=""))


def peer_env() -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env.update(
        PYTHONPATH=HERE,
        DJANGO_SETTINGS_MODULE="helpdesk_site.settings",
        HELPDESK_DATABASE_URL=database_url(),
    )
    return env


def ensure_venv() -> None:
    """The peer's environment, remade only when its pinned requirements (or
    our python) change, like scripts/bootstrap.sh with a sha stamp."""
    stamp = os.path.join(VENV, ".requirements.sha")
    with open(REQUIREMENTS, "rb") as f:
        want = hashlib.sha256(f.read() + sys.version.encode()).hexdigest()
    if os.path.exists(stamp):
        with open(stamp) as f:
            if f.read().strip() == want:
                return
    if not os.path.exists(PYTHON):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run(
        [PYTHON, "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "-r", REQUIREMENTS],
        check=True,
    )  # fmt: skip
    with open(stamp, "w") as f:
        f.write(want + "\n")


def peer_python(*args: str) -> str:
    """Run the peer's python in bench/ (where helpdesk_site lives); its stdout."""
    done = subprocess.run(
        [PYTHON, *args], env=peer_env(), cwd=HERE, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"helpdesk peer: {' '.join(args)}:\n{done.stderr}")
    return done.stdout


def ensure_database() -> None:
    url = urlsplit(database_url())
    conn = psycopg2.connect(urlunsplit(url._replace(path="/postgres")))
    conn.autocommit = True
    with conn.cursor() as c:
        c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [url.path[1:]])
        if c.fetchone() is None:
            c.execute(f'CREATE DATABASE "{url.path[1:]}"')
    conn.close()


RESET = """
TRUNCATE helpdesk_followup, helpdesk_ticket, helpdesk_queue, auth_user,
         django_session RESTART IDENTITY CASCADE;
DELETE FROM auth_permission WHERE codename LIKE 'queue\\_access\\_%';
"""

# Tickets 1..n, oldest first (ids grow with time, as in a real helpdesk),
# from an md5 of the id so that every load is the same. The share of open
# tickets grows from 10 % for the oldest to 50 % for the newest (30 % in
# all); the rest resolved, closed or duplicates. Priorities mostly normal.
TICKETS = """
INSERT INTO helpdesk_ticket (id, title, created, modified, submitter_email, status,
    on_hold, description, resolution, priority, due_date, last_escalation,
    assigned_to_id, queue_id, secret_key, kbitem_id, merged_to_id)
SELECT g, subject || ' (' || g || ')', created,
       LEAST(created + (h4 %% 720) * interval '1 hour', %(anchor)s), email, status,
       false, 'Reported by ' || email || ': ' || lower(subject) || '.',
       CASE WHEN status IN (3, 4) THEN 'Done on site.' END,
       CASE WHEN h2 %% 100 < 3 THEN 1 WHEN h2 %% 100 < 15 THEN 2
            WHEN h2 %% 100 < 75 THEN 3 WHEN h2 %% 100 < 93 THEN 4 ELSE 5 END,
       CASE WHEN h3 %% 10 < 4 THEN created + (1 + h3 %% 14) * interval '1 day' END,
       NULL,
       CASE WHEN status <> 1 OR h4 %% 10 < 6
            THEN (%(agents)s::int[])[1 + h4 %% cardinality(%(agents)s::int[])] END,
       (%(queues)s::int[])[1 + h3 %% cardinality(%(queues)s::int[])],
       m::uuid::text, NULL, NULL
FROM (
    SELECT g, m, h2, h3, h4,
           (%(subjects)s::text[])[1 + h1 %% cardinality(%(subjects)s::text[])]
               AS subject,
           'customer' || h2 %% %(customers)s || '@example.co.th' AS email,
           %(anchor)s - %(span)s * (1 - g::float / %(n)s) * interval '1 second'
               + (h1 %% 3600) * interval '1 second' - interval '1 hour' AS created,
           CASE WHEN h5 %% 100 < (10 + 40 * g / %(n)s) * 0.85 THEN 1
                WHEN h5 %% 100 < 10 + 40 * g / %(n)s THEN 2
                WHEN h5 %% 100 < 25 + 40 * g / %(n)s THEN 3
                WHEN h5 %% 100 < 98 THEN 4 ELSE 5 END AS status
    FROM (
        SELECT g, m,
               ('x' || substr(m, 1, 7))::bit(28)::int AS h1,
               ('x' || substr(m, 8, 7))::bit(28)::int AS h2,
               ('x' || substr(m, 15, 7))::bit(28)::int AS h3,
               ('x' || substr(m, 22, 7))::bit(28)::int AS h4,
               ('x' || substr(m, 29, 4))::bit(16)::int AS h5
        FROM (SELECT g, md5(g::text) AS m FROM generate_series(1, %(n)s) g) s
    ) h
) t;
SELECT setval(pg_get_serial_sequence('helpdesk_ticket', 'id'), %(n)s);
"""

# Every ticket has the follow-up its creation writes ("Ticket Opened"); each
# ticket that left "open" has the follow-up that changed its status.
FOLLOWUPS = """
INSERT INTO helpdesk_followup (date, title, comment, public, new_status,
    ticket_id, user_id, message_id, time_spent, email_recipients)
SELECT created, 'Ticket Opened', description, true, NULL, id, NULL, NULL, NULL,
       NULL
FROM helpdesk_ticket;
INSERT INTO helpdesk_followup (date, title, comment, public, new_status,
    ticket_id, user_id, message_id, time_spent, email_recipients)
SELECT modified,
       (ARRAY['Reopened', 'Resolved', 'Closed', 'Duplicate'])[status - 1],
       'Status changed by the agent.', true, status, id, assigned_to_id, NULL,
       (1 + id % 90) * interval '1 minute', NULL
FROM helpdesk_ticket WHERE status <> 1;
"""


@dataclass
class Peer:
    """django-helpdesk loaded with n tickets; serve() it, then time pages()."""

    n: int
    load_s: float = 0.0
    setup_s: float = 0.0
    open_tickets: int = 0
    followups: int = 0
    cookie: str = ""
    first_title: str = ""
    json_path: str = ""
    proc: subprocess.Popen | None = field(default=None, repr=False)

    def headers(self) -> dict:
        return {"Cookie": self.cookie}

    def pages(self) -> list[tuple[str, str, dict]]:
        """(name, path, headers) of the list page and of its JSON, whose path
        start() reads from the page as the browser does."""
        return [
            ("django-helpdesk list page", "/tickets/", self.headers()),
            ("django-helpdesk list JSON, 25 rows", self.json_path, self.headers()),
        ]

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{PORT}",
             "--access-logfile", "/dev/null", "--error-logfile", "-",
             "--log-level", "warning", "helpdesk_site.wsgi:application"],
            env=peer_env(), cwd=HERE, start_new_session=True,
        )  # fmt: skip
        for _ in range(150):
            if self.proc.poll() is not None:
                raise SystemExit(f"the helpdesk peer's gunicorn exited (port {PORT})")
            try:
                get("/login/", {})
                break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise SystemExit("the helpdesk peer's gunicorn did not start")
        try:
            self.check()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=20)
            self.proc = None

    @contextmanager
    def serve(self):
        self.start()
        try:
            yield self
        finally:
            self.stop()

    def check(self) -> None:
        """The page is the staff list (not a login redirect) and names the
        JSON it will ask for; the JSON holds the first 25 open tickets."""
        status, body = get("/tickets/", self.headers())
        html = body.decode()
        assert status == 200, (status, html[:300])
        assert 'id="ticketTable"' in html, html[:300]
        found = re.search(r'"url": "(/datatables_ticket_list/[^"]+)"', html)
        assert found, "no datatables URL in the ticket list page"
        # What DataTables (serverSide, order: []) asks for the first page.
        self.json_path = (
            found.group(1) + "?draw=1&start=0&length=25"
            "&search%5Bvalue%5D=&search%5Bregex%5D=false"
        )
        status, body = get(self.json_path, self.headers())
        assert status == 200, (status, body[:300])
        data = json.loads(body)
        assert data["recordsTotal"] == self.open_tickets, (
            data["recordsTotal"],
            self.open_tickets,
        )
        assert len(data["data"]) == min(25, self.open_tickets), len(data["data"])
        assert data["data"][0]["title"] == self.first_title, data["data"][0]

    def queries(self) -> dict[str, int]:
        """Queries per GET of each page, by Django's test client in the peer."""
        counts = json.loads(
            peer_python(
                "-m",
                "helpdesk_site.bench_tools",
                "queries",
                *(p for _n, p, _h in self.pages()),
            )
        )
        return {name: counts[path] for name, path, _h in self.pages()}


def get(path: str, headers: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def prepare(n: int) -> Peer:
    """The peer's environment and database, emptied and loaded with n tickets
    (5 queues, 12 agents, a staff user with a session), then analysed."""
    t0 = time.perf_counter()
    ensure_venv()
    ensure_database()
    peer_python("-m", "django", "migrate", "-v0")
    conn = psycopg2.connect(database_url())
    with conn, conn.cursor() as c:
        c.execute(RESET)
    made = json.loads(peer_python("-m", "helpdesk_site.bench_tools", "setup"))
    peer = Peer(n=n, cookie=made["cookie"], setup_s=time.perf_counter() - t0)
    t0 = time.perf_counter()
    params = {
        "n": n,
        "span": YEARS * 365 * 86400,
        "customers": max(100, n // 20),
        "subjects": SUBJECTS,
        "agents": made["agents"],
        "queues": made["queues"],
    }
    with conn, conn.cursor() as c:
        c.execute("SELECT date_trunc('day', now())")
        params["anchor"] = c.fetchone()[0]
        # Rows made consistent by construction: skip the FK triggers.
        c.execute("SET LOCAL session_replication_role = replica")
        c.execute(TICKETS, params)
        c.execute(FOLLOWUPS)
    conn.autocommit = True
    with conn.cursor() as c:
        c.execute("VACUUM ANALYZE helpdesk_ticket")
        c.execute("VACUUM ANALYZE helpdesk_followup")
        c.execute("ANALYZE")
        peer.load_s = time.perf_counter() - t0
        c.execute("SELECT count(*) FROM helpdesk_ticket WHERE status IN (1, 2)")
        peer.open_tickets = c.fetchone()[0]
        c.execute(
            "SELECT title FROM helpdesk_ticket WHERE status IN (1, 2)"
            " ORDER BY created, id LIMIT 1"
        )
        peer.first_title = c.fetchone()[0]
        c.execute("SELECT count(*) FROM helpdesk_followup")
        peer.followups = c.fetchone()[0]
    conn.close()
    return peer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    peer = prepare(args.n)
    print(
        f"{args.n:,} tickets ({peer.open_tickets:,} open, {peer.followups:,} "
        f"follow-ups) loaded in {peer.load_s:.1f} s (setup {peer.setup_s:.1f} s)"
    )
    with peer.serve():
        for name, path, headers in peer.pages():
            for _ in range(3):
                get(path, headers)
            runs = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                status, _body = get(path, headers)
                runs.append(time.perf_counter() - t0)
                assert status == 200
            runs.sort()
            print(f"{name}: p50 {runs[len(runs) // 2] * 1000:.1f} ms")
    print(peer.queries())


if __name__ == "__main__":
    main()

"""Submission under load (issue 8): many customers filing requests with their
documents at once, on PostgreSQL, the portal under gunicorn, a real Celery
worker on Redis, the load from locust. Zero errors required.

    bash scripts/bench.sh load                          # 10 then 50 customers, 60 s each
    bash scripts/bench.sh load --users 100 --time 120 --workers 4

For each number of users, from an emptied database (reference data from the
migrations): an office tree (1 region > 4 provinces > 20 branches, a counter
per branch, a supervisor per province), one customer account per simulated
user (known password, 1 in 10 a juristic person, each with an electricity
account so it can ask for a meter test), then

- gunicorn serving bench.settings (DEBUG off; --workers sync workers,
  default 3 as in docker-compose.yml) and a Celery worker with beat
  (prefork, --celery-concurrency, default 2 as in docker-compose.yml) on the
  broker, so the notification deliveries that filing schedules after commit,
  the outbox flush and the SLA sweep really run;
- locust, headless (bench/locustfile.py): the users start at --spawn-rate a
  second and run for --time seconds. Each logs in once through the real login
  form (no pre-made session), then repeats: open the filing page of a service
  (--mix, default new connection 7 : meter test 2 : insulation covers 1),
  post the form as multipart/form-data with its CSRF token and a file for
  every document the page asks for (a JPEG photo for ID cards and house
  registrations, a PDF of a scanned page for the rest), follow the redirect
  to the request's page, list "my requests"; then wait --wait seconds.

Then it checks that nothing went wrong: no failed request (status, form
re-shown with errors, page without the new reference), no warning or error
in the portal's or the worker's log, and in the database: exactly one request
per submission locust saw succeed (none lost, none doubled), references
numbered without gaps, each with its documents on disk, its submit event,
its SLA clock running and its due time, the dashboard's tally equal to the
count, and every notification delivered by the worker (Redis queue empty,
no pending outbox row, an SMS row per SMS). Prints a Markdown table per run
(median and p95 from every request's own time) and writes bench/load.json.
Exits 1 if anything failed.

The soak (bench/soak.py, `bash scripts/soak.sh`) reuses these functions with
counter staff beside the customers, for minutes, with memory sampled.
"""

import argparse
import io
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
RUN_DIR = tempfile.mkdtemp(prefix=os.environ.get("BENCH_RUN_PREFIX", "pea-load-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
# Documents go to a folder of the run, read here by the checks, then removed.
os.environ["PRIVATE_STORAGE_ROOT"] = os.path.join(RUN_DIR, "private")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Min, Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import CustomerProfile, Office, User  # noqa: E402
from meters.models import Contract, ElectricityAccount, Meter, MeterSize  # noqa: E402
from notifications.models import OutboxMessage, SentSMS  # noqa: E402
from pea_portal.celery import app as celery_app  # noqa: E402
from requests_app.models import (  # noqa: E402
    FINAL_STATES,
    Document,
    DocumentType,
    ServiceRequest,
)
from sla.clocks import PAYMENT_SMS  # noqa: E402
from sla.models import Clock, OpenTally  # noqa: E402

PASSWORD = "bench-load-1!"
PASSWORD_CHECK_MS = 0.0  # measured by main()
ENDPOINTS = [
    "login form GET",
    "login POST",
    "form GET",
    "submit POST",
    "request page",
    "my requests",
]


# --- data -------------------------------------------------------------------


def reset():
    """Everything but the reference data (catalog, fees, policies, calendar)."""
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE accounts_office, accounts_user, meters_meter, core_sequence "
            "RESTART IDENTITY CASCADE"
        )


def offices(provinces=4, per_province=5):
    """1 region, 4 provinces, 5 branches each (by default); staff who would
    work them."""
    region = Office.objects.create(code="LR", name_th="ภาค", name_en="Region",
                                   kind="region", path="LR/", phone="1129")  # fmt: skip
    branches = []
    for p in range(provinces):
        prov = Office.objects.create(code=f"LP{p}", name_th="กฟจ.", name_en="Province",
                                     kind="province", parent=region,
                                     path=f"LR/LP{p}/", phone="1129")  # fmt: skip
        User.objects.create(username=f"load-sup-{p}", role="supervisor", office=prov,
                            email=f"sup{p}@bench.test")  # fmt: skip
        for b in range(per_province):
            branch = Office.objects.create(
                code=f"LB{p}{b}", name_th=f"กฟส.สาขา {p}{b}", name_en=f"Branch {p}{b}",
                kind="branch", parent=prov, path=f"LR/LP{p}/LB{p}{b}/", phone="1129",
            )  # fmt: skip
            User.objects.create(username=f"load-counter-{p}{b}", role="counter",
                                office=branch)  # fmt: skip
            branches.append(branch)
    return branches


def customers(n, branches) -> list[str]:
    """n customers with one known password (hashed once), each with a live
    electricity account (meter and contract) at one of the branches."""
    from tests.factories import national_id

    hashed = make_password(PASSWORD)
    users = [
        User(username=f"089{i:07d}", phone=f"089{i:07d}", role="customer",
             first_name="ลูกค้า", last_name=f"ทดสอบ {i}", password=hashed,
             email=f"load{i}@example.test",
             preferred_language="en" if i % 5 == 4 else "th")
        for i in range(n)
    ]  # fmt: skip
    users = User.objects.bulk_create(users)
    CustomerProfile.objects.bulk_create(
        [
            CustomerProfile(user=u, kind="juristic", company_name=f"บริษัท ทดสอบ {i} จำกัด",
                            juristic_registration_no=national_id(10**6 + i),
                            address="1 ถ.มิตรภาพ อ.เมือง")
            if i % 10 == 9 else
            CustomerProfile(user=u, kind="individual", national_id=national_id(i + 1),
                            address="1 ถ.มิตรภาพ อ.เมือง")
            for i, u in enumerate(users)
        ]
    )  # fmt: skip
    size = MeterSize.objects.get(code="5(15)-1")
    meters = Meter.objects.bulk_create(
        [Meter(serial=f"LM{i:08d}", size=size) for i in range(n)]
    )
    accounts = ElectricityAccount.objects.bulk_create(
        [ElectricityAccount(ca_number=f"02{i:010d}", customer=u,
                            office=branches[i % len(branches)], meter=m,
                            premises_address=f"{i} ถ.หน้าเมือง อ.เมือง")
         for i, (u, m) in enumerate(zip(users, meters, strict=True))]
    )  # fmt: skip
    Contract.objects.bulk_create(
        [Contract(account=a, number=f"C{a.ca_number}", customer=a.customer,
                  deposit="300.00", starts_on=timezone.localdate())
         for a in accounts]
    )  # fmt: skip
    with connection.cursor() as c:
        c.execute("ANALYZE")
    return [u.username for u in users]


def files(folder):
    """A phone photo of an ID card (JPEG) and a scanned page (a PDF with
    that photo as its page image), as customers upload them."""
    from PIL import Image, ImageDraw

    rng = random.Random(8)
    img = Image.new("RGB", (1280, 860), (236, 232, 220))
    draw = ImageDraw.Draw(img)
    for _ in range(400):
        x, y = rng.randrange(1280), rng.randrange(860)
        shade = rng.randrange(40, 220)
        draw.rectangle([x, y, x + rng.randrange(8, 160), y + rng.randrange(4, 18)],
                       fill=(shade, shade - 20 if shade > 20 else 0, shade))  # fmt: skip
    noise = Image.effect_noise((1280, 860), 24).convert("RGB")
    img = Image.blend(img, noise, 0.15)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    jpeg = buf.getvalue()
    content = b"q 595 0 0 400 0 300 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /XObject /Subtype /Image /Width 1280 /Height 860 "
        b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode "
        b"/Length %d >>\nstream\n%s\nendstream" % (len(jpeg), jpeg),
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)  # fmt: skip
    with open(os.path.join(folder, "photo.jpg"), "wb") as f:
        f.write(jpeg)
    with open(os.path.join(folder, "doc.pdf"), "wb") as f:
        f.write(bytes(pdf))
    return len(jpeg), len(pdf)


# --- processes --------------------------------------------------------------


# E-mails are "sent" into the worker's memory (bench/soak.py counts them in a
# file instead); SMS go to SentSMS rows.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def child_env(port):
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="false",  # plain HTTP on the loopback
        SITE_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND=EMAIL_BACKEND,
        PEA_VAR_DIR=RUN_DIR,
    )


def start(args, name, port, **extra):
    log = open(os.path.join(RUN_DIR, f"{name}.log"), "wb")
    return subprocess.Popen(
        args, env=child_env(port), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True, **extra,
    )  # fmt: skip


def stop(proc):
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def serve(port, workers):
    proc = start(
        [sys.executable, "-m", "gunicorn", "-c", "pea_portal/gunicorn_conf.py",
         "-w", str(workers), "-b",
         f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--error-logfile", "-",
         "--log-level", "warning", "pea_portal.wsgi:application"],
        "portal", port,
    )  # fmt: skip
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    stop(proc)
    sys.exit(f"gunicorn did not start; see {RUN_DIR}/portal.log")


def worker(port, concurrency):
    celery_app.control.purge()  # tasks left by an earlier run
    proc = start(
        [sys.executable, "-m", "celery", "-A", "pea_portal", "worker", "-B",
         "--concurrency", str(concurrency), "--loglevel", "WARNING",
         "--schedule", os.path.join(RUN_DIR, "celerybeat-schedule"),
         "-n", f"load-bench-{os.getpid()}@%h"],
        "worker", port,
    )  # fmt: skip
    for _ in range(60):
        if celery_app.control.ping(timeout=1.0):
            return proc
        if proc.poll() is not None:
            break
    stop(proc)
    sys.exit(f"the Celery worker did not start; see {RUN_DIR}/worker.log")


def queue_length() -> int:
    with celery_app.connection_for_write() as conn:
        return conn.default_channel.client.llen("celery")


def _tree_cpu(parent) -> float:
    """CPU time of a process and its descendants, live or exited (an exited
    child's time is in its parent's children_* once reaped)."""
    import psutil

    total = 0.0
    for p in [parent, *parent.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass
    return total


def cpu_seconds(proc) -> float:
    """gunicorn's or the worker's CPU time, their workers included."""
    import psutil

    try:
        return _tree_cpu(psutil.Process(proc.pid))
    except psutil.NoSuchProcess:
        return 0.0


def settle(*procs, limit_s=30) -> None:
    """Wait until the servers are idle (gunicorn's workers and the worker's
    children booted), so their start-up is not counted as load."""
    last = sum(cpu_seconds(p) for p in procs)
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = sum(cpu_seconds(p) for p in procs)
        if now - last < 0.05:
            return
        last = now


def redis_cpu_seconds() -> float:
    import psutil

    total = 0.0
    for p in psutil.process_iter(["name"]):
        if (p.info["name"] or "").startswith("redis-server"):
            t = p.cpu_times()
            total += t.user + t.system
    return total


class Sampler(threading.Thread):
    """Samples pg_stat_activity every 0.2 s while the load runs: how many of
    the portal's and worker's backends are running a statement, how many of
    those wait on a lock (a row lock: a sequence, a tally) and on what; and
    the CPU time of each backend of this database (the server is shared
    with other databases, and a backend may end during the run)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.halt = threading.Event()
        self.samples = 0
        self.active = 0
        self.waiting = Counter()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        import psycopg2

        self.conn = psycopg2.connect(**connection.get_connection_params())
        self.conn.autocommit = True
        self.sample(baseline=True)

    def sample(self, baseline=False):
        import psutil

        with self.conn.cursor() as c:
            c.execute(
                "SELECT pid, state, wait_event_type, wait_event, left(query, 70) "
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            rows = c.fetchall()
        for pid, state, kind, event, query in rows:
            try:
                t = psutil.Process(pid).cpu_times()
            except psutil.Error:
                continue
            self.first.setdefault(pid, t.user + t.system if baseline else 0.0)
            self.last[pid] = t.user + t.system
            if baseline or state != "active":
                continue
            self.active += 1
            if kind == "Lock":
                self.waiting[f"{event}: {query}"] += 1
        if not baseline:
            self.samples += 1

    def run(self):
        while not self.halt.wait(0.2):
            self.sample()

    def stop(self) -> dict:
        self.halt.set()
        self.join()
        self.conn.close()
        n = self.samples or 1
        return {
            "samples": self.samples,
            "mean_active": round(self.active / n, 2),
            "mean_waiting_on_locks": round(sum(self.waiting.values()) / n, 2),
            "top_waits": self.waiting.most_common(5),
            "cpu_s": round(sum(self.last[p] - self.first[p] for p in self.last), 1),
        }


def machine_busy() -> tuple[float, float]:
    with open("/proc/stat") as f:
        fields = [float(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def wait_for_quiet(limit_s) -> float:
    """On a machine shared with other work, wait (up to limit_s) for a 5 s
    window under 25 % busy before loading it; return the last share seen."""
    deadline = time.monotonic() + limit_s
    while True:
        a = machine_busy()
        time.sleep(5)
        b = machine_busy()
        share = (b[0] - a[0]) / ((b[1] - a[1]) or 1)
        if share < 0.25 or time.monotonic() > deadline:
            return share


def password_check_ms() -> float:
    """What one login's password check costs here (PBKDF2, Django's default
    iterations): the floor of the login POST. CPU time, best of 3."""
    from django.contrib.auth.hashers import check_password

    hashed = make_password(PASSWORD)
    runs = []
    for _ in range(3):
        t0 = time.process_time()
        check_password(PASSWORD, hashed)
        runs.append((time.process_time() - t0) * 1000)
    return min(runs)


# --- one run ----------------------------------------------------------------


def percentile(values, q):
    values = sorted(values)
    return values[max(0, math.ceil(q * len(values)) - 1)]


def summarize(samples, names):
    rows = []
    for name in names:
        times = [ms for n, ms, _ok, _t in samples if n == name]
        fails = sum(1 for n, _ms, ok, _t in samples if n == name and not ok)
        if times:
            rows.append({"name": name, "requests": len(times), "failures": fails,
                         "median_ms": statistics.median(times),
                         "p95_ms": percentile(times, 0.95), "max_ms": max(times)})  # fmt: skip
    return rows


def log_problems(name) -> list[str]:
    """Warnings and errors the portal or the worker logged."""
    path = os.path.join(RUN_DIR, f"{name}.log")
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    pattern = re.compile(r"\b(WARNING|ERROR|CRITICAL)\b|Traceback|deadlock")
    return [line for line in lines if pattern.search(line)]


def server_log_problems() -> list[str]:
    portal_log, worker_log = log_problems("portal"), log_problems("worker")
    return [f"portal log: {line}" for line in portal_log[:20]] + [
        f"worker log: {line}" for line in worker_log[:20]
    ]


def check_database(filed, locust_ok, moved=frozenset()) -> tuple[list[str], dict]:
    """The database against what locust saw: problems found, and counts.
    `moved`: references staff took a step on (bench/soak.py), no longer
    "submitted" and not always with a running clock; their steps are checked
    by the caller."""
    problems = []
    refs = [f["reference"] for f in filed]
    doubled = [r for r, n in Counter(refs).items() if n > 1]
    if doubled:
        problems.append(f"{len(doubled)} references answered twice: {doubled[:5]}")
    if locust_ok != len(refs):
        problems.append(f"locust counted {locust_ok} successful submissions but "
                        f"recorded {len(refs)} references")  # fmt: skip
    in_db = list(ServiceRequest.objects.values_list("reference", flat=True))
    lost = set(refs) - set(in_db)
    extra = set(in_db) - set(refs)
    if lost:
        problems.append(f"{len(lost)} submissions answered but not in the database: "
                        f"{sorted(lost)[:5]}")  # fmt: skip
    if extra:
        problems.append(f"{len(extra)} requests in the database that no answer "
                        f"reported: {sorted(extra)[:5]}")  # fmt: skip
    # References: per service and year, 1..n without a gap.
    by_prefix = {}
    for ref in in_db:
        by_prefix.setdefault(ref[:4], []).append(int(ref[5:]))
    for prefix, numbers in by_prefix.items():
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            problems.append(f"{prefix}: references not numbered 1..{len(numbers)}")
    expected_docs = {f["reference"]: f["documents"] for f in filed}
    qs = ServiceRequest.objects.annotate(
        docs=Count("documents", distinct=True),
        submits=Count("events", filter=Q(events__action="submit"), distinct=True),
        running=Count("clocks", filter=Q(clocks__status="running"), distinct=True),
    )
    # The promise shown (due_at) is the earliest running clock of staff work.
    promised = dict(
        Clock.objects.filter(status="running")
        .exclude(step_code=PAYMENT_SMS)
        .values("request_id")
        .annotate(due=Min("due_at"))
        .values_list("request_id", "due")
    )
    bad_docs, bad_events, no_clock, no_due, wrong_state = [], [], [], [], []
    wrong_due = []
    for r in qs.values(
        "pk", "reference", "docs", "submits", "running", "due_at", "state"
    ):
        if r["docs"] != expected_docs.get(r["reference"], r["docs"]):
            bad_docs.append(r["reference"])
        if r["submits"] != 1:
            bad_events.append(r["reference"])
        if r["due_at"] != promised.get(r["pk"]):
            wrong_due.append(r["reference"])
        if r["reference"] in moved:
            continue
        if r["running"] < 1:
            no_clock.append(r["reference"])
        if r["due_at"] is None:
            no_due.append(r["reference"])
        if r["state"] != "submitted":
            wrong_state.append(r["reference"])
    for what, refs_ in (
        ("without the documents posted", bad_docs),
        ("without exactly one submit event", bad_events),
        ("without a running SLA clock", no_clock),
        ("without a due time", no_due),
        ("whose due time is not their earliest running clock's", wrong_due),
        ("not in state submitted", wrong_state),
    ):
        if refs_:
            problems.append(f"{len(refs_)} requests {what}: {refs_[:5]}")
    # Every stored file is on disk with the size recorded.
    missing_files = 0
    documents = Document.objects.all()
    for d in documents.only("file", "size").iterator():
        storage = d.file.storage
        if not storage.exists(d.file.name) or storage.size(d.file.name) != d.size:
            missing_files += 1
    if missing_files:
        problems.append(f"{missing_files} documents whose file is missing or short")
    n_docs = documents.count()
    if n_docs != sum(expected_docs.values()):
        problems.append(f"{n_docs} documents stored, "
                        f"{sum(expected_docs.values())} posted")  # fmt: skip
    # The dashboard's running tallies: open requests per office, service, state.
    keys = ("office_id", "service_id", "state")
    tallied = {t[:3]: t[3] for t in OpenTally.objects.values_list(*keys, "n") if t[3]}
    counted = {
        t[:3]: t[3]
        for t in ServiceRequest.objects.exclude(state__in=FINAL_STATES)
        .values(*keys)
        .annotate(n=Count("id"))
        .values_list(*keys, "n")
    }
    if tallied != counted:
        off = {k for k in tallied.keys() | counted.keys()
               if tallied.get(k) != counted.get(k)}  # fmt: skip
        problems.append(f"dashboard tallies differ from the requests for {len(off)} "
                        f"office/service/state: e.g. {sorted(off)[:3]}")  # fmt: skip
    # Notifications: an SMS and an e-mail per filing, all delivered by the worker.
    outbox = OutboxMessage.objects.filter(event="request_submitted")
    per_status = dict(
        outbox.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    if outbox.count() != 2 * len(in_db):
        problems.append(f"{outbox.count()} submission messages for {len(in_db)} "
                        "requests (expected an SMS and an e-mail each)")  # fmt: skip
    if set(per_status) - {"sent"}:
        problems.append(f"submission messages not all sent: {per_status}")
    sms = outbox.filter(channel="sms").count()
    sent_sms = SentSMS.objects.filter(outbox__event="request_submitted").count()
    if sent_sms != sms:
        problems.append(f"{sent_sms} SMS written for {sms} SMS messages")
    escalations = OutboxMessage.objects.exclude(event="request_submitted").count()
    counts = {
        "requests": len(in_db),
        "by_service": dict(Counter(r[:2] for r in in_db)),
        "documents": n_docs,
        "running_clocks": Clock.objects.filter(status="running").count(),
        "outbox": per_status,
        "sms_written": sent_sms,
        "other_messages": escalations,
    }
    return problems, counts


def prepare(users, *, provinces=4, per_province=5, people=None) -> list:
    """An emptied database with the office tree and `users` customers, their
    list for locust (customers.json, with `people`: more accounts for other
    user classes), no documents and empty logs. Returns the branches."""
    reset()
    branches = offices(provinces, per_province)
    names = customers(users, branches)
    extra = people(branches) if people else {}
    codes = {
        f"doc_{pk}": code for pk, code in DocumentType.objects.values_list("pk", "code")
    }
    with open(os.path.join(RUN_DIR, "customers.json"), "w") as f:
        json.dump({"password": PASSWORD, "customers": names, "document_codes": codes,
                   "session_cookie": settings.SESSION_COOKIE_NAME, **extra}, f)  # fmt: skip
    shutil.rmtree(os.path.join(RUN_DIR, "private"), ignore_errors=True)
    for name in ("portal", "worker"):
        open(os.path.join(RUN_DIR, f"{name}.log"), "w").close()
    return branches


def locust_env(args, out, **extra) -> dict:
    """The environment of the locust process (bench/locustfile.py's settings)."""
    return dict(
        child_env(args.port),
        BENCH_LOAD_CUSTOMERS=os.path.join(RUN_DIR, "customers.json"),
        BENCH_LOAD_FILES=RUN_DIR, BENCH_LOAD_MIX=args.mix, BENCH_LOAD_WAIT=args.wait,
        BENCH_LOAD_OUT=out, **extra,
    )  # fmt: skip


def run_locust(*, locustfile, users, spawn, seconds, port, env, log):
    """locust headless for `seconds`; a journey under way at the end may finish
    (--stop-timeout), so every submission the server took is counted."""
    locust = subprocess.run(
        [sys.executable, "-m", "locust", "-f", os.path.join(HERE, locustfile),
         "--headless", "-u", str(users), "-r", f"{spawn:g}",
         "-t", f"{seconds}s", "--stop-timeout", "120",
         "--host", f"http://127.0.0.1:{port}", "--only-summary",
         "--loglevel", "WARNING"],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    with open(log, "w") as f:
        f.write(locust.stdout + locust.stderr)
    return locust


def drain(timeout, busy=None) -> tuple[float, int, int]:
    """Let the worker finish what the load queued: no pending message, an
    empty queue (and `busy()` false). Returns the seconds it took, then what
    was still pending and queued."""
    t1 = time.perf_counter()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = OutboxMessage.objects.filter(status="pending").count()
        if pending == 0 and queue_length() == 0 and not (busy and busy()):
            break
        time.sleep(0.5)
    drained_s = time.perf_counter() - t1
    return (
        drained_s,
        OutboxMessage.objects.filter(status="pending").count(),
        queue_length(),
    )


def locust_results(out, locust, endpoints) -> tuple[dict, list[str]]:
    """What locust wrote (bench/locustfile.py) and the problems it shows: every
    failure, and locust's own counts against the samples recorded."""
    if not os.path.exists(out):
        sys.exit(f"locust wrote no results (exit {locust.returncode}):\n"
                 f"{locust.stdout[-3000:]}\n{locust.stderr[-3000:]}")  # fmt: skip
    with open(out) as f:
        result = json.load(f)
    problems = [
        f"{f['name']} ({f['user']}): {f['message']}" for f in result["failures"]
    ]
    stats = result["stats"]
    for name in endpoints:
        n = sum(1 for sample in result["samples"] if sample[0] == name)
        s = stats.get(name)
        if n and (s is None or s["requests"] != n):
            problems.append(f"{name}: locust's counts and the samples disagree")
    if locust.returncode != 0 and not problems:
        problems.append(f"locust exited {locust.returncode}: {locust.stderr[-800:]}")
    server_errors = {k: v for k, v in result["statuses"].items() if k[0] in "05"}
    if server_errors:
        problems.append(f"answers with a 5xx status or none: {server_errors}")
    return result, problems


def run(users, args, sizes):
    prepare(users)
    portal = celery = None
    out = os.path.join(RUN_DIR, f"locust-{users}.json")
    prefix = os.path.join(RUN_DIR, f"locust-{users}")
    try:
        portal = serve(args.port, args.workers)
        celery = worker(args.port, args.celery_concurrency)
        env = locust_env(args, out)
        spawn = args.spawn_rate or max(1.0, users / 10)
        before = wait_for_quiet(args.quiet_wait)
        settle(portal, celery)
        print(f"\n{users} users (spawn {spawn:g}/s) for {args.time} s ...", flush=True)
        cpu0 = [cpu_seconds(portal), cpu_seconds(celery), redis_cpu_seconds()]
        busy0 = machine_busy()
        rusage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        sampler = Sampler()
        sampler.start()
        t0 = time.perf_counter()
        locust = run_locust(
            locustfile="locustfile.py", users=users, spawn=spawn, seconds=args.time,
            port=args.port, env=env, log=prefix + ".log",
        )  # fmt: skip
        wall = time.perf_counter() - t0
        locks = sampler.stop()
        rusage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy1 = machine_busy()
        cpu1 = [cpu_seconds(portal), cpu_seconds(celery), redis_cpu_seconds()]
        locust_cpu = (rusage1.ru_utime - rusage0.ru_utime) + (
            rusage1.ru_stime - rusage0.ru_stime
        )
        drained_s, pending, queued = drain(args.drain_timeout)
    finally:
        stop(portal)
        stop(celery)
    result, problems = locust_results(out, locust, ENDPOINTS)
    samples = result["samples"]
    stats = result["stats"]
    rows = summarize(samples, ENDPOINTS)
    total = summarize([("all", ms, ok, t) for _n, ms, ok, t in samples], ["all"])
    first = min(t for *_rest, t in samples)
    last = max(t + ms / 1000 for _n, ms, _ok, t in samples)
    span = last - first
    for row in rows + total:
        row["per_s"] = row["requests"] / span
    by_service = {}
    for f in result["filed"]:
        by_service.setdefault(f["service"], []).append(f["ms"])
    submit_rows = [
        {"name": f"submit POST: {code}", "requests": len(ms), "failures": None,
         "median_ms": statistics.median(ms), "p95_ms": percentile(ms, 0.95),
         "max_ms": max(ms), "per_s": len(ms) / span}
        for code, ms in sorted(by_service.items())
    ]  # fmt: skip
    submit = stats.get("submit POST", {"requests": 0, "failures": 0})
    locust_ok = submit["requests"] - submit["failures"]
    db_problems, counts = check_database(result["filed"], locust_ok)
    problems += db_problems
    problems += server_log_problems()
    if pending or queued:
        problems.append(f"worker not drained after {args.drain_timeout} s: "
                        f"{pending} pending messages, {queued} queued tasks")  # fmt: skip
    ticks = os.sysconf("SC_CLK_TCK")
    busy_s = (busy1[0] - busy0[0]) / ticks
    portal_cpu, celery_cpu, redis_cpu = (b - a for a, b in zip(cpu0, cpu1, strict=True))
    pg_cpu = locks["cpu_s"]
    others = busy_s - portal_cpu - celery_cpu - pg_cpu - redis_cpu - locust_cpu
    return {
        "users": users,
        "spawn_rate": spawn,
        "seconds": args.time,
        "wall_s": round(wall, 1),
        "span_s": round(span, 1),
        "rows": rows,
        "submit_by_service": submit_rows,
        "total": total[0],
        "filed": len(result["filed"]),
        "filings_per_s": len(result["filed"]) / span,
        "cpu_ms_per_journey": per_journey(
            len(result["filed"]), rows, portal_cpu, pg_cpu, celery_cpu
        ),
        "drained_s": round(drained_s, 1),
        "cpu_s": {
            "available": round(wall * (os.cpu_count() or 1), 1),
            "busy": round(busy_s, 1),
            "gunicorn": round(portal_cpu, 1),
            "celery": round(celery_cpu, 1),
            "postgres": round(pg_cpu, 1),
            "redis": round(redis_cpu, 1),
            "locust": round(locust_cpu, 1),
            "rest": round(others, 1),
        },  # fmt: skip
        "database": counts,
        "postgres_activity": locks,
        "machine_busy_before": round(before, 2),
        "problems": problems,
        "files": {"jpeg_bytes": sizes[0], "pdf_bytes": sizes[1]},
    }


def per_journey(journeys, rows, portal_s, pg_s, celery_s) -> dict:
    """CPU per filing journey (form, submit, request page, my requests), the
    figure that holds on a shared machine: the logins' password checks are
    taken out of gunicorn's share. cores / sum = journeys a second the
    machine could serve with nothing else on it."""
    if not journeys:
        return {}
    logins = sum(r["requests"] for r in rows if r["name"] == "login POST")
    web = max(0.0, portal_s - logins * PASSWORD_CHECK_MS / 1000)
    out = {
        "gunicorn": round(web / journeys * 1000),
        "postgres": round(pg_s / journeys * 1000),
        "celery": round(celery_s / journeys * 1000),
    }
    out["ceiling_per_s"] = round((os.cpu_count() or 1) * 1000 / sum(out.values()), 1)
    return out


# --- report -----------------------------------------------------------------


def ms(v):
    return f"{v:,.0f} ms" if v >= 10 else f"{v:.1f} ms"


def report(r, args):
    print(f"\n### {r['users']} concurrent customers, {r['seconds']} s "
          f"(ramp {r['spawn_rate']:g}/s)\n")  # fmt: skip
    print("| endpoint | requests | failures | median | p95 | max | req/s |")
    print("|---|---|---|---|---|---|---|")
    for row in r["rows"] + r["submit_by_service"]:
        fails = "" if row["failures"] is None else f"{row['failures']}"
        print(f"| {row['name']} | {row['requests']:,} | {fails} | "
              f"{ms(row['median_ms'])} | {ms(row['p95_ms'])} | {ms(row['max_ms'])} | "
              f"{row['per_s']:.1f} |")  # fmt: skip
    t = r["total"]
    print(f"| **all** | {t['requests']:,} | {t['failures']} | {ms(t['median_ms'])} | "
          f"{ms(t['p95_ms'])} | {ms(t['max_ms'])} | {t['per_s']:.1f} |")  # fmt: skip
    db, cpu = r["database"], r["cpu_s"]
    print(
        f"\n{r['filed']:,} requests filed ({r['filings_per_s']:.1f}/s; "
        f"{', '.join(f'{k} {v}' for k, v in sorted(db['by_service'].items()))}), "
        f"{db['documents']:,} documents stored, {db['running_clocks']:,} SLA clocks "
        f"running, outbox {db['outbox']}, {db['sms_written']:,} SMS written; worker "
        f"drained {r['drained_s']} s after the load stopped. CPU seconds over "
        f"the {r['wall_s']} s run ({cpu['available']} available): {cpu['busy']} "
        f"busy = gunicorn {cpu['gunicorn']} + PostgreSQL {cpu['postgres']} + Celery "
        f"{cpu['celery']} + Redis {cpu['redis']} + locust {cpu['locust']} + rest "
        "of the machine (kernel, other work) "
        f"{cpu['rest']} (the machine was {r['machine_busy_before'] * 100:.0f} % "
        "busy just before the run)."
    )
    j = r["cpu_ms_per_journey"]
    if j:
        print(
            f"CPU per filing journey (4 requests; logins' password checks taken "
            f"out): gunicorn {j['gunicorn']} ms + PostgreSQL {j['postgres']} ms + "
            f"Celery {j['celery']} ms, so at most {j['ceiling_per_s']} journeys/s on "
            f"{os.cpu_count()} cores with nothing else running."
        )
    act = r["postgres_activity"]
    print(
        f"PostgreSQL, sampled every 0.2 s: {act['mean_active']} statements running "
        f"on average, {act['mean_waiting_on_locks']} of them waiting on a lock"
        + "".join(f"\n  - {n} samples: {w}" for w, n in act["top_waits"])
    )
    if r["problems"]:
        print(f"\n**FAILED: {len(r['problems'])} problems**")
        for p in r["problems"][:40]:
            print(f"- {p}")
    else:
        print("\nZero errors: every request answered as expected, database checks "
              "passed, worker drained.")  # fmt: skip
    sys.stdout.flush()


def settings_line(args, sizes):
    with connection.cursor() as c:
        c.execute("SHOW server_version")
        pg = c.fetchone()[0]
    with celery_app.connection_for_write() as conn:
        redis_v = conn.default_channel.client.info()["redis_version"]
    return (
        f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()})"
        f", shared by the portal, the worker, PostgreSQL {pg}, Redis {redis_v} and "
        f"locust. gunicorn {args.workers} sync workers (DEBUG off, bench.settings); "
        f"Celery worker prefork x{args.celery_concurrency} with beat; locust "
        f"{_locust_version()} (1 process, HttpUser), think time {args.wait} s, "
        f"mix {args.mix}; uploads: JPEG {sizes[0] // 1024} KiB, PDF "
        f"{sizes[1] // 1024} KiB (new connection: 4 files, juristic 5; meter test "
        f"1; covers 3 / 3)."
    )


def _locust_version():
    out = subprocess.run([sys.executable, "-m", "locust", "--version"],
                         capture_output=True, text=True).stdout  # fmt: skip
    match = re.search(r"locust (\S+)", out)
    return match.group(1) if match else "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50],
                        help="concurrent customers; one run each")  # fmt: skip
    parser.add_argument("--time", type=int, default=60, help="seconds of load")
    parser.add_argument("--spawn-rate", type=float, default=0,
                        help="users started a second (default users/10)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--wait", default="0.5,2",
                        help="think time between journeys, min,max seconds")  # fmt: skip
    parser.add_argument("--mix", default="new-connection:7,meter-test:2,"
                        "insulation-covers:1")  # fmt: skip
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--drain-timeout", type=int, default=300)
    parser.add_argument("--quiet-wait", type=int, default=120,
                        help="seconds to wait for other work on the machine to "
                        "calm down before each run")  # fmt: skip
    parser.add_argument("--keep", action="store_true",
                        help=f"keep the run folder ({RUN_DIR}): logs, documents")  # fmt: skip
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL (DATABASE_URL)")
    call_command("migrate", verbosity=0)
    sizes = files(RUN_DIR)
    global PASSWORD_CHECK_MS
    PASSWORD_CHECK_MS = password_check_ms()
    results = []
    try:
        for users in args.users:
            results.append(run(users, args, sizes))
            report(results[-1], args)
    finally:
        keep = (
            args.keep
            or len(results) < len(args.users)
            or any(r["problems"] for r in results)
        )
        if keep:
            print(f"\nLogs, locust output and documents kept in {RUN_DIR}")
        else:
            shutil.rmtree(RUN_DIR, ignore_errors=True)
    line = settings_line(args, sizes) + (
        f" One login's password check (PBKDF2) costs {PASSWORD_CHECK_MS:.0f} ms "
        "of CPU here."
    )
    print(f"\n{line}")
    with open(os.path.join(HERE, "load.json"), "w") as f:
        json.dump({"settings": line, "args": vars(args), "runs": results}, f,
                  indent=1, default=str)  # fmt: skip
    failed = [r["users"] for r in results if r["problems"]]
    if failed:
        sys.exit(f"\nFAILED at {failed} users: see the problems above "
                 f"(and bench/load.json).")  # fmt: skip


if __name__ == "__main__":
    main()

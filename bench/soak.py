"""Soak (issue 9): customers and counter staff at once for several minutes, on
the production-like set-up of bench/load_bench.py, whose machinery it reuses.

    bash scripts/soak.sh                                # CI: 2.5 minutes
    bash scripts/soak.sh --minutes 20 --customers 20 --staff 6

From an emptied database of its own (SOAK_DATABASE_URL, scripts/soak.sh): one
province with a branch per two counters, --customers customer accounts and
--staff counter staff with a known password; then gunicorn (--workers sync
workers, DEBUG off) and a Celery worker with beat (prefork x
--celery-concurrency) on Redis, and locust headless (bench/soak_locustfile.py)
for --minutes: the customers of bench/locustfile.py (log in, file with
uploads, view the request, list "my requests") and the counter staff (log in,
open their queue, open a request, claim it sometimes, take the next step
through the page's own form with the state they saw: accept, issue the fee
invoice, take the cash payment, book the survey, test or covers). A counter
that another was first to is told so: an expected answer, counted as "lost".

What must hold, else it exits 1:

- no 5xx and no unexpected answer (any locust failure), no warning or error in
  the portal's or the worker's log;
- memory flat: the RSS of every gunicorn worker and Celery process, sampled
  every --sample-every seconds; after the warm-up (--warmup, the first 25 % of
  the run) each process's growth, from the median of its first three samples
  to the median of its last three, stays under --rss-limit-mb;
- the database checks of load_bench (every filing answered exists once,
  references without gaps, documents on disk, due times and dashboard tallies
  right, every message sent, the queue drained) and the staff's: every step a
  counter was told was done is in the transition log exactly once, by them,
  from the state their page showed; the log holds no step nobody was told
  about; every "someone else was first" is true (the log shows another
  counter's step from that state); each request's state is its last logged
  transition's; each claim is one assignment event and the last one holds;
  every invoice and receipt rendered on disk, one payment and one receipt
  per invoice paid, receipts numbered without gaps; every message of the
  outbox delivered once (an SMS row each; e-mails go to a file,
  bench/mailsink.py, and are counted).

Prints a table (what was tried, what held, the figures) and writes
bench/soak.json.
"""

import argparse
import json
import math
import os
import shutil
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict

os.environ.setdefault("BENCH_RUN_PREFIX", "pea-soak-")

import load_bench as lb  # noqa: E402  (sets Django up)
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from notifications.models import OutboxMessage, SentSMS  # noqa: E402
from payments.models import Invoice, Payment, Receipt  # noqa: E402
from requests_app.models import RequestEvent, ServiceRequest  # noqa: E402

STAFF_ENDPOINTS = [
    "staff login form GET",
    "staff login POST",
    "staff queue",
    "staff request page",
    "staff claim POST",
    "staff step POST",
    "staff request page (after)",
]
MB = 1024 * 1024
# E-mails leave the worker as lines of a file (bench/mailsink.py), counted
# against the outbox; the load benchmark's locmem backend would keep them all
# in the worker's memory.
MAIL_SINK = os.path.join(lb.RUN_DIR, "mail.txt")
os.environ["BENCH_MAIL_SINK"] = MAIL_SINK
lb.EMAIL_BACKEND = "bench.mailsink.EmailBackend"


# --- data -------------------------------------------------------------------


def counters(n):
    """`people` for load_bench.prepare: n counter staff, two to a branch (so
    two look at the same queue), with the customers' password; their pages in
    English so the soak can read the messages."""

    def make(branches) -> dict:
        hashed = make_password(lb.PASSWORD)
        users = User.objects.bulk_create(
            [
                User(username=f"soak-counter-{i}", role="counter",
                     office=branches[i % len(branches)], password=hashed,
                     first_name="เคาน์เตอร์", last_name=f"{i}",
                     email=f"counter{i}@soak.test", preferred_language="en")
                for i in range(n)
            ]
        )  # fmt: skip
        return {"staff": [u.username for u in users]}

    return make


# --- memory -----------------------------------------------------------------


class MemorySampler(threading.Thread):
    """The RSS of every gunicorn and Celery process, every `every` seconds:
    [(seconds since start, {pid: (kind, rss bytes)}), ...]."""

    def __init__(self, portal, celery, every):
        super().__init__(daemon=True)
        import psutil

        self.psutil = psutil
        self.every = every
        self.halt = threading.Event()
        self.samples = []
        self.roots = {"gunicorn": psutil.Process(portal.pid),
                      "celery": psutil.Process(celery.pid)}  # fmt: skip
        stats = lb.celery_app.control.inspect(timeout=5).stats() or {}
        self.pool = {
            pid
            for s in stats.values()
            for pid in s.get("pool", {}).get("processes", [])
        }
        self.t0 = time.monotonic()
        self.sample()

    def kind(self, root, proc) -> str:
        if root == "gunicorn":
            return "gunicorn master" if proc.pid == self.roots[root].pid else (
                "gunicorn worker")  # fmt: skip
        if proc.pid == self.roots[root].pid:
            return "celery worker (main)"
        # The pool's processes are the worker's; its other child is beat (-B).
        return "celery pool process" if proc.pid in self.pool else "celery beat"

    def sample(self):
        now = {}
        for root, parent in self.roots.items():
            try:
                procs = [parent, *parent.children(recursive=True)]
            except self.psutil.Error:
                continue
            for p in procs:
                try:
                    now[p.pid] = (self.kind(root, p), p.memory_info().rss)
                except self.psutil.Error:
                    pass
        self.samples.append((round(time.monotonic() - self.t0, 1), now))

    def run(self):
        while not self.halt.wait(self.every):
            self.sample()

    def stop(self):
        self.halt.set()
        self.join()
        self.sample()


def memory_summary(samples, warmup_s, limit_mb) -> tuple[list, list, list]:
    """Per process: its RSS after the warm-up, first-three and last-three
    medians, the growth between them and a least-squares slope; per type, the
    range over its processes. Problems: a process over the limit, a gunicorn
    worker or Celery process that went away (replaced) during the run."""
    measured = [(t, procs) for t, procs in samples if t >= warmup_s]
    series = defaultdict(list)
    kinds = {}
    for t, procs in measured:
        for pid, (kind, rss) in procs.items():
            series[pid].append((t, rss / MB))
            kinds[pid] = kind
    problems = []
    per_process = []
    first_pids = set(measured[0][1]) if measured else set()
    last_pids = set(measured[-1][1]) if measured else set()
    for pid in sorted(first_pids - last_pids):
        problems.append(f"{kinds[pid]} {pid} went away during the run")
    for pid in sorted(last_pids - first_pids):
        problems.append(f"{kinds[pid]} {pid} started during the run (a replacement)")
    for pid, points in series.items():
        if len(points) < 6:
            continue
        values = [v for _t, v in points]
        start, end = statistics.median(values[:3]), statistics.median(values[-3:])
        ts = [t for t, _v in points]
        mean_t, mean_v = statistics.fmean(ts), statistics.fmean(values)
        var = sum((t - mean_t) ** 2 for t in ts) or 1
        slope = sum((t - mean_t) * (v - mean_v) for t, v in points) / var * 60
        per_process.append({"pid": pid, "kind": kinds[pid], "start_mb": start,
                            "max_mb": max(values), "end_mb": end,
                            "growth_mb": end - start, "slope_mb_per_min": slope,
                            "samples": len(values)})  # fmt: skip
        if end - start >= limit_mb:
            problems.append(
                f"{kinds[pid]} {pid}: RSS grew {end - start:.1f} MB after the "
                f"warm-up ({start:.1f} → {end:.1f} MB; limit {limit_mb} MB)"
            )
    by_kind = []
    for kind in sorted({p["kind"] for p in per_process}):
        rows = [p for p in per_process if p["kind"] == kind]
        by_kind.append({
            "kind": kind, "processes": len(rows),
            "start_mb": [min(p["start_mb"] for p in rows), max(p["start_mb"] for p in rows)],
            "max_mb": max(p["max_mb"] for p in rows),
            "end_mb": [min(p["end_mb"] for p in rows), max(p["end_mb"] for p in rows)],
            "growth_mb": max(p["growth_mb"] for p in rows),
            "slope_mb_per_min": max(p["slope_mb_per_min"] for p in rows),
            "held": all(p["growth_mb"] < limit_mb for p in rows)
            and not any(kind in problem for problem in problems),
        })  # fmt: skip
    return by_kind, problems, per_process


# --- staff checks -----------------------------------------------------------


def check_staff(steps) -> tuple[list[str], dict]:
    """The staff's steps against the transition log; payments and receipts."""
    problems = []
    done = [s for s in steps if s["outcome"] == "done" and s["action"] != "claim"]
    lost = [s for s in steps if s["outcome"] == "lost"]
    claims = [s for s in steps if s["outcome"] == "done" and s["action"] == "claim"]
    events = list(
        RequestEvent.objects.filter(kind=RequestEvent.Kind.TRANSITION)
        .exclude(action="submit")
        .values_list("request__reference", "action", "from_state", "to_state",
                     "actor__username", "id")
        .order_by("id")
    )  # fmt: skip
    logged = defaultdict(list)
    for ref, action, from_state, _to, actor, _id in events:
        logged[ref, action].append((from_state, actor))
    told = Counter((s["reference"], s["action"]) for s in done)
    twice = [key for key, n in told.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} steps answered done twice: {twice[:3]}")
    not_once, wrong = [], []
    for s in done:
        found = logged.get((s["reference"], s["action"]), [])
        if len(found) != 1:
            not_once.append((s["reference"], s["action"], len(found)))
        elif found[0] != (s["expected_state"], s["user"]):
            wrong.append((s["reference"], s["action"], found[0]))
    if not_once:
        problems.append(f"{len(not_once)} steps answered done but not in the "
                        f"transition log exactly once: {not_once[:3]}")  # fmt: skip
    if wrong:
        problems.append(f"{len(wrong)} steps logged from another state or by "
                        f"another user than answered: {wrong[:3]}")  # fmt: skip
    unseen = [key for key in logged if key not in told]
    if unseen:
        problems.append(f"{len(unseen)} steps in the transition log that no "
                        f"counter was told were done: {unseen[:3]}")  # fmt: skip
    # "Someone else was first" must be true: another counter's step left the
    # state the page showed.
    left = defaultdict(set)
    for ref, _action, from_state, _to, actor, _id in events:
        left[ref, from_state].add(actor)
    untrue = [
        (s["reference"], s["action"], s["expected_state"])
        for s in lost
        if not (left.get((s["reference"], s["expected_state"]), set()) - {s["user"]})
    ]
    if untrue:
        problems.append(f"{len(untrue)} 'someone else was first' answers with no "
                        f"other counter's step in the log: {untrue[:3]}")  # fmt: skip
    # Each request's state is its last logged transition's (submit included).
    last = {}
    for ref, to_state in (
        RequestEvent.objects.filter(kind=RequestEvent.Kind.TRANSITION)
        .order_by("id")
        .values_list("request__reference", "to_state")
    ):
        last[ref] = to_state
    off = [
        (ref, state, last.get(ref))
        for ref, state in ServiceRequest.objects.values_list("reference", "state")
        if last.get(ref) != state
    ]
    if off:
        problems.append(f"{len(off)} requests whose state is not their last logged "
                        f"transition's: {off[:3]}")  # fmt: skip
    # Claims: one assignment event each; the last one is who holds it.
    assignments = defaultdict(list)
    for ref, actor in (
        RequestEvent.objects.filter(kind=RequestEvent.Kind.ASSIGNMENT)
        .order_by("id")
        .values_list("request__reference", "actor__username")
    ):
        assignments[ref].append(actor)
    claimed = Counter((s["reference"], s["user"]) for s in claims)
    logged_claims = Counter((ref, a) for ref, actors in assignments.items()
                            for a in actors)  # fmt: skip
    if claimed != logged_claims:
        problems.append(f"claims answered ({sum(claimed.values())}) and assignment "
                        f"events ({sum(logged_claims.values())}) differ")  # fmt: skip
    holders = dict(
        ServiceRequest.objects.filter(reference__in=assignments).values_list(
            "reference", "assigned_to__username"
        )
    )
    wrong_holder = [r for r, actors in assignments.items() if holders[r] != actors[-1]]
    if wrong_holder:
        problems.append(f"{len(wrong_holder)} requests not held by their last "
                        f"claimant: {wrong_holder[:3]}")  # fmt: skip
    # Money: one invoice per quote, one payment and one receipt per invoice paid,
    # every PDF rendered and on disk, receipts numbered without gaps.
    quoted = {s["reference"] for s in done if s["action"] == "quote_fees"}
    paid = {s["reference"] for s in done if s["action"] == "record_payment"}
    invoices = Counter(Invoice.objects.values_list("request__reference", flat=True))
    if set(invoices) != quoted or any(n != 1 for n in invoices.values()):
        problems.append(f"{sum(invoices.values())} invoices for {len(quoted)} fee "
                        "steps (one each expected)")  # fmt: skip
    paid_invoices = set(
        Invoice.objects.filter(status="paid").values_list(
            "request__reference", flat=True
        )
    )
    if paid_invoices != paid:
        problems.append(f"{len(paid_invoices)} invoices paid for {len(paid)} "
                        "payments answered done")  # fmt: skip
    payments = Payment.objects.count()
    receipts = Receipt.objects.filter(kind="receipt")
    if payments != len(paid) or receipts.count() != len(paid):
        problems.append(f"{payments} payments and {receipts.count()} receipts for "
                        f"{len(paid)} payments answered done")  # fmt: skip
    unrendered = 0
    for doc in [*Invoice.objects.only("pdf"), *receipts.only("pdf", "rendered_at")]:
        f = doc.pdf
        if not f or not f.storage.exists(f.name) or not f.storage.size(f.name):
            unrendered += 1
        elif isinstance(doc, Receipt) and doc.rendered_at is None:
            unrendered += 1
    if unrendered:
        problems.append(f"{unrendered} invoices or receipts without their PDF")
    series = defaultdict(list)
    for office, year, seq in receipts.values_list("office_id", "be_year", "seq"):
        series[office, year].append(seq)
    gaps = [
        k for k, seqs in series.items() if sorted(seqs) != list(range(1, len(seqs) + 1))
    ]
    if gaps:
        problems.append(f"receipts not numbered 1..n at {len(gaps)} offices")
    counts = {
        "steps_done": dict(Counter(s["action"] for s in done)),
        "lost": dict(Counter(s["action"] for s in lost)),
        "claims": len(claims),
        "transitions_logged": len(events),
        "invoices": sum(invoices.values()),
        "payments": payments,
        "receipts": receipts.count(),
        "requests_by_state": dict(
            Counter(ServiceRequest.objects.values_list("state", flat=True))
        ),
    }
    return problems, counts


def check_messages() -> tuple[list[str], dict]:
    """Every message of every event sent once: an SMS row per SMS, a line of
    the mail sink per e-mail."""
    problems = []
    sent = Counter(
        OutboxMessage.objects.filter(status="sent").values_list("channel", flat=True)
    )
    sms = SentSMS.objects.count()
    with open(MAIL_SINK, encoding="utf-8") as f:
        mails = sum(1 for _line in f)
    if sms != sent["sms"]:
        problems.append(f"{sms} SMS delivered for {sent['sms']} sent in the outbox")
    if mails != sent["email"]:
        problems.append(f"{mails} e-mails delivered for {sent['email']} sent in "
                        "the outbox")  # fmt: skip
    return problems, {"sms": sms, "emails": mails}


def rendering_busy() -> bool:
    """Invoices and receipts the worker has still to render."""
    return (
        Invoice.objects.filter(pdf="").exists()
        or Receipt.objects.filter(rendered_at__isnull=True).exists()
    )


# --- the run ----------------------------------------------------------------


def soak(args) -> dict:
    seconds = round(args.minutes * 60)
    branches_needed = max(1, math.ceil(args.staff / 2))
    lb.prepare(args.customers, provinces=1, per_province=branches_needed,
               people=counters(args.staff))  # fmt: skip
    open(MAIL_SINK, "w").close()
    out = os.path.join(lb.RUN_DIR, "locust-soak.json")
    users = args.customers + args.staff
    spawn = args.spawn_rate or max(1.0, users / 10)
    portal = celery = None
    problems = defaultdict(list)
    try:
        portal = lb.serve(args.port, args.workers)
        celery = lb.worker(args.port, args.celery_concurrency)
        lb.settle(portal, celery)
        env = lb.locust_env(
            args, out, BENCH_SOAK_STAFF=str(args.staff),
            BENCH_SOAK_STAFF_WAIT=args.staff_wait,
        )  # fmt: skip
        print(f"\n{args.customers} customers and {args.staff} counter staff (spawn "
              f"{spawn:g}/s) for {seconds} s ...", flush=True)  # fmt: skip
        cpu0 = [lb.cpu_seconds(portal), lb.cpu_seconds(celery)]
        memory = MemorySampler(portal, celery, args.sample_every)
        memory.start()
        t0 = time.perf_counter()
        locust = lb.run_locust(
            locustfile="soak_locustfile.py", users=users, spawn=spawn,
            seconds=seconds, port=args.port, env=env,
            log=os.path.join(lb.RUN_DIR, "locust-soak.log"),
        )  # fmt: skip
        wall = time.perf_counter() - t0
        memory.stop()
        cpu1 = [lb.cpu_seconds(portal), lb.cpu_seconds(celery)]
        drained_s, pending, queued = lb.drain(args.drain_timeout, busy=rendering_busy)
    finally:
        lb.stop(portal)
        lb.stop(celery)
    endpoints = lb.ENDPOINTS + STAFF_ENDPOINTS
    result, problems["answers"] = lb.locust_results(out, locust, endpoints)
    samples = result["samples"]
    rows = lb.summarize(samples, endpoints)
    total = lb.summarize([("all", ms, ok, t) for _n, ms, ok, t in samples], ["all"])[0]
    span = max(t + ms / 1000 for _n, ms, _ok, t in samples) - min(
        t for *_rest, t in samples
    )
    for row in [*rows, total]:
        row["per_s"] = row["requests"] / span
    steps = result.get("steps", [])
    moved = {s["reference"] for s in steps if s["outcome"] == "done"}
    submit = result["stats"].get("submit POST", {"requests": 0, "failures": 0})
    db_problems, counts = lb.check_database(
        result["filed"], submit["requests"] - submit["failures"], moved=moved
    )
    problems["database"] = db_problems
    problems["staff"], staff_counts = check_staff(steps)
    problems["logs"] = lb.server_log_problems()
    problems["worker"], delivered = check_messages()
    if pending or queued or rendering_busy():
        problems["worker"].append(
            f"worker not drained after {args.drain_timeout} s: {pending} pending "
            f"messages, {queued} queued tasks, PDFs left: {rendering_busy()}"
        )
    warmup_s = seconds * args.warmup
    by_kind, problems["memory"], per_process = memory_summary(
        memory.samples, warmup_s, args.rss_limit_mb
    )
    return {
        "customers": args.customers,
        "staff": args.staff,
        "seconds": seconds,
        "wall_s": round(wall, 1),
        "rows": rows,
        "total": total,
        "statuses": result["statuses"],
        "filed": len(result["filed"]),
        "database": counts,
        "steps": staff_counts,
        "drained_s": round(drained_s, 1),
        "delivered": delivered,
        "cpu_s": {
            "gunicorn": round(cpu1[0] - cpu0[0], 1),
            "celery": round(cpu1[1] - cpu0[1], 1),
        },  # fmt: skip
        "memory": {
            "warmup_s": warmup_s,
            "limit_mb": args.rss_limit_mb,
            "by_kind": by_kind,
            "per_process": per_process,
            "series": [
                {
                    "t": t,
                    "rss_mb": {
                        str(pid): round(rss / MB, 1) for pid, (_k, rss) in procs.items()
                    },
                }
                for t, procs in memory.samples
            ],  # fmt: skip
            "kinds": {
                str(pid): kind
                for _t, procs in memory.samples
                for pid, (kind, _rss) in procs.items()
            },  # fmt: skip
        },
        "problems": {k: v for k, v in problems.items() if v},
    }


# --- report -----------------------------------------------------------------


def held(r, *keys) -> str:
    bad = sum(len(r["problems"].get(k, [])) for k in keys)
    return "held" if not bad else f"**FAILED** ({bad})"


def report(r):
    ms = lb.ms
    t = r["total"]
    st = r["steps"]
    db = r["database"]
    statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(r["statuses"].items()))
    done = sum(st["steps_done"].values())
    lost = sum(st["lost"].values())
    print(f"\n### Soak: {r['customers']} customers + {r['staff']} counter staff, "
          f"{r['seconds']} s\n")  # fmt: skip
    print("| endpoint | requests | failures | median | p95 | max | req/s |")
    print("|---|---|---|---|---|---|---|")
    for row in [*r["rows"], t]:
        print(f"| {row['name']} | {row['requests']:,} | {row['failures']} | "
              f"{ms(row['median_ms'])} | {ms(row['p95_ms'])} | {ms(row['max_ms'])} | "
              f"{row['per_s']:.1f} |")  # fmt: skip
    print("\n| what was tried | what held | figures |")
    print("|---|---|---|")
    print(f"| {r['customers']} customers filing with uploads and {r['staff']} "
          f"counters working their queues, {r['seconds']} s | zero 5xx, zero "
          f"unexpected answers: {held(r, 'answers')} | {t['requests']:,} requests "
          f"({t['per_s']:.1f}/s), median {ms(t['median_ms'])}, p95 "
          f"{ms(t['p95_ms'])}; statuses {statuses} |")  # fmt: skip
    print(f"| every filing answered | in the database exactly once, references "
          f"without gaps, documents on disk, due times and tallies right: "
          f"{held(r, 'database')} | {r['filed']:,} filed, {db['documents']:,} "
          f"documents |")  # fmt: skip
    steps = ", ".join(f"{k} {v}" for k, v in sorted(st["steps_done"].items()))
    lost_by = ", ".join(f"{k} {v}" for k, v in sorted(st["lost"].items())) or "none"
    print(f"| counters on the same requests (two per branch, the queue's oldest "
          f"first) | every step answered done in the transition log exactly once, "
          f"every 'someone else was first' true, each state its last "
          f"transition's, claims and payments once: {held(r, 'staff')} | "
          f"{done:,} steps done ({steps}); {lost:,} lost to another counter "
          f"({lost_by}); {st['claims']:,} claims; {st['invoices']} invoices, "
          f"{st['payments']} cash payments, {st['receipts']} receipts |")  # fmt: skip
    sent = r["delivered"]
    print(f"| the worker behind it | every message sent once, every PDF rendered, "
          f"queue drained: {held(r, 'worker')} | {sent['sms']:,} SMS and "
          f"{sent['emails']:,} e-mails delivered; drained {r['drained_s']} s after "
          "the load |")  # fmt: skip
    print(f"| the servers' logs | no warning, error or traceback: "
          f"{held(r, 'logs')} | CPU: gunicorn {r['cpu_s']['gunicorn']} s, "
          f"Celery {r['cpu_s']['celery']} s |")  # fmt: skip
    mem = r["memory"]
    for k in mem["by_kind"]:
        start = "–".join(
            f"{v:.0f}" for v in dict.fromkeys(round(x) for x in k["start_mb"])
        )
        end = "–".join(f"{v:.0f}" for v in dict.fromkeys(round(x) for x in k["end_mb"]))
        print(f"| memory: {k['kind']} ×{k['processes']} | RSS flat after the "
              f"{mem['warmup_s']:.0f} s warm-up (growth < {mem['limit_mb']} MB): "
              f"{'held' if k['held'] else '**FAILED**'} | start "
              f"{start} MB, max {k['max_mb']:.0f} MB, end {end} MB; worst growth "
              f"{k['growth_mb']:+.1f} MB ({k['slope_mb_per_min']:+.2f} MB/min) |")  # fmt: skip
    print(f"\nRequests by state at the end: {st['requests_by_state']}")
    if r["problems"]:
        n = sum(len(v) for v in r["problems"].values())
        print(f"\n**FAILED: {n} problems**")
        for kind, items in r["problems"].items():
            for p in items[:20]:
                print(f"- {kind}: {p}")
    else:
        print("\nEverything held.")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=2.5, help="of load")
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--staff", type=int, default=4, help="counter staff")
    parser.add_argument("--spawn-rate", type=float, default=0,
                        help="users started a second (default users/10)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--wait", default="0.5,2",
                        help="customers' think time, min,max seconds")  # fmt: skip
    parser.add_argument("--staff-wait", default="0.5,2",
                        help="counters' think time, min,max seconds")  # fmt: skip
    parser.add_argument("--mix", default="new-connection:7,meter-test:2,"
                        "insulation-covers:1")  # fmt: skip
    parser.add_argument("--sample-every", type=float, default=5.0,
                        help="seconds between memory samples")  # fmt: skip
    parser.add_argument("--warmup", type=float, default=0.25,
                        help="share of the run before memory is measured")  # fmt: skip
    parser.add_argument("--rss-limit-mb", type=float, default=10.0,
                        help="growth allowed per process after the warm-up")  # fmt: skip
    parser.add_argument("--port", type=int, default=8098)
    parser.add_argument("--drain-timeout", type=int, default=300)
    parser.add_argument("--keep", action="store_true",
                        help=f"keep the run folder ({lb.RUN_DIR}): logs, documents")  # fmt: skip
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL (DATABASE_URL)")
    call_command("migrate", verbosity=0)
    sizes = lb.files(lb.RUN_DIR)
    r = None
    try:
        r = soak(args)
        report(r)
    finally:
        if args.keep or r is None or r["problems"]:
            print(f"\nLogs, locust output and documents kept in {lb.RUN_DIR}")
        else:
            shutil.rmtree(lb.RUN_DIR, ignore_errors=True)
    line = lb.settings_line(args, sizes) + (
        f" Counter staff: {args.staff}, two to a branch, think time "
        f"{args.staff_wait} s. Memory sampled every {args.sample_every:g} s."
    )
    print(f"\n{line}")
    with open(os.path.join(lb.HERE, "soak.json"), "w") as f:
        json.dump({"settings": line, "args": vars(args), "run": r}, f, indent=1,
                  default=str)  # fmt: skip
    if r["problems"]:
        sys.exit("\nSOAK FAILED: see the problems above (and bench/soak.json).")


if __name__ == "__main__":
    main()

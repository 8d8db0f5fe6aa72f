"""Drill 2: Redis (the Celery broker) stopped for DRILL_REDIS_DOWN seconds
(default 60) under traffic. gunicorn serves the portal, a Celery worker and
beat run as in docker-compose.yml. While Redis is down, over HTTP, a customer
keeps filing new-connection requests through the web form (multipart, with
documents) and counter staff keep recording cash payments (each issues a
receipt); SLA clocks of earlier requests fall due meanwhile.

Must hold: every submission succeeds (302 to its page, no 5xx); after Redis
is back, with no process restarted (but a pool process Celery replaces for a
task it stopped at the connection loss), every notification of those requests is
delivered once, every receipt rendered once, every clock started, the
payment SMS clocks stopped, and the clocks that fell due escalated once. The
outbox rows and the receipts' "not rendered" state are in PostgreSQL; the
beat sweeps (outbox flush and missing receipts every minute, the SLA sweep)
deliver what the after-commit tasks could not publish."""

from __future__ import annotations

import os
import re
import statistics
import threading
import time
from datetime import timedelta

import pytest
import requests

from drills import seed, services, stack
from drills.conftest import use_database

pytestmark = pytest.mark.drill(name="2. Redis down")

DB = "drill_redis"
PORT = int(os.environ.get("DRILL_HTTP_PORT", "8391")) + 1
DOWN = float(os.environ.get("DRILL_REDIS_DOWN", "60"))
INVOICES = 15  # quoted before the outage, paid during it
DUE = 3  # running clocks made to fall due during the outage
DOC_RE = re.compile(r'name="(doc_\d+)"')
# Celery's warning when it stops such a task (celery/worker/consumer/consumer.py)
CANCELLED_AT_CONNECTION_LOSS = "cannot be acknowledged after a connection loss"


class Client(threading.Thread):
    """Repeats one submission until told to stop; records each."""

    def __init__(self, name, submit, until: float):
        super().__init__(daemon=True, name=name)
        self.submit, self.until = submit, until
        self.results: list[tuple[int, float, str]] = []  # status, seconds, note

    def run(self):
        while time.monotonic() < self.until:
            started = time.monotonic()
            try:
                status, note = self.submit()
            except StopIteration:
                return
            except requests.RequestException as exc:
                status, note = 0, type(exc).__name__
            self.results.append((status, time.monotonic() - started, note))
            time.sleep(0.2)


def _filer(browser: stack.Browser, office_id: int, size_id: int):
    from tests.factories import PDF_BYTES

    def submit():
        page = browser.get_page("/requests/new/new-connection/")
        if page.status_code != 200:
            return page.status_code, "form page"
        files = {
            name: (f"{name}.pdf", PDF_BYTES, "application/pdf")
            for name in DOC_RE.findall(page.text)
        }
        response = browser.post(
            browser.url("/requests/new/new-connection/"),
            data={
                "csrfmiddlewaretoken": browser.csrf(page.text),
                "office": office_id,
                "premises_address": "12 ถ.มิตรภาพ ต.ในเมือง อ.เมือง",
                "premises_province": "ขอนแก่น",
                "meter_size": size_id,
                "contact_phone": "0811110001",
            },
            files=files, allow_redirects=False, timeout=60,
        )  # fmt: skip
        where = response.headers.get("Location", "")
        if response.status_code == 302 and where.startswith("/requests/"):
            return 302, where.strip("/").split("/")[-1]
        return response.status_code, "form refused"

    return submit


def _payer(browser: stack.Browser, invoices: list):
    queue = list(invoices)

    def submit():
        if not queue:
            raise StopIteration
        req, invoice = queue.pop(0)
        response = browser.post_form(
            f"/staff/requests/{req.reference}/act/record_payment/",
            {"record_payment-amount": f"{invoice.total:.2f}",
             "expected_state": "fees_quoted"},
        )  # fmt: skip
        return response.status_code, req.reference

    return submit


def _pending_work() -> dict:
    from notifications.models import OutboxMessage
    from payments.models import Invoice, Receipt

    return {
        "outbox": OutboxMessage.objects.filter(status="pending").count(),
        "receipts": Receipt.objects.filter(rendered_at__isnull=True).count(),
        "invoices": Invoice.objects.filter(pdf="", status="unpaid").count(),
    }


def _ms(values) -> str:
    if not values:
        return "-"
    return (
        f"median {statistics.median(values) * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms"
    )


def test_redis_down_under_traffic(report):
    from django.db import connections
    from django.utils import timezone

    from meters.models import MeterSize
    from notifications.models import OutboxMessage, SentSMS
    from payments.models import Invoice, Receipt
    from requests_app.models import ServiceRequest
    from sla.models import Clock

    assert services.port_free(PORT), f"port {PORT} is taken"
    use_database(DB)
    stack.flush_broker()
    actors = seed.people()
    invoices = [seed.quoted_request(actors) for _ in range(INVOICES)]
    due_requests = [seed.submitted_request(actors).pk for _ in range(DUE)]
    connections["default"].close()

    storage = services.DIR / "redis-drill" / "private"
    env = stack.app_env(db=DB, storage=storage, SLA_SWEEP_SECONDS="5")
    web = stack.gunicorn("drill-gunicorn-redis", env, port=PORT)
    worker = stack.worker("drill-worker-redis", env, concurrency=2)
    beat = stack.beat("drill-beat-redis", env)
    procs = [web, worker, beat]
    try:
        base = f"http://127.0.0.1:{PORT}"
        assert stack.wait_http(base) is not None, web.log()
        quiet = stack.wait_until(
            lambda: not any(_pending_work().values()), 120, proc=procs
        )
        report.row(
            "before: portal, worker and beat up; requests filed and quoted",
            "the worker has delivered and rendered everything",
            f"quiet after {quiet:.0f} s" if quiet is not None else str(_pending_work()),
            quiet is not None,
        )
        pids_before = {p.name: [p.pid, *p.children()] for p in procs}
        customer = stack.Browser(base)
        customer.login(actors["customer"].username, seed.PASSWORD)
        counter = stack.Browser(base)
        counter.login("drill-counter", seed.PASSWORD)
        office_id = actors["branch"].pk
        size_id = MeterSize.objects.get(code="5(15)-1").pk

        submit = _filer(customer, office_id, size_id)
        baseline = []
        for _ in range(3):  # with Redis up, for comparison
            started = time.monotonic()
            status, _note = submit()
            baseline.append(time.monotonic() - started)
            assert status == 302, f"filing before the outage: {status}"

        # Redis goes away. -----------------------------------------------------
        services.redis_stop()
        down_at, down_wall = time.monotonic(), timezone.now()
        falls_due = down_wall + timedelta(seconds=min(10, DOWN / 3))
        Clock.objects.filter(request__in=due_requests, status="running").update(
            due_at=falls_due, at_risk_at=falls_due
        )
        due_clocks = list(
            Clock.objects.filter(request__in=due_requests, status="running")
            .values_list("pk", flat=True)
        )  # fmt: skip
        connections["default"].close()
        until = down_at + DOWN
        filer = Client("filer", submit, until)
        payer = Client("payer", _payer(counter, invoices), until)
        filer.start()
        payer.start()
        filer.join()
        payer.join()
        remaining = until - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)
        services.redis_start()
        up_wall = timezone.now()

        def settled():
            done = not any(_pending_work().values())
            done = (
                done
                and not Clock.objects.filter(
                    pk__in=due_clocks, breach_notified_at__isnull=True
                ).exists()
            )
            return (
                done
                and not Clock.objects.filter(
                    request__invoices__status="paid",
                    step_code="payment-sms",
                    status="running",
                ).exists()
            )

        recovered = stack.wait_until(settled, 150, every=1, proc=procs)
        time.sleep(3)  # late duplicates would show now
        pids_after = {p.name: [p.pid, *p.children()] for p in procs}
        alive = all(p.alive() for p in procs)
        # A task still running when the connection went is stopped by Celery
        # (worker_cancel_long_running_tasks_on_connection_loss): its pool
        # process is replaced by the worker itself, and its message runs again.
        stopped_tasks = worker.log().count(CANCELLED_AT_CONNECTION_LOSS)
    finally:
        for proc in procs:
            proc.stop()
        if not services.redis_up():
            services.redis_start()

    # What the clients saw while Redis was down. --------------------------------
    filed = [r for r in filer.results if r[0] == 302]
    paid = [r for r in payer.results if r[0] == 302]
    bad = [r for r in filer.results + payer.results if r[0] != 302]
    report.row(
        f"Redis stopped {DOWN:.0f} s; customer files new-connection requests "
        "through the web form (HTTP multipart, documents attached)",
        "every filing answered 302 to the new request's page, no 5xx",
        f"{len(filed)} of {len(filer.results)} filed; {_ms([r[1] for r in filed])}"
        f" (with Redis up: {_ms(baseline)})",
        filer.results and len(filed) == len(filer.results),
    )
    report.row(
        "meanwhile counter staff record cash payments (HTTP form post; each "
        "issues a receipt)",
        "every payment answered 302, no 5xx",
        f"{len(paid)} of {len(payer.results)} recorded; {_ms([r[1] for r in paid])}"
        + (f"; refused: {bad[:3]}" if bad else ""),
        payer.results and len(paid) == len(payer.results),
    )

    # What the database holds. ----------------------------------------------------
    references = [r[2] for r in filed]
    requests_ = ServiceRequest.objects.filter(reference__in=references)
    no_clock = [
        r.reference
        for r in requests_
        if not Clock.objects.filter(request=r, status="running").exists()
    ]
    report.row(
        "the requests filed during the outage",
        "each stored once, with its SLA clock running and its due time",
        f"{requests_.count()} stored for {len(references)} filings "
        f"({len(set(references))} distinct); without a running clock: "
        f"{len(no_clock)}; without a due time: "
        f"{requests_.filter(due_at__isnull=True).count()}",
        requests_.count() == len(references) == len(set(references))
        and not no_clock
        and not requests_.filter(due_at__isnull=True).exists(),
    )
    paid_invoices = Invoice.objects.filter(request__reference__in=[r[2] for r in paid])
    receipts = Receipt.objects.filter(invoice__in=paid_invoices)
    files = [
        len(
            [
                p
                for p in storage.glob(f"receipts/**/{r.number}*.pdf")
                if "-copy" not in p.name
            ]
        )
        for r in receipts
    ]
    report.row(
        "the payments recorded during the outage",
        "each invoice paid once with one receipt; after Redis is back every "
        "receipt rendered, one PDF each",
        f"{paid_invoices.filter(status='paid').count()} paid of {len(paid)}; "
        f"{receipts.count()} receipts, {receipts.filter(rendered_at__isnull=False).count()}"
        f" rendered; PDF files per receipt: {sorted(set(files))}",
        paid_invoices.filter(status="paid").count() == len(paid)
        and receipts.count() == len(paid)
        and not receipts.filter(rendered_at__isnull=True).exists()
        and set(files) <= {1},
    )
    written = OutboxMessage.objects.filter(
        created_at__gte=down_wall, created_at__lt=up_wall
    )
    sms = OutboxMessage.objects.filter(channel="sms")
    per_sms = {SentSMS.objects.filter(outbox=m).count() for m in sms}
    report.row(
        "notifications written during the outage (outbox rows in PostgreSQL)",
        "all delivered after Redis is back, each SMS once (the fake gateway's "
        "record), none pending",
        f"{written.count()} written ({written.filter(channel='sms').count()} SMS), "
        f"{written.filter(status='sent').count()} sent; all SMS: {sms.count()}, "
        f"deliveries per SMS {sorted(per_sms)}; pending: "
        f"{OutboxMessage.objects.exclude(status='sent').count()}",
        written.exists()
        and not OutboxMessage.objects.exclude(status="sent").exists()
        and per_sms == {1}
        and sms.values("request", "event", "to", "body").distinct().count()
        == sms.count(),
    )
    running_sms_clocks = Clock.objects.filter(
        request__invoices__in=paid_invoices, step_code="payment-sms"
    ).exclude(status__in=["met", "missed"])
    report.row(
        "payment SMS clocks (Smart Plus SLA 4) of those payments",
        "stopped when their SMS was finally sent",
        f"{Clock.objects.filter(request__invoices__in=paid_invoices, step_code='payment-sms').count()}"
        f" clocks, still running: {running_sms_clocks.count()}",
        not running_sms_clocks.exists(),
    )
    escalations = OutboxMessage.objects.filter(
        event="sla_breached", channel="sms", request__in=due_requests
    )
    per_clock = sorted(escalations.filter(request=pk).count() for pk in due_requests)
    report.row(
        f"{len(due_clocks)} running clocks fell due while Redis was down",
        "each escalated once after Redis is back (one SMS per supervisor), "
        "each SMS delivered once",
        f"escalation SMS per clock: {per_clock}; delivered: "
        f"{SentSMS.objects.filter(outbox__in=escalations).count()}",
        per_clock == [2] * DUE
        and SentSMS.objects.filter(outbox__in=escalations).count() == 2 * DUE,
    )
    before_pool = set(pids_before[worker.name][1:])
    replaced = len(before_pool - set(pids_after[worker.name][1:]))
    same_processes = all(
        pids_before[p.name] == pids_after[p.name] for p in (web, beat)
    ) and (pids_before[worker.name][0] == pids_after[worker.name][0])
    report.row(
        "Redis started again; nothing restarted",
        "same gunicorn, worker and beat processes; the backlog done",
        (
            f"all delivered, rendered and escalated {recovered:.0f} s after Redis "
            f"was back (the outbox and receipt sweeps run every minute); same "
            f"gunicorn master and workers, worker and beat: {same_processes}; pool "
            f"processes the worker replaced: {replaced} (tasks it stopped at the "
            f"connection loss: {stopped_tasks})"
        )
        if recovered is not None
        else f"not done 150 s after Redis was back: {_pending_work()}",
        recovered is not None
        and alive
        and same_processes
        and replaced <= stopped_tasks,
    )
    report.assert_all()

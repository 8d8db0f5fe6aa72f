"""Receipt rendering and callback-to-receipt latency, on PostgreSQL + Redis.

    bash scripts/bench.sh receipts        (or: python bench/receipts_bench.py)

1. WeasyPrint floor: a minimal one-page Thai document, rendered N times.
2. Our receipt: original + copy PDFs of one receipt (what the task renders).
3. End to end with a real Celery worker: a signed provider callback posted to
   the real view; the time until the payment exists and until its receipt PDF
   is stored (the worker applies the event, then renders).
"""

import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pea_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

N = int(os.environ.get("BENCH_N", "30"))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def report(name, seconds):
    ms = [s * 1000 for s in seconds]
    print(f"| {name} | {len(ms)} | {statistics.median(ms):.0f} ms | {pct(ms, 95):.0f} ms |",
          flush=True)  # fmt: skip


def floor():
    from weasyprint import HTML

    html = ('<html lang="th"><body style="font-family: Garuda">'
            "<h1>ใบเสร็จรับเงิน</h1><p>หนึ่งร้อยเจ็ดบาทถ้วน</p></body></html>")  # fmt: skip
    HTML(string=html).write_pdf()  # warm-up (fonts)
    runs = []
    for _ in range(N):
        t0 = time.perf_counter()
        HTML(string=html).write_pdf()
        runs.append(time.perf_counter() - t0)
    report("WeasyPrint floor: minimal one-page Thai document", runs)


def setup():
    from tests import factories

    with connection.cursor() as c:
        c.execute("TRUNCATE accounts_office, accounts_user RESTART IDENTITY CASCADE")
        c.execute("DELETE FROM core_sequence")
    tree = factories.office_tree()
    counter = factories.StaffFactory(office=tree["branch"])
    return tree["branch"], counter


def invoice(office, counter):
    from payments.services import request_quote_fees
    from requests_app import services as rs
    from tests import factories

    r = factories.submit_request(customer=factories.CustomerFactory(), office=office)
    r = rs.request_accept(request=r, user=counter)
    return request_quote_fees(request=r, user=counter)


def ours(office, counter):
    from payments.receipts import render_pdf
    from payments.services import payment_record_cash

    inv = invoice(office, counter)
    receipt = payment_record_cash(
        invoice=inv, user=counter, amount=inv.total
    ).receipts.get()
    render_pdf(receipt, copy=False)  # warm-up
    originals, copies = [], []
    for _ in range(N):
        t0 = time.perf_counter()
        render_pdf(receipt, copy=False)
        t1 = time.perf_counter()
        render_pdf(receipt, copy=True)
        originals.append(t1 - t0)
        copies.append(time.perf_counter() - t1)
    report("our receipt: the original (the receipt task)", originals)
    report("our receipt: the copy (rendered on the first reprint)", copies)


def end_to_end(office, counter):
    import json

    import redis

    from payments.models import Invoice, Payment, Receipt
    from payments.provider import sign

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pea_portal", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle",
         "--without-heartbeat"],
        env=os.environ.copy(),
    )  # fmt: skip
    try:
        time.sleep(4)  # worker start
        client = Client()
        paid, ready = [], []
        # Callbacks are deduplicated by event id, and the stored events outlive
        # a run (TRUNCATE restarts the invoice ids): ids unique to this run.
        run = int(time.time())
        for i in range(N):
            inv = invoice(office, counter)
            # Invoices are issued well before they are paid: let the worker
            # finish this one's printable PDF and messages first, so the
            # figures are the payment's own path, not the invoice's backlog.
            idle = time.perf_counter()
            while (
                time.perf_counter() - idle < 20
                and not Invoice.objects.filter(pk=inv.pk).exclude(pdf="").exists()
            ):
                time.sleep(0.02)
            time.sleep(0.3)
            body = json.dumps({"id": f"bench-{run}-{inv.pk}", "type": "charge.succeeded",
                               "data": {"transaction_id": f"t-{run}-{inv.pk}",
                                        "reference": inv.number,
                                        "amount": f"{inv.total:.2f}",
                                        "currency": "THB"}}).encode()  # fmt: skip
            header = sign(body, secret=settings.PAYMENT_PROVIDER_SECRETS[0],
                          timestamp=int(time.time()))  # fmt: skip
            t0 = time.perf_counter()
            response = client.post("/payments/callback/", body,
                                   content_type="application/json",
                                   HTTP_X_PEA_PAY_SIGNATURE=header)  # fmt: skip
            assert response.status_code == 200, response.content
            answered = time.perf_counter() - t0
            t_paid = None
            while time.perf_counter() - t0 < 60:
                if t_paid is None and Payment.objects.filter(invoice=inv).exists():
                    t_paid = time.perf_counter() - t0
                r = Receipt.objects.filter(
                    invoice=inv, rendered_at__isnull=False
                ).first()
                if r is not None:
                    ready.append(time.perf_counter() - t0)
                    break
                time.sleep(0.02)
            paid.append(t_paid or 0)
            if i == 0:
                report_answer = [answered]
            else:
                report_answer.append(answered)
        report("callback answered (HTTP 2xx, work deferred)", report_answer)
        report("callback → payment recorded (real worker)", paid)
        report("callback → receipt PDF stored (real worker)", ready)
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def main():
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL (DATABASE_URL)")
    call_command("migrate", verbosity=0)
    print("| what | runs | p50 | p95 |")
    print("|---|---|---|---|")
    floor()
    office, counter = setup()
    ours(office, counter)
    end_to_end(office, counter)


if __name__ == "__main__":
    main()

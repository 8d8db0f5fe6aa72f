"""The billing system's export files at national size (issue 19): generate an
accounts file and a bills file (a year of bills per account) on disk, import
them through the real importer (bills.importer) into PostgreSQL, then import
them again (nothing changes). Rows per second and memory: ru_maxrss, and the
resident set sampled while each file is read (after 10 %, 50 % and 100 % of
its bytes) to show it stays flat.

    bash scripts/bench.sh import [--accounts 1000000] [--months 12] [--chunk 50000]

Its own database (BENCH_DATABASE_URL, pea_bench by default; see
scripts/bench.sh): migrated, its accounts and bills emptied first.
"""

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pea_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Office  # noqa: E402
from bills.importer import billing_import_run  # noqa: E402
from bills.models import BillingImport  # noqa: E402
from tests.bills import export_files as ef  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(n_offices: int = 820) -> list[str]:
    call_command("migrate", verbosity=0)
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE bills_billpaymentitem, bills_bill, bills_importrejection, "
            "bills_billingimport, bills_linkattempt CASCADE"
        )
        c.execute("DELETE FROM meters_electricityaccount")
    codes = [f"B{90000 + i}" for i in range(n_offices)]
    have = set(Office.objects.filter(code__in=codes).values_list("code", flat=True))
    Office.objects.bulk_create(
        Office(
            code=code,
            name_th="สาขา",
            name_en="Branch",
            kind="branch",
            path=f"BENCH/{code}/",
        )  # fmt: skip
        for code in codes
        if code not in have
    )
    return codes


def timed_import(path: Path, chunk: int) -> dict:
    """Import one file, sampling the resident set by the bytes read."""
    bi = BillingImport.objects.create(filename=path.name)
    size = path.stat().st_size
    marks, samples, stop = [0.10, 0.50], {}, threading.Event()

    def sample():
        while not stop.wait(0.2):
            done = bi.bytes_read / size
            while marks and done >= marks[0]:
                samples[marks.pop(0)] = rss_mb()

    watcher = threading.Thread(target=sample, daemon=True)
    start_rss = rss_mb()
    t0 = time.perf_counter()
    watcher.start()
    billing_import_run(billing_import=bi, path=path, chunk=chunk)
    seconds = time.perf_counter() - t0
    stop.set()
    watcher.join()
    samples[1.0] = rss_mb()
    assert bi.status == "done", bi.error
    return {
        "file": path.name, "lines": bi.lines, "created": bi.created,
        "updated": bi.updated, "unchanged": bi.unchanged, "rejected": bi.rejected,
        "seconds": seconds, "rate": bi.lines / seconds, "rss0": start_rss,
        "rss": samples, "mb": size / 2**20,
    }  # fmt: skip


def row(name, r) -> str:
    rss = " / ".join(f"{r['rss'].get(k, float('nan')):.0f}" for k in (0.10, 0.50, 1.0))
    return (
        f"| {name} | {r['lines']:,} | {r['mb']:,.0f} MB | {r['seconds']:,.1f} s | "
        f"{r['rate']:,.0f} | {r['created']:,} / {r['updated']:,} / "
        f"{r['unchanged']:,} / {r['rejected']:,} | {r['rss0']:.0f} → {rss} MB |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--dir", default=None, help="where the files go (a temp dir)")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "the benchmark runs on PostgreSQL"
    codes = prepare()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        accounts, bills = Path(tmp) / "accounts.csv", Path(tmp) / "bills.csv"
        t0 = time.perf_counter()
        ef.write(accounts, ef.ACCOUNT_HEADER, ef.accounts_rows(args.accounts, codes))
        ef.write(bills, ef.BILL_HEADER, ef.bills_rows(
            args.accounts, args.months, first=date(2025, 1, 1)), encoding="tis-620")  # fmt: skip
        print(f"generated {args.accounts:,} accounts and {args.accounts * args.months:,}"
              f" bills in {time.perf_counter() - t0:.0f} s "
              f"(accounts UTF-8, bills TIS-620); chunk {args.chunk:,} lines", flush=True)  # fmt: skip
        print("| import | lines | file | time | rows/s | created / updated / "
              "unchanged / rejected | RSS start → 10 % / 50 % / 100 % |")  # fmt: skip
        print("|---|---|---|---|---|---|---|", flush=True)
        results = []
        for label, path in (("accounts, first", accounts), ("bills, first", bills),
                            ("accounts, again", accounts), ("bills, again", bills)):  # fmt: skip
            r = timed_import(path, args.chunk)
            results.append(r)
            print(row(label, r), flush=True)
        first = results[0]["lines"] + results[1]["lines"]
        t_first = results[0]["seconds"] + results[1]["seconds"]
        t_again = results[2]["seconds"] + results[3]["seconds"]
        print(f"\nfirst import: {first:,} rows in {t_first:,.0f} s = "
              f"{first / t_first:,.0f} rows/s; again (unchanged): "
              f"{first / t_again:,.0f} rows/s; peak RSS (ru_maxrss) "
              f"{maxrss_mb():.0f} MB", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

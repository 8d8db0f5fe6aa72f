"""Pages at national scale under gunicorn, each as a ratio to the framework
floor measured in the same run, on PostgreSQL.

    bash scripts/bench.sh pages                      # 10k and 100k requests
    bash scripts/bench.sh pages --sizes 10000 100000 1000000

For each size: 900 offices (4 regions > 76 provinces > 820 branches), staff,
a customer pool, and N service requests over every service and state, with
their timelines, clocks, invoices and receipts (bench/datagen.py: templates
made through the services, cloned in SQL), spread over the branches and
customers. gunicorn (2 sync workers, DEBUG off) serves
bench.settings: the portal plus /bench/floor/, a bare Django view rendering a
tiny template. Each page is fetched by one client over a fresh connection,
5 warm-ups then BENCH_N (default 40) timed requests; p50 and p95 are reported
with the ratio of the p50 to the floor's. Query counts come from the same
page rendered once by Django's test client. A plot of p50 against size is
written to bench/pages.svg.
"""

import argparse
import base64
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from urllib.parse import quote, urlencode

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from requests_app.models import ServiceRequest  # noqa: E402
from requests_app.selectors import staff_queue  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from datagen import load as datagen_load  # noqa: E402
from datagen import offices_900, people  # noqa: E402, F401  (moved to datagen)

PORT = 8099
N = int(os.environ.get("BENCH_N", "40"))
HERE = os.path.dirname(os.path.abspath(__file__))


def load(n):
    """The portal's data at n requests (bench/datagen.py, issue 8)."""
    return datagen_load(n)


def session_for(user) -> str:
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key


def token_for(user) -> str:
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from api.models import ApiToken, token_hash

    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=token_hash(key), prefix=key[:8],
                            expires_at=timezone.now() + timedelta(days=1))  # fmt: skip
    return key


def cursor_at(qs, position: int, field: str) -> str:
    """A DRF cursor pointing `position` rows deep (what following `next`
    that many times would give), for the keyset page."""
    value = qs.values_list(field, flat=True)[position]
    raw = urlencode({"p": str(value)})  # as DRF's CursorPagination encodes it
    return quote(base64.b64encode(raw.encode()).decode())


def keyset_cursor(due_at, pk) -> str:
    """core.keyset's cursor for a row of the web queue."""
    from types import SimpleNamespace

    from core.keyset import encode

    return encode(SimpleNamespace(due_at=due_at, pk=pk), "due_at")


def fetch(path, headers, port=PORT) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    t0 = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - t0
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    return elapsed


def measure(path, headers, port=PORT):
    for _ in range(5):
        fetch(path, headers, port)
    runs = sorted(fetch(path, headers, port) for _ in range(N))
    return statistics.median(runs), runs[int(0.95 * (len(runs) - 1))]


def queries(path, user=None, token=None) -> int:
    client = Client()
    extra = {}
    if user is not None:
        client.force_login(user)
    if token is not None:
        extra["HTTP_AUTHORIZATION"] = f"Token {token}"
    client.get(path, **extra)  # warm caches (token last-used, sessions)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **extra)
    assert response.status_code == 200, (path, response.status_code)
    return len(ctx)


def pages(regions, branches):
    sup = User.objects.get(username=f"s-{regions[0].code}")
    counter = User.objects.get(username=f"c-{branches[0].code}")
    customer = User.objects.get(pk=ServiceRequest.objects.order_by("-id")
                                .values_list("applicant_id", flat=True)[0])  # fmt: skip
    ref = ServiceRequest.objects.filter(office=branches[0]).values_list(
        "reference", flat=True
    )[0]
    mine = ServiceRequest.objects.filter(applicant=customer).values_list(
        "reference", flat=True
    )[0]
    sessions = {u.pk: session_for(u) for u in (sup, counter, customer)}
    tokens = {"customer": token_for(customer), "sup": token_for(sup)}
    in_scope = ServiceRequest.objects.filter(
        office__path__startswith=sup.office.path
    ).exclude(state__in=["closed", "cancelled", "rejected"])
    total = in_scope.count()
    deep = max(1, min(10_000, (total + 24) // 25))
    # The web queue's keyset cursor at the last row of page deep - 1, which is
    # what following "Next" deep - 1 times gives.
    last_before = (
        staff_queue(sup).values_list("due_at", "pk")[(deep - 1) * 25 - 1]
        if deep > 1 else None
    )  # fmt: skip
    web_deep = "/staff/" + (
        "?" + urlencode({"after": keyset_cursor(*last_before), "p": deep})
        if last_before else ""
    )  # fmt: skip
    # The national list of closed requests (an administrator's queue filtered
    # to "closed"): the one scope with 10,000 pages and more at 1M.
    admin, _ = User.objects.get_or_create(username="bench-admin",
                                          defaults={"role": "admin"})  # fmt: skip
    closed = staff_queue(admin, state="closed").order_by("pk")
    closed_deep = max(1, min(10_000, (closed.count() + 24) // 25))
    closed_cursor = (
        closed.values_list("pk", flat=True)[(closed_deep - 1) * 25 - 1]
        if closed_deep > 1 else None
    )  # fmt: skip
    closed_url = "/staff/?" + urlencode({"state": "closed"})
    closed_deep_url = closed_url + (
        "&" + urlencode({"after": keyset_cursor(None, closed_cursor), "p": closed_deep})
        if closed_cursor else ""
    )  # fmt: skip
    deep_cursor = cursor_at(in_scope.order_by("created_at", "id"), min(total - 1,
                            (deep - 1) * 20), "created_at")  # fmt: skip

    def web(user):
        if user.pk not in sessions:
            sessions[user.pk] = session_for(user)
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={sessions[user.pk]}"}

    def api(key):
        return {"Authorization": f"Token {tokens[key]}"}

    info = (f"Deep page: web page {deep:,} (25 rows a page); API cursor "
            f"{(deep - 1) * 20:,} rows deep; {total:,} open requests in the region. "
            f"Closed requests (national): deep page {closed_deep:,}.")  # fmt: skip
    return info, [
        ("framework floor", "/bench/floor/", {}, None, None),
        ("staff queue, page 1", "/staff/", web(sup), sup, None),
        ("staff queue, deep page", web_deep, web(sup), sup, None),
        ("closed requests (national), page 1", closed_url, web(admin), admin, None),
        ("closed requests (national), deep page", closed_deep_url, web(admin), admin,
         None),  # fmt: skip
        (
            "API staff queue, first page",
            "/api/v1/staff/queue/",
            api("sup"),
            None,
            tokens["sup"],
        ),  # fmt: skip
        (
            "API staff queue, deep page",
            f"/api/v1/staff/queue/?cursor={deep_cursor}",
            api("sup"),
            None,
            tokens["sup"],
        ),  # fmt: skip
        ("my requests", "/requests/", web(customer), customer, None),
        (
            "API my requests",
            "/api/v1/requests/",
            api("customer"),
            None,
            tokens["customer"],
        ),  # fmt: skip
        (
            "request detail (staff)",
            f"/staff/requests/{ref}/",
            web(counter),
            counter,
            None,
        ),  # fmt: skip
        (
            "request detail (customer)",
            f"/requests/{mine}/",
            web(customer),
            customer,
            None,
        ),  # fmt: skip
        ("supervisor dashboard (region)", "/staff/dashboard/", web(sup), sup, None),
    ]  # fmt: skip


def serve():
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        ALLOWED_HOSTS="testserver,127.0.0.1",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "pea_portal/gunicorn_conf.py",
         "-w", "2", "-b", f"127.0.0.1:{PORT}",
         "--access-logfile", "/dev/null", "--error-logfile", "-",
         "--log-level", "warning", "pea_portal.wsgi:application"],
        env=env, cwd=os.path.join(HERE, ".."), start_new_session=True,
    )  # fmt: skip
    for _ in range(100):
        try:
            fetch("/bench/floor/", {})
            return proc
        except (OSError, RuntimeError):
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def plot(results, path):
    """p50 against data size, one line per page (log-log), as SVG."""
    sizes = sorted({n for n, _r in results})
    if len(sizes) < 2:
        return
    import math

    names = [name for name, *_ in results[0][1]]
    w, h, left, bottom, top, legend = 980, 440, 70, 40, 20, 290
    p50s = [row[1] for _n, rows in results for row in rows]
    ymax, ymin = max(p50s), min(p50s)
    lx = [math.log10(s) for s in sizes]
    ly0, ly1 = math.log10(ymin * 0.8), math.log10(ymax * 1.25)

    def px(n):
        return left + (math.log10(n) - lx[0]) / ((lx[-1] - lx[0]) or 1) * (
            w - left - legend
        )

    def py(v):
        return top + (1 - (math.log10(v) - ly0) / (ly1 - ly0)) * (h - top - bottom)

    colours = ["#888", "#74045f", "#c0392b", "#2e86c1", "#17a589", "#b9770e",
               "#6c3483", "#1e8449", "#34495e", "#d35400", "#7b7d00", "#000000",
               "#e67e22", "#5d6d7e"]  # fmt: skip
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           'font-family="sans-serif" font-size="11">',
           f'<rect width="{w}" height="{h}" fill="#fff"/>']  # fmt: skip
    for s in sizes:
        out.append(
            f'<text x="{px(s):.0f}" y="{h - 15}" text-anchor="middle">{s:,}</text>'
        )
    for v in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if ymin * 0.8 <= v / 1000 <= ymax * 1.25:
            out.append(f'<line x1="{left}" x2="{w - legend}" y1="{py(v / 1000):.0f}" '
                       f'y2="{py(v / 1000):.0f}" stroke="#eee"/>'
                       f'<text x="{left - 6}" y="{py(v / 1000) + 4:.0f}" '
                       f'text-anchor="end">{v} ms</text>')  # fmt: skip
    for i, name in enumerate(names):
        pts = [
            (px(n), py({row[0]: row[1] for row in rows}[name])) for n, rows in results
        ]
        colour = colours[i % len(colours)]
        out.append('<polyline fill="none" stroke-width="2" stroke="{}" points="{}"/>'.format(
            colour, " ".join(f"{x:.0f},{y:.0f}" for x, y in pts)))  # fmt: skip
        out.append(f'<text x="{w - legend + 5}" y="{top + 14 * i + 10}" fill="{colour}">'
                   f"{name}</text>")  # fmt: skip
    out.append(f'<text x="{left}" y="{top - 5}">p50 latency (log) against requests '
               "in the database (log)</text></svg>")  # fmt: skip
    with open(path, "w") as f:
        f.write("\n".join(out))


def run(n, peer=True):
    load_s, regions, branches = load(n)
    proc = serve()
    rows = []
    try:
        floor_p50 = None
        info, todo = pages(regions, branches)
        for name, path, headers, user, token in todo:
            p50, p95 = measure(path, headers)
            floor_p50 = floor_p50 or p50
            q = queries(path, user=user, token=token)
            rows.append((name, p50, p95, p50 / floor_p50, q))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    if peer:
        # django-helpdesk with as many tickets, timed once ours is stopped.
        import helpdesk_peer

        hd = helpdesk_peer.prepare(n)
        with hd.serve():
            timed = [(name, *measure(path, headers, helpdesk_peer.PORT))
                     for name, path, headers in hd.pages()]  # fmt: skip
        q = hd.queries()
        rows += [(name, p50, p95, p50 / floor_p50, q[name]) for name, p50, p95 in timed]
        ours = {name: p50 for name, p50, *_ in rows}
        theirs = sum(p50 for _name, p50, _p95 in timed)
        info += (
            f"\ndjango-helpdesk {helpdesk_peer.VERSION}: {n:,} tickets "
            f"({hd.open_tickets:,} open, {hd.followups:,} follow-ups) loaded in "
            f"{hd.load_s:.1f} s. Its ticket list is the page (no ticket in it) and "
            f"then its JSON for the first 25 rows: {theirs * 1000:.1f} ms (p50s added)."
        )
        for name in ("staff queue, page 1", "my requests"):
            if name in ours:
                info += (f"\nour {name} p50 ÷ helpdesk ticket list p50 (page + JSON):"
                         f" {ours[name] / theirs:.2f} (target ≤ 0.20, 5× faster)")  # fmt: skip
    print(f"\n### {n:,} requests (loaded in {load_s:.0f} s)\n")
    print("| page | p50 | p95 | p50 ÷ floor | queries |")
    print("|---|---|---|---|---|")
    for name, p50, p95, ratio, q in rows:
        print(
            f"| {name} | {p50 * 1000:.1f} ms | {p95 * 1000:.1f} ms | {ratio:.1f}× | {q} |"
        )
    print(f"\n{info}")
    sys.stdout.flush()
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-peer", action="store_true", help="skip django-helpdesk")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL (DATABASE_URL)")
    call_command("migrate", verbosity=0)
    results = [(n, run(n, peer=not args.no_peer)) for n in args.sizes]
    plot(results, os.path.join(HERE, "pages.svg"))
    with open(os.path.join(HERE, "pages.json"), "w") as f:
        json.dump([{"size": n, "rows": rows} for n, rows in results], f, indent=1)


if __name__ == "__main__":
    main()

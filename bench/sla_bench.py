"""SLA sweep and dashboard at national scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pea_bench \
        python bench/sla_bench.py --open 100000 1000000 --due 0.01

For each size: N open requests spread over 100 branches (10 provinces, one
region), each with its running acceptance clock; `--due` of them past due, plus
N/2 finished clocks over the last year for the dashboard. Rows are cloned in SQL
from one request made through the services, so they are real rows of the real
schema. Then it times:
  - the sweep's due query alone (EXPLAIN ANALYZE: the partial index),
  - one full sweep (claims + escalation outbox rows for every due clock),
  - a second sweep (nothing left to do),
  - the dashboard view for the region (all 100 branches) and for one branch.
Prints a Markdown table row per size.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pea_portal.settings")
os.environ.setdefault("SLA_BENCH", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Office, User  # noqa: E402
from notifications.models import OutboxMessage  # noqa: E402
from requests_app.models import ServiceRequest  # noqa: E402
from sla.models import Clock  # noqa: E402
from sla.sweep import sla_sweep  # noqa: E402

BRANCHES_PER_PROVINCE, PROVINCES = 10, 10


def reset():
    """Everything but the reference data (catalog, fees, policies)."""
    with connection.cursor() as c:
        c.execute("TRUNCATE accounts_office, accounts_user RESTART IDENTITY CASCADE")


def offices():
    region = Office.objects.create(code="XR", name_th="ภาค", name_en="Region",
                                   kind="region", path="XR/")  # fmt: skip
    branches = []
    for p in range(PROVINCES):
        prov = Office.objects.create(code=f"XP{p}", name_th="จ", name_en="P",
                                     kind="province", parent=region,
                                     path=f"XR/XP{p}/")  # fmt: skip
        for b in range(BRANCHES_PER_PROVINCE):
            branches.append(Office.objects.create(
                code=f"XB{p}_{b}", name_th="ส", name_en="B", kind="branch",
                parent=prov, path=f"XR/XP{p}/XB{p}_{b}/"))  # fmt: skip
        User.objects.create(username=f"bench-sup-{p}", role="supervisor", office=prov,
                            email=f"sup{p}@bench.test")  # fmt: skip
    sup = User.objects.create(username="bench-sup", role="supervisor", office=region,
                              email="region@bench.test")  # fmt: skip
    return region, branches, sup


def template(branch):
    from tests import factories

    customer = factories.CustomerFactory(username="bench-customer")
    return factories.submit_request(customer=customer, office=branch)


def clone(req, n, branch_ids, due_fraction):
    """n copies of the template request, each with its running clock."""
    fields = [f for f in ServiceRequest._meta.concrete_fields if f.column != "id"]
    cols = [f.column for f in fields]
    exprs = []
    for col in cols:
        if col == "reference":
            exprs.append("'B' || lpad(g::text, 9, '0')")
        elif col == "office_id":
            exprs.append(f"(ARRAY{branch_ids})[1 + g %% {len(branch_ids)}]")
        elif col == "province_id":  # the branch's parent
            exprs.append(
                "(SELECT b.parent_id FROM accounts_office b WHERE b.id = "
                f"(ARRAY{branch_ids})[1 + g %% {len(branch_ids)}])"
            )
        elif col == "region_id":  # and its parent
            exprs.append(
                "(SELECT p.parent_id FROM accounts_office b JOIN accounts_office p "
                f"ON p.id = b.parent_id WHERE b.id = (ARRAY{branch_ids})"
                f"[1 + g %% {len(branch_ids)}])"
            )
        else:
            exprs.append(f"t.{col}")
    due_every = round(1 / due_fraction)
    with connection.cursor() as c:
        c.execute(
            f"INSERT INTO requests_app_servicerequest ({', '.join(cols)}) "
            f"SELECT {', '.join(exprs)} FROM generate_series(1, %s) g, "
            f"requests_app_servicerequest t WHERE t.id = %s",
            [n, req.pk],
        )
        clock = Clock.objects.get(request=req)
        # Running clocks: 1 in due_every past due, the rest due in two hours.
        c.execute(
            """INSERT INTO sla_clock (request_id, policy_id, step_code, office_id,
                 service_id, status, started_at, paused_seconds, due_at, at_risk_at)
               SELECT r.id, %s, 'accept', r.office_id, r.service_id, 'running',
                 now() - interval '3 hours', 0,
                 CASE WHEN r.id %% %s = 0 THEN now() - interval '1 hour'
                      ELSE now() + interval '2 hours' END,
                 CASE WHEN r.id %% %s = 0 THEN now() - interval '2 hours'
                      ELSE now() + interval '1 hour' END
               FROM requests_app_servicerequest r WHERE r.id <> %s""",
            [clock.policy_id, due_every, due_every, req.pk],
        )
        # Finished clocks over the last year (dashboard on-time figures).
        c.execute(
            """INSERT INTO sla_clock (request_id, policy_id, step_code, office_id,
                 service_id, status, started_at, paused_seconds, due_at, at_risk_at,
                 stopped_at)
               SELECT r.id, %s, 'callback', r.office_id, r.service_id,
                 CASE WHEN r.id %% 7 = 0 THEN 'missed' ELSE 'met' END,
                 now() - (r.id %% 364) * interval '1 day', 0, now(), now(),
                 now() - (r.id %% 364) * interval '1 day' + interval '30 minutes'
               FROM requests_app_servicerequest r
               WHERE r.id <> %s AND r.id %% 2 = 0""",
            [clock.policy_id, req.pk],
        )
        # The dashboard's tallies, as the services would have kept them.
        c.execute(
            """INSERT INTO sla_opentally (office_id, service_id, state, n)
               SELECT office_id, service_id, state, count(*)
               FROM requests_app_servicerequest GROUP BY 1, 2, 3
               ON CONFLICT (office_id, service_id, state) DO UPDATE SET n = EXCLUDED.n"""
        )
        c.execute(
            """INSERT INTO sla_steptally (office_id, service_id, step_code, week, met,
                 missed)
               SELECT office_id, service_id, step_code,
                 date_trunc('week', stopped_at AT TIME ZONE 'Asia/Bangkok')::date,
                 count(*) FILTER (WHERE status = 'met'),
                 count(*) FILTER (WHERE status = 'missed')
               FROM sla_clock WHERE status IN ('met', 'missed') GROUP BY 1, 2, 3, 4
               ON CONFLICT (office_id, service_id, step_code, week)
               DO UPDATE SET met = EXCLUDED.met, missed = EXCLUDED.missed"""
        )
        c.execute("ANALYZE requests_app_servicerequest; ANALYZE sla_clock")


def timed(fn, repeat=1):
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), result


def explain_due():
    with connection.cursor() as c:
        c.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM sla_clock "
            "WHERE status = 'running' AND breach_notified_at IS NULL "
            "AND due_at <= now() ORDER BY due_at LIMIT 500"
        )
        plan = c.fetchone()[0][0]
    node = plan["Plan"]
    names = []
    while node:
        names.append(node.get("Index Name") or node["Node Type"])
        node = (node.get("Plans") or [None])[0]
    return plan["Execution Time"], " > ".join(names)


def run(n, due_fraction):
    reset()
    region, branches, sup = offices()
    req = template(branches[0])
    t0 = time.perf_counter()
    clone(req, n, [b.pk for b in branches], due_fraction)
    load = time.perf_counter() - t0
    due = Clock.objects.filter(status="running", due_at__lte=timezone.now()).count()
    query_ms, plan = explain_due()
    sweep_s, result = timed(sla_sweep)
    again_s, again = timed(sla_sweep)
    client = Client()
    client.force_login(sup)
    region_s, resp = timed(lambda: client.get("/staff/dashboard/?weeks=52"), 3)
    assert resp.status_code == 200, resp.status_code
    branch_s, resp = timed(
        lambda: client.get(f"/staff/dashboard/?office={branches[5].code}&weeks=52"), 3
    )
    assert resp.status_code == 200
    outbox = OutboxMessage.objects.filter(event="sla_breached").count()
    print(
        f"| {n:,} | {due:,} | {query_ms:.1f} ms ({plan}) | {sweep_s:.2f} s "
        f"({result.breached:,} escalated, {outbox:,} messages) | {again_s * 1000:.0f} ms "
        f"| {region_s * 1000:.0f} ms | {branch_s * 1000:.0f} ms | {load:.0f} s |",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--due", type=float, default=0.01)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL (DATABASE_URL)")
    call_command("migrate", verbosity=0)
    print("| open requests | due | due query | sweep | 2nd sweep | dashboard, "
          "region (100 branches) | dashboard, one branch | load |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for n in args.open:
        run(n, args.due)


if __name__ == "__main__":
    main()

"""PostgreSQL plans for the tests that check an index serves a query."""

from django.db import connection

PRICED_OUT = ("enable_seqscan", "enable_sort", "enable_bitmapscan")


def plan_without_scans_or_sorts(sql: str, params) -> str:
    """EXPLAIN of the query with sequential scans, sorts and bitmap scans
    priced out: a test table is tiny, so the planner would scan and sort it
    whatever the indexes; priced out, it must find an index that both
    selects the rows and yields their order, or still sort."""
    with connection.cursor() as c:
        for name in PRICED_OUT:
            c.execute(f"SET LOCAL {name} = off")
        c.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in c.fetchall())
        for name in PRICED_OUT:
            c.execute(f"SET LOCAL {name} = on")
    return plan

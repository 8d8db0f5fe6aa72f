"""Every CSV export neutralises cells a spreadsheet would run as formulas
(OWASP "CSV injection"), through one helper."""

import ast
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from core import csv_export

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = ["=cmd|'/C calc'!A0", "+1+1", "@SUM(1+1)", "-2+3", "\t=1", "\r=1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_that_a_spreadsheet_would_run_gets_a_quote_in_front(payload):
    out = io.StringIO()
    csv_export.writer(out).writerow(["ok", payload])
    (row,) = csv.reader(io.StringIO(out.getvalue(), newline=""))
    assert row == ["ok", "'" + payload]


def test_numbers_the_portal_writes_stay_numbers_and_plain_text_is_unchanged():
    out = io.StringIO()
    csv_export.writer(out).writerows(
        [[Decimal("-100.00"), -3, 2.5, None, "B30101", "สมชาย", "a=b", True]]
    )
    (row,) = csv.reader(io.StringIO(out.getvalue()))
    assert row == ["-100.00", "-3", "2.5", "", "B30101", "สมชาย", "a=b", "True"]
    # ... but the text "-100" typed by someone is text, and quoted.
    assert csv_export.safe_cell("-100") == "'-100"


def _project_modules():
    skip = {".venv", "tests", "migrations", "node_modules", "var", "static"}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if not skip & set(rel.parts):
            yield rel, path


def test_no_module_but_the_helper_writes_csv_itself():
    """A new export that calls csv.writer / csv.DictWriter directly (or
    imports them) would skip the neutralising: it fails here."""
    offenders = []
    # CSV that no person opens: the billing import's COPY buffer into a
    # temporary table (neutralising would change the data it carries).
    internal = {Path("bills/importer.py")}
    for rel, path in _project_modules():
        if rel == Path("core/csv_export.py") or rel in internal:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in (
                "writer", "DictWriter",
            ) and isinstance(node.value, ast.Name) and node.value.id == "csv":  # fmt: skip
                offenders.append(f"{rel}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and node.module == "csv":
                offenders.append(f"{rel}:{node.lineno}")
    assert not offenders, f"CSV written without core.csv_export: {offenders}"
    # The exports this was written for do use the helper.
    users = {
        str(rel)
        for rel, path in _project_modules()
        if "csv_export.writer(" in path.read_text(encoding="utf-8")
    }
    assert {"payments/staff_views.py", "sla/views.py"} <= users

"""The README's table of SLA policies is the one the seeded policies give."""

from pathlib import Path

import pytest

from sla.policy_table import markdown

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.django_db
def test_the_readme_lists_every_policy_in_force():
    text = README.read_text(encoding="utf-8")
    section = text.split("### Promised times: the SLA policies", 1)[1]
    section = section.split("\n### ", 1)[0]
    assert markdown() in section, (
        "README's policy table is stale: paste the output of "
        '`DEBUG=true python manage.py shell -c "from sla.policy_table import '
        'markdown; print(markdown())"`'
    )


@pytest.mark.django_db
def test_the_table_has_one_row_per_policy_in_force():
    from requests_app.models import ServiceType
    from sla.clocks import current_policies

    n = sum(len(current_policies(s)) for s in ServiceType.objects.all())
    rows = [line for line in markdown().splitlines() if line.startswith("| ")]
    assert len(rows) == n + 1  # and the header
    assert any("`inspect` v2" in r and "`paid`" in r.split(" | ")[2] for r in rows)

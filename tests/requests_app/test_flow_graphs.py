"""Every machine's graph, exported by django-fsm-2's graph_transitions, is kept
under static/flows/ in step with the code and shown on the staff side."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from requests_app.diagram import EXPORT_DIR, flow_dot, flow_edges
from requests_app.flows import FLOWS

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_the_committed_export_matches_the_machine(flow):
    dot = flow_dot(flow)
    for e in flow_edges(flow):
        assert f'state.{e["source"]}" -> "requests_app.service_request.state.' \
               f'{e["target"]}" [label={e["name"]}]' in dot  # fmt: skip
    committed = (EXPORT_DIR / f"{flow}.dot").read_text(encoding="utf-8")
    assert committed == dot, "run: python manage.py flow_diagram --export"


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_the_svg_draws_every_state_of_the_export(flow):
    svg = (EXPORT_DIR / f"{flow}.svg").read_text(encoding="utf-8")
    labels = re.findall(r'\[label="?([^"\]]+?)"? shape=', flow_dot(flow))
    assert labels
    texts = set(re.findall(r"<text[^>]*>([^<]+)</text>", svg))
    assert set(labels) <= texts
    assert f"static/flows/{flow}.svg" in README.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_staff_see_the_diagram_and_the_table(client, counter):
    client.force_login(counter)
    response = client.get(reverse("staff:flow", args=["meter_test"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/flows/meter_test.svg" in html
    assert "record_test_faulty" in html

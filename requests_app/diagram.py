"""A flow's state graph read from its transitions: as rows for the staff page,
as a Mermaid diagram for the README (renders on the code host as it is), and as
django-fsm-2's graph_transitions export (DOT, rendered to SVG by Graphviz) kept
under static/flows/ for the docs and the staff page."""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django_fsm import GET_STATE
from django_fsm.management.commands.graph_transitions import (
    generate_dot,
    one_fsm_fields_data,
)

from requests_app.flows import FLOWS

EXPORT_DIR = Path(settings.BASE_DIR) / "static" / "flows"


def flow_edges(flow: str) -> list[dict]:
    """Every (source, target, transition) of a flow, sorted, with its label."""
    edges = {}
    for t in FLOWS[flow]().get_all_state_transitions():
        is_dynamic = isinstance(t.target, GET_STATE)
        for target in t.target.allowed_states if is_dynamic else [t.target]:
            key = (str(t.source), str(target), t.name)
            edges[key] = {
                "source": key[0],
                "target": key[1],
                "name": t.name,
                "label": t.custom.get("label", t.name),
                "audience": t.custom.get("audience", ""),
            }
    return [edges[k] for k in sorted(edges)]


def flow_mermaid(flow: str) -> str:
    lines = ["stateDiagram-v2", "    [*] --> submitted"]
    for e in flow_edges(flow):
        lines.append(f"    {e['source']} --> {e['target']}: {e['name']}")
    lines.append("    closed --> [*]")
    return "\n".join(lines)


def flow_dot(flow: str) -> str:
    """The flow as django-fsm-2's graph_transitions draws it (English labels).
    The library builds its edges from sets, so lines come out in any order:
    they are sorted here to make the export stable."""
    with translation.override("en"):
        source = generate_dot([one_fsm_fields_data(FLOWS[flow], "state")]).source
    source = source.replace(
        'label="requests_app.ServiceRequest.state"',
        f'label="{FLOWS[flow].__name__} ({flow})"',
    )
    lines = source.strip().splitlines()
    head, body, tail = lines[:2], lines[2:-2], lines[-2:]
    return "\n".join(head + sorted(body) + tail) + "\n"


def flow_export(flow: str, directory: Path = EXPORT_DIR) -> list[Path]:
    """Write <flow>.dot and, when Graphviz's `dot` is installed, <flow>.svg."""
    directory.mkdir(parents=True, exist_ok=True)
    dot_path = directory / f"{flow}.dot"
    dot_path.write_text(flow_dot(flow), encoding="utf-8")
    written = [dot_path]
    if shutil.which("dot"):
        svg_path = directory / f"{flow}.svg"
        subprocess.run(["dot", "-Tsvg", str(dot_path), "-o", str(svg_path)], check=True)
        written.append(svg_path)
    return written

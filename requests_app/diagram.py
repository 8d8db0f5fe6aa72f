"""A flow's state graph read from its transitions: as rows for the staff page,
and as a Mermaid diagram for the README (django-fsm's graph_transitions needs
graphviz; Mermaid renders on the code host as it is)."""

from django_fsm import GET_STATE

from requests_app.flows import FLOWS


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

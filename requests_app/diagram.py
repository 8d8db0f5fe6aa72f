"""A Mermaid state diagram of a flow, read from its transitions (django-fsm's
graph_transitions needs graphviz; Mermaid renders in the README as it is)."""

from django_fsm import GET_STATE

from requests_app.flows import FLOWS


def flow_mermaid(flow: str) -> str:
    cls = FLOWS[flow]
    edges = set()
    for t in cls().get_all_state_transitions():
        targets = (
            t.target.allowed_states if isinstance(t.target, GET_STATE) else [t.target]
        )
        for target in targets:
            edges.add((str(t.source), str(target), t.name))
    lines = ["stateDiagram-v2", "    [*] --> submitted"]
    for source, target, name in sorted(edges):
        lines.append(f"    {source} --> {target}: {name}")
    lines.append("    closed --> [*]")
    return "\n".join(lines)

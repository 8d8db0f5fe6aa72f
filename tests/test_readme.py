from pathlib import Path

from requests_app.diagram import flow_mermaid
from requests_app.flows import FLOWS

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_opens_with_the_two_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1 : lines.index("```")]
    assert [line.split("#")[0].strip() for line in block] == [
        "bash scripts/demo.sh",
        "bash scripts/test.sh",
    ]


def test_readme_holds_the_current_diagram_of_every_flow():
    text = README.read_text(encoding="utf-8")
    for flow in FLOWS:
        assert f"```mermaid\n{flow_mermaid(flow)}\n```" in text, flow

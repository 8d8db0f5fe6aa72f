from pathlib import Path

from requests_app.diagram import flow_mermaid

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_opens_with_the_two_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1 : lines.index("```")]
    assert [line.split("#")[0].strip() for line in block] == [
        "bash scripts/demo.sh",
        "bash scripts/test.sh",
    ]


def test_readme_state_diagram_matches_the_flow():
    assert flow_mermaid("new_connection") in README.read_text(encoding="utf-8")

"""Printable documents rendered as on a bare machine: in a process of their own
whose fontconfig knows DejaVu alone, no Thai face (the machine's fonts-thai-tlwg
is out of sight). Pango reads fontconfig's configuration once per process, so
FONTCONFIG_FILE cannot be changed for the test process itself: a child process
started with it renders, the test process builds the HTML (from its test
database) and checks the PDF. DejaVu stays: with no font at all Pango crashes.

    renderer = BareFontsRenderer(tmp_folder)
    pdf, warnings = renderer.render(receipt_document(receipt, copy=False))

The child (`python -m tests.bare_fonts`) reads one JSON request a line on stdin
and answers one JSON line on the original stdout: the PDF in base64 and the
warnings WeasyPrint logged while rendering it (".notdef glyph rendered" for a
character no font has).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
BASE_DIR = Path(__file__).resolve().parent.parent

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


class BareFontsRenderer:
    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.fonts_conf = folder / "fonts.conf"
        self.fonts_conf.write_text(
            FONTS_CONF.format(fonts=DEJAVU, cache=folder / "fontconfig-cache")
        )
        self._stderr = (folder / "renderer.log").open("w+b")
        env = {
            **os.environ,
            "FONTCONFIG_FILE": str(self.fonts_conf),
            "DJANGO_SETTINGS_MODULE": "pea_portal.settings",
        }
        env.pop("FONTCONFIG_PATH", None)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.bare_fonts"],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )

    def render(self, document) -> tuple[bytes, list[str]]:
        """The PDF of a payments.pdf.PrintDocument, and WeasyPrint's warnings."""
        request = {"html": document.html, "stylesheets": list(document.stylesheets)}
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            self._stderr.seek(0)
            log = self._stderr.read().decode(errors="replace")[-4000:]
            raise RuntimeError(f"the bare-fonts renderer died:\n{log}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the bare-fonts renderer failed:\n{answer['error']}")
        return base64.b64decode(answer["pdf"]), answer["warnings"]

    def close(self) -> None:
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._stderr.close()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def main() -> None:
    import traceback

    # The answers go to the original stdout; anything else that writes to
    # stdout (a C library, a stray print) goes to stderr instead.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    assert os.environ.get("FONTCONFIG_FILE"), "started without FONTCONFIG_FILE"

    import django

    django.setup()
    from payments.pdf import html_to_pdf

    collect = _Collect()
    logging.getLogger("weasyprint").addHandler(collect)
    for line in sys.stdin:
        request = json.loads(line)
        collect.messages = []
        try:
            data = html_to_pdf(request["html"], stylesheets=request["stylesheets"])
        except Exception:
            answer = {"error": traceback.format_exc()}
        else:
            answer = {
                "pdf": base64.b64encode(data).decode(),
                "warnings": collect.messages,
            }
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()

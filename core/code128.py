"""Code 128 barcodes as inline SVG (no image library, no CDN): for pages and PDFs.

python-barcode (requirements.txt) encodes the text: it chooses the code sets
(A for the carriage returns of a bill-payment line, C for runs of digits), adds
the check symbol and the stop pattern, and lays the bars out; the writer here
only draws what it lays out, as one SVG path. python-barcode's own SVGWriter is
not used: it draws a <rect> per bar, sized in millimetres and painted with
style="fill:..." attributes, which the Content-Security-Policy (style-src
'self') refuses on a page, and without a viewBox, so CSS cannot scale it.

The drawing's unit is one module (the narrowest bar), with the 10-module quiet
zone Code 128 requires on each side; `module_mm` sets the printed size."""

from __future__ import annotations

from barcode.codex import Code128
from barcode.writer import BaseWriter
from django.utils.html import escape

QUIET_ZONE = 10  # modules, each side (ISO/IEC 15417)


class _PathWriter(BaseWriter):
    """A python-barcode writer that collects the bars as one SVG path."""

    def __init__(self) -> None:
        super().__init__(self._start, self._paint, None, self._finish)
        self._bars: list[str] = []
        self._size = (0.0, 0.0)

    def _start(self, code: list[str]) -> None:
        self._bars = []
        self._size = self.calculate_size(len(code[0]), 1)

    def _paint(self, xpos: float, ypos: float, width: float, color: str) -> None:
        if color == self.foreground:
            self._bars.append(
                f"M{xpos:g} {ypos:g}h{width:g}v{self.module_height:g}h-{width:g}z"
            )

    def _finish(self) -> tuple[tuple[float, float], str]:
        return self._size, "".join(self._bars)


def code128_svg(
    data: str, *, height: int = 48, module_mm: float = 0.25, label: str = ""
) -> str:
    """`data` as a Code 128 barcode: an <svg> of `height` modules' bars (48 at
    0.25 mm: 12 mm), `module_mm` millimetres a module when printed, white
    behind. With a `label`, the SVG is an image of that name (role="img")."""
    writer = _PathWriter()
    (width, total), path = Code128(data, writer=writer).render(
        {
            "module_width": 1,
            "module_height": height,
            "quiet_zone": QUIET_ZONE,
            "margin_top": 0,
            "margin_bottom": 0,
            "write_text": False,
        }
    )
    name = (
        f' role="img" aria-label="{escape(label)}"' if label else ' aria-hidden="true"'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="code128"{name}'
        f' viewBox="0 0 {width:g} {total:g}"'
        f' width="{width * module_mm:g}mm" height="{total * module_mm:g}mm"'
        ' shape-rendering="crispEdges">'
        f'<rect width="{width:g}" height="{total:g}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )

"""WeasyPrint rendering of the printable documents: receipts, invoices and refund
vouchers (templates/payments/*_pdf.html, styled by static/css/pdf/*.css).

A worker renders page after page, so each thread keeps what WeasyPrint would
otherwise build again for every page (issue 8, bench/README.md): one
FontConfiguration (a fontconfig/Pango font map: about 2.5 ms to create, and each
font face loaded again in it), and the stylesheets, parsed once. QR codes are a
small PNG: as an SVG path of one square a module, WeasyPrint spent about 20 ms a
page reading and drawing it. And the cyclic garbage collector waits while a
page is laid out (see _no_collection).

The stylesheets are read once per thread: restart the worker after editing them.
"""

from __future__ import annotations

import base64
import gc
import io
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from django.conf import settings
from django.contrib.staticfiles import finders

_local = threading.local()


def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    # Per thread: a Pango font map is not to be shared between threads.
    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
        _local.stylesheets = {}
    return _local.font_config


def _stylesheet(name: str):
    from weasyprint import CSS

    font_config = _font_config()
    sheet = _local.stylesheets.get(name)
    if sheet is None:
        path = finders.find(f"css/pdf/{name}.css")
        if path is None:
            raise FileNotFoundError(f"static/css/pdf/{name}.css")
        sheet = _local.stylesheets[name] = CSS(filename=path, font_config=font_config)
    return sheet


@contextmanager
def _no_collection() -> Iterator[None]:
    """WeasyPrint builds a page out of some 100,000 objects, many in reference
    cycles. Collected while the page is being built, they are walked again and
    again while still alive and moved to the older generations, which then
    fills them: about one page in twenty paid for a full collection (90 ms on
    the bench machine). Collected once the page is done, they are garbage and
    go in one pass. Another thread's collections wait as long (tens of ms)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class PrintDocument(NamedTuple):
    """A printable document before rendering: its HTML and the names of its
    stylesheets (static/css/pdf/<name>.css), for html_to_pdf."""

    html: str
    stylesheets: tuple[str, ...]


def document_to_pdf(document: PrintDocument) -> bytes:
    return html_to_pdf(document.html, stylesheets=document.stylesheets)


def html_to_pdf(html: str, *, stylesheets: Sequence[str]) -> bytes:
    """The PDF of `html`, styled by static/css/pdf/<name>.css for each name, in
    order (the templates carry no <style> of their own)."""
    from weasyprint import HTML

    sheets = [_stylesheet(name) for name in stylesheets]
    with _no_collection():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            stylesheets=sheets, font_config=_font_config()
        )


def qr_png_uri(data: str) -> str:
    """A QR code (error correction M, 4-module quiet zone: the same code as
    core.qr.qr_svg) as a data: URI of a grey PNG, 8 pixels a module, drawn
    without smoothing (image-rendering: pixelated). At one pixel a module,
    viewers that smooth an image scaled up less than 4 times (poppler) blur it;
    at 8 it rasterises like the vector code it replaces."""
    import qrcode
    from PIL import Image

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.new("L", (size, size))
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    image = image.resize((size * 8, size * 8), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()

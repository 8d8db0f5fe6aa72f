"""Checks on uploaded documents, and how stored files go back out.

The portal asks for PDF, JPEG or PNG files only (the forms say so and the
models store nothing else). A file is judged by its content, never by its
name: magic bytes first, then the structure of the format, then what may be
hidden inside it (archives, markup, PDF scripts and actions). The name is only
a label; files are stored under a name of ours (requests_app.models
`_document_path`), so the name cannot choose a path, but a name that carries
control characters or claims another kind of file is refused.

Web forms, the REST API, the counter and the services all call
`validate_upload`, so the rules are the same everywhere."""

import io
import json
import re
import unicodedata
import warnings
import zlib
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from requests_app.pdfscan import ACTIVE, UNREADABLE, pdf_hidden_content

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)

# The last extension of the name, when it has one, must be one of these. A
# JPEG named .pdf is tolerated (the content decides, and we serve it as the
# JPEG it is); `deed.pdf.exe` or `id.jpg.php` is not.
ALLOWED_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "jpe", "jfif", "png"})

# Largest picture accepted. A 600 dpi A4 scan is 35 MP and phone cameras take
# 12 to 50 MP; a decompression bomb declares billions. Whoever opens the file
# (staff's viewer, our thumbnails one day) allocates for what is declared.
MAX_IMAGE_PIXELS = 50_000_000

# Bytes decoded from a PDF's streams while looking for scripts: far
# more than any real document needs, far less than a PDF "zip bomb" gives.
_PDF_INFLATE_BUDGET = 32 * 1024 * 1024

# Characters refused in a name: C0/C1 controls (NUL, CR, LF …), the bidi
# overrides that make `evil<U+202E>fdp.exe` read as `evilexe.pdf`, and path
# separators.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

# Markup a browser or a server-side interpreter would act on. Anywhere in the
# file: only long markers (random bytes of a photo never spell them).
_MARKUP_ANYWHERE = re.compile(
    rb"<(?:script|html|iframe)[\s/>]|<\?php|<!doctype\s+html", re.IGNORECASE
)
# In the first KB, where old browsers sniffed for HTML: the wider list.
_MARKUP_HEAD = re.compile(
    rb"<(?:script|html|iframe|svg|body|head|meta|link|style|title|object|embed"
    rb"|form|frameset|applet|base|img|div|table|font)[\s/>]|<\?php|<!doctype|<!--",
    re.IGNORECASE,
)

# Archives other programs find inside a file of another type (RAR and 7-Zip
# look for their signature anywhere; ZIP readers for the end record at the
# end). A ZIP end record is only within 64 KB (its comment) of the end.
_ARCHIVE_ANYWHERE = (
    b"Rar!\x1a\x07\x00",
    b"Rar!\x1a\x07\x01\x00",
    b"7z\xbc\xaf\x27\x1c",
)
_ZIP_END = b"PK\x05\x06"
_ZIP_END_WINDOW = 22 + 0xFFFF

# PDF actions and features that run or carry something: scripts, launching a
# program, attached files, forms that post data away, multimedia, links that
# open other files. /OpenAction and /AA only say *when* an action runs; the
# action itself is one of these, so a PDF that opens at page 1 is accepted.
_PDF_ACTIVE_NAMES = (
    "JavaScript",
    "Launch",
    "EmbeddedFile",
    "EmbeddedFiles",
    "FileAttachment",
    "RichMedia",
    "XFA",
    "SubmitForm",
    "ImportData",
    "GoToE",
    "GoToR",
    "Rendition",
    "Movie",
    "Sound",
)
_PDF_NAME_END = rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|\Z)"


def _pdf_name_pattern(name: str) -> bytes:
    # In a PDF name any character may be written #xx (`/J#61vaScript`).
    parts = []
    for char in name:
        hi, lo = f"{ord(char):02x}"
        hexed = f"#{hi}[{lo}{lo.upper()}]" if lo.isalpha() else f"#{hi}{lo}"
        parts.append(f"(?:{re.escape(char)}|{hexed})")
    return ("/" + "".join(parts)).encode()


_PDF_ACTIVE = re.compile(
    b"(?:"
    + b"|".join(_pdf_name_pattern(n) for n in _PDF_ACTIVE_NAMES)
    + b")"
    + _PDF_NAME_END
)
_PDF_ENCRYPTED = re.compile(_pdf_name_pattern("Encrypt") + _PDF_NAME_END)

_JPEG_SOF = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)


# The messages the browser repeats before sending a file (browser_check_attrs,
# static/js/upload_check.js): one text for both, so they never differ.
BAD_NAME = gettext_lazy(
    "“%(name)s” has characters that are not allowed in a file name. "
    "Rename the file and try again."
)
TOO_LARGE = gettext_lazy(
    "“%(name)s” is %(size)s; the largest file accepted is %(limit)s."
)
EMPTY = gettext_lazy("“%(name)s” is empty.")
BAD_EXTENSION = gettext_lazy(
    "“%(name)s” is named as a “.%(extension)s” file. Only PDF, JPEG or "
    "PNG files (.pdf, .jpg, .jpeg, .png) are accepted."
)
BAD_TYPE = gettext_lazy(
    "“%(name)s” is not a PDF, JPEG or PNG file (its content was checked, not its name)."
)

# What a file input offers to choose (its accept attribute).
ACCEPT = ",".join(
    [f".{ext}" for ext in sorted(ALLOWED_EXTENSIONS)]
    + [content_type for _magic, content_type in _SIGNATURES]
)


def sniff_content_type(head: bytes) -> str | None:
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def validate_upload(uploaded) -> str:
    """Return the content type of an acceptable upload or raise ValidationError.

    Leaves the upload at its start, ready to be stored."""
    name = str(uploaded.name or "")
    label = _label(name)
    if not name.strip(" .") or any(
        c in "/\\" or c in _BIDI_CONTROLS or unicodedata.category(c) == "Cc"
        for c in name
    ):
        raise ValidationError(BAD_NAME % {"name": label}, code="bad_name")
    limit = settings.DOCUMENT_MAX_BYTES
    size = _size(uploaded)
    if size > limit:
        raise _too_large(label, size, limit)
    if size == 0:
        raise ValidationError(EMPTY % {"name": label}, code="empty")
    extension = _extension(name)
    if extension is not None and extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            BAD_EXTENSION % {"name": label, "extension": extension},
            code="bad_extension",
        )
    uploaded.seek(0)
    data = uploaded.read(limit + 1)  # never more than the limit in memory
    uploaded.seek(0)
    if len(data) > limit:  # the file was larger than it said
        raise _too_large(label, len(data), limit)
    if not data:
        raise ValidationError(EMPTY % {"name": label}, code="empty")
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise ValidationError(BAD_TYPE % {"name": label}, code="bad_type")
    if content_type == "application/pdf":
        _check_pdf_ending(data, label)
    if _MARKUP_HEAD.search(data, 0, 1024) or _MARKUP_ANYWHERE.search(data):
        raise ValidationError(
            _(
                "“%(name)s” contains web page or script code. Only plain PDF, JPEG "
                "or PNG files are accepted."
            )
            % {"name": label},
            code="active_content",
        )
    if _has_hidden_archive(data):
        raise ValidationError(
            _(
                "“%(name)s” has another file (an archive) hidden inside it. Only "
                "plain PDF, JPEG or PNG files are accepted."
            )
            % {"name": label},
            code="hidden_content",
        )
    if content_type == "application/pdf":
        _check_pdf_content(data, label)
    else:
        _check_image(data, content_type, label)
    return content_type


def _size(uploaded) -> int:
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, io.SEEK_END)
        size = uploaded.tell()
        uploaded.seek(0)
    return size


def _label(name: str) -> str:
    """The name as shown back in a message: no invisible characters, not
    longer than a line."""
    text = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    return text if len(text) <= 80 else f"{text[:50]}…{text[-25:]}"


def _extension(name: str) -> str | None:
    """The last extension, as Windows would read it (trailing dots and spaces
    dropped); None when the name has none (`scan v1.2` has none)."""
    stem, dot, ext = name.rstrip(" .").rpartition(".")
    if dot and re.fullmatch(r"[A-Za-z0-9]{1,10}", ext) and not ext.isdigit():
        return ext.lower()
    return None


def _too_large(label: str, size: int, limit: int) -> ValidationError:
    return ValidationError(
        TOO_LARGE
        % {
            "name": label,
            "size": filesizeformat(size),
            "limit": filesizeformat(limit),
        },
        code="too_large",
    )


def _has_hidden_archive(data: bytes) -> bool:
    if any(sig in data for sig in _ARCHIVE_ANYWHERE):
        return True
    start = max(0, len(data) - _ZIP_END_WINDOW)
    at = data.find(_ZIP_END, start)
    while at != -1:
        record = data[at : at + 22]
        if len(record) == 22:
            disk, cd_disk = (
                int.from_bytes(record[4:6], "little"),
                int.from_bytes(record[6:8], "little"),
            )
            here, total = record[8:10], record[10:12]
            # A real end record (single disk, or ZIP64's 0xFFFF): random bytes
            # of a photo do not line up like this.
            if disk in (0, 0xFFFF) and cd_disk in (0, 0xFFFF) and here == total:
                return True
        at = data.find(_ZIP_END, at + 1)
    return False


def browser_check_attrs() -> dict[str, str]:
    """The attributes of a document's file input that let the browser refuse,
    before sending it, a file `validate_upload` would refuse for its name,
    size or type (static/js/upload_check.js): the limit, the extensions and
    signatures accepted, and the server's own messages in the active language
    with {name}, {size} and {extension} left for the script, which writes
    sizes as Django's filesizeformat does (the units below)."""
    limit = settings.DOCUMENT_MAX_BYTES
    holes = {
        "name": "{name}",
        "size": "{size}",
        "extension": "{extension}",
        "limit": filesizeformat(limit),
    }
    # The units as django.template.defaultfilters.filesizeformat translates
    # them, from Django's own catalogue (not literals here, so our catalogue
    # does not take them over), each placeholder given back as {n}.
    one, other = "%(size)d byte", "%(size)d bytes"
    units = {"byte": ngettext(one, other, 1), "bytes": ngettext(one, other, 2)}
    for unit in ("KB", "MB", "GB", "TB", "PB"):
        units[unit] = _(f"%s {unit}")
    units = {
        k: v.replace("%(size)d", "{n}").replace("%s", "{n}") for k, v in units.items()
    }
    return {
        "accept": ACCEPT,
        "data-upload-check": "",
        "data-max-bytes": str(limit),
        "data-extensions": " ".join(sorted(ALLOWED_EXTENSIONS)),
        "data-signatures": " ".join(magic.hex() for magic, _type in _SIGNATURES),
        "data-size-units": json.dumps(units, ensure_ascii=False),
        "data-decimal-separator": get_format("DECIMAL_SEPARATOR"),
        "data-msg-bad-name": BAD_NAME % holes,
        "data-msg-too-large": TOO_LARGE % holes,
        "data-msg-empty": EMPTY % holes,
        "data-msg-bad-extension": BAD_EXTENSION % holes,
        "data-msg-bad-type": BAD_TYPE % holes,
        "data-msg-clear": _("Remove this file"),
    }


# PDF ----------------------------------------------------------------------------------


def _bad_pdf(label: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a complete PDF file.") % {"name": label}, code="bad_pdf"
    )


def _check_pdf_ending(data: bytes, label: str) -> None:
    if not re.match(rb"%PDF-\d\.\d", data) or b"%%EOF" not in data[-1024:]:
        raise _bad_pdf(label)


def _check_pdf_content(data: bytes, label: str) -> None:
    active = ValidationError(
        _(
            "“%(name)s” contains scripts, automatic actions or attached files. "
            "Only plain PDF documents are accepted: print it to a new PDF or scan "
            "it, then try again."
        )
        % {"name": label},
        code="pdf_active",
    )
    unreadable = ValidationError(
        _(
            "“%(name)s” could not be checked. Save it again as a PDF (for "
            "example with “Print to PDF”) and try again."
        )
        % {"name": label},
        code="pdf_unreadable",
    )
    if _PDF_ACTIVE.search(data):
        raise active
    if _PDF_ENCRYPTED.search(data):  # its streams cannot be read without the key
        raise unreadable
    # Objects may also sit compressed in object streams, their filters named
    # by reference: every stream is decoded as a reader would (pdfscan).
    outcome = pdf_hidden_content(data, active=_PDF_ACTIVE, budget=_PDF_INFLATE_BUDGET)
    if outcome == ACTIVE:
        raise active
    if outcome == UNREADABLE:
        raise unreadable


# Images -------------------------------------------------------------------------------


def _check_image(data: bytes, content_type: str, label: str) -> None:
    kind = "PNG" if content_type == "image/png" else "JPEG"
    bad = ValidationError(
        _("“%(name)s” is not a complete %(kind)s image.")
        % {"name": label, "kind": kind},
        code="bad_image",
    )
    size = _png_size(data) if kind == "PNG" else _jpeg_size(data)
    if size is None:
        raise bad
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _(
                "“%(name)s” is %(width)s × %(height)s pixels; the largest picture "
                "accepted is %(limit)s megapixels. Make it smaller and try again."
            )
            % {
                "name": label,
                "width": width,
                "height": height,
                "limit": MAX_IMAGE_PIXELS // 1_000_000,
            },
            code="too_many_pixels",
        )
    # A second opinion from Pillow (a WeasyPrint dependency) when it is there:
    # it reads the headers only; nothing is decoded.
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with WeasyPrint
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                if image.size != (width, height):
                    raise bad
                image.verify()
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many kinds on a broken file
        raise bad from exc


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG whose chunks are whole, their CRCs right,
    IHDR first and IEND reached; None otherwise. Bytes after IEND are left
    to the archive and markup checks."""
    view = memoryview(data)
    pos, size, seen_data = 8, None, False
    while True:
        if pos + 12 > len(data):
            return None
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            return None
        crc = int.from_bytes(data[end - 4 : end], "big")
        if zlib.crc32(view[pos + 8 : end - 4], zlib.crc32(kind)) != crc:
            return None
        if size is None:
            if kind != b"IHDR" or length != 13:
                return None
            size = (
                int.from_bytes(data[pos + 8 : pos + 12], "big"),
                int.from_bytes(data[pos + 12 : pos + 16], "big"),
            )
            if 0 in size:
                return None
        seen_data = seen_data or kind == b"IDAT"
        pos = end
        if kind == b"IEND":
            return size if seen_data else None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a JPEG whose segments are whole, with a frame
    header before its scans and an EOI marker ending them; None otherwise.
    Bytes after EOI (a phone's second picture or motion-photo video) are left
    to the archive and markup checks."""
    n, pos, size = len(data), 2, None
    while True:
        if pos >= n or data[pos] != 0xFF:
            return None
        while pos < n and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= n:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            return size
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # no length
            continue
        if marker in (0x00, 0xD8) or pos + 2 > n:
            return None
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > n:
            return None
        if marker in _JPEG_SOF:
            if length < 8:
                return None
            height = int.from_bytes(data[pos + 3 : pos + 5], "big")
            width = int.from_bytes(data[pos + 5 : pos + 7], "big")
            if not width or not height:
                return None
            size = (width, height)
        pos += length
        if marker == 0xDA:  # start of scan: entropy-coded data up to a marker
            if size is None:
                return None
            while True:
                pos = data.find(b"\xff", pos)
                if pos == -1 or pos + 1 >= n:
                    return None
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2  # stuffed byte or restart marker
                elif following == 0xFF:
                    pos += 1
                else:
                    break


# Downloads ----------------------------------------------------------------------------


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition header (RFC 6266) for a name of ours: plain ASCII
    as `filename="…"`; anything else as an ASCII stand-in plus the UTF-8 name
    in `filename*` (Thai names). Quotes, separators and control characters
    never reach the header, whatever the name holds."""
    kind = "inline" if inline else "attachment"
    name = "".join(
        "_" if c in '/\\"' else c
        for c in filename
        if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp")
    ).strip(" .")
    name = name[-150:] or "download"
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_.") or "download"
    if fallback == name:
        return f'{kind}; filename="{name}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# What a browser may show in place rather than download: the types uploads are
# checked to be, and nothing else (never HTML, SVG or text).
INLINE_CONTENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def file_response(
    file, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    """A stored file as a private download: the type we validated (never one
    guessed from a name), no sniffing, no caching anywhere, a safe name."""
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""What a PDF could hide from a scan of its raw bytes (issue 15).

requests_app.documents scans the raw bytes of an uploaded PDF for the names
of active features (/JavaScript, /Launch …). Objects may also sit compressed
in object streams, and what a stream holds is only known once the stream is
decoded the way a reader decodes it: by its /Filter and /DecodeParms, which
may be indirect (`/Filter 6 0 R`, object 6 being `/FlateDecode`, possibly
itself inside another object stream), arrays of filters, abbreviations
(`/Fl`, pdf.js reads them on any stream), predictors that turn text into
differences between rows.

So every stream is decoded as a reader would, and its decoded bytes scanned,
except an image's pixels: a stream that is an image XObject (/Subtype /Image,
or /Width and /Height) and cannot be an object stream (no /N, no /First, not
/Type /ObjStm; a reader cannot parse objects out of a stream without them)
holds no objects, so it is not decoded, whatever its filter (scanners write
DCT, JBIG2 or CCITT images; Flate images of screenshots are pixels too).

Filters decoded: FlateDecode (with PNG and TIFF predictors), ASCIIHexDecode,
ASCII85Decode, RunLengthDecode: every writer of this century uses Flate, and
the ASCII and run-length ones are a few lines each. Refused on a stream that
is not an image: LZWDecode (replaced by Flate in PDF 1.2, 1996; patents),
the image-only filters (DCT, JPX, JBIG2, CCITTFax: no writer puts objects or
page content through them), Crypt and encrypted files (the bytes cannot be
read without the key) and any name no reader knows. Refused too: a reference
that resolves to nothing or to two different objects, a filter chain deeper
than readers allow, a decoded total over the budget (a "zip bomb"). Whatever
cannot be decoded cannot be checked, so it is refused: the customer is asked
to print the document to a new PDF, which gives one a reader can check."""

import base64
import re
import zlib
from typing import NamedTuple

ACTIVE = "active"
UNREADABLE = "unreadable"

_WHITESPACE = frozenset(b"\x00\t\n\x0c\r ")
_DELIMITERS = frozenset(b"()<>[]{}/%")
_REGULAR_END = _WHITESPACE | _DELIMITERS
_LETTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_WORD = _LETTERS | frozenset(b"0123456789_")
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
_INTEGER = re.compile(rb"\d+")
_REF_TAIL = re.compile(rb"[\x00\t\n\x0c\r ]+(\d+)[\x00\t\n\x0c\r ]+R")
_OBJECT_NUMBER = re.compile(
    rb"(\d{1,10})[\x00\t\n\x0c\r ]+(\d{1,5})[\x00\t\n\x0c\r ]*\Z"
)
_REGULAR = re.compile(rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]*")
_SPACE = re.compile(rb"(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STRING_STOP = re.compile(rb"[()\\]")
_STREAM_EOL = re.compile(rb"[ \t]*(?:\r\n|\n|\r)?")
_OBJ = re.compile(rb"obj")

# Full names; pdf.js also takes the inline-image abbreviations on any stream.
_FILTER_NAMES = {
    "Fl": "FlateDecode",
    "AHx": "ASCIIHexDecode",
    "A85": "ASCII85Decode",
    "LZW": "LZWDecode",
    "RL": "RunLengthDecode",
    "CCF": "CCITTFaxDecode",
    "DCT": "DCTDecode",
}
_DECODED = frozenset(
    {"FlateDecode", "ASCIIHexDecode", "ASCII85Decode", "RunLengthDecode"}
)
_IMAGE_FILTERS = (
    frozenset({"DCTDecode", "JPXDecode", "JBIG2Decode", "CCITTFaxDecode", "LZWDecode"})
    | _DECODED
)
_MAX_FILTERS = 8  # readers stop long before; a chain is a trick
_MAX_DEPTH = 64  # nesting of arrays and dictionaries
_MAX_REF_HOPS = 8
# More `obj` than a document of 5 MB holds (each costs some µs to look at).
_MAX_OBJECTS = 30_000
_MAX_OBJECT = 1024 * 1024  # one dictionary or object; a page tree of 50 000 pages
_PREDICTOR = ("Predictor", "Colors", "BitsPerComponent", "Columns")
_PREDICT_BUDGET = 4 * 1024 * 1024
# How far after an `obj` this parser could not read a `stream` keyword is
# looked for (a lenient reader might read that dictionary).
_FALLBACK_WINDOW = 64 * 1024


class Ref(NamedTuple):
    number: int
    generation: int


class Name(str):
    """A PDF name, #xx escapes decoded (`/J#61vaScript` is /JavaScript)."""


class _Keyword(str):
    """true, false, null or a word no parser knows."""


NULL = _Keyword("null")
_AMBIGUOUS = object()  # a key or object written twice: readers differ on which counts
_MISSING = object()


class _Unparsable(Exception):
    pass


class _Unresolved(Exception):
    """A reference to an object not found yet (it may be in an object stream
    not decoded yet)."""


class Refused(Exception):
    def __init__(self, outcome: str):
        super().__init__(outcome)
        self.outcome = outcome


class _Parser:
    """Just enough of the PDF syntax to read dictionaries and the objects
    they refer to. `work` (bytes looked at) is shared by every parse of one
    file, so hostile bytes cannot make the scan quadratic."""

    def __init__(self, data: bytes, work: list[int]):
        self.data, self.work, self.reach, self.end = data, work, 0, len(data)

    def charge(self, amount: int) -> None:
        self.work[0] -= amount
        if self.work[0] < 0:
            raise Refused(UNREADABLE)

    def parse(self, pos: int) -> tuple[object, int]:
        self.reach, self.end = pos, min(len(self.data), pos + _MAX_OBJECT)
        try:
            value, end = self._value(pos, 0)
        finally:
            self.charge(self.reach - pos + 1)
        return value, end

    def skip(self, pos: int) -> int:
        """Past whitespace and % comments."""
        pos = _SPACE.match(self.data, pos, self.end).end()
        if pos > self.reach:
            self.reach = pos
        return pos

    def _value(self, pos: int, depth: int) -> tuple[object, int]:
        if depth > _MAX_DEPTH:
            raise _Unparsable
        data = self.data
        pos = self.skip(pos)
        if pos >= self.end:
            raise _Unparsable
        c = data[pos]
        if c == 0x2F:  # /
            return self._name(pos + 1)
        if c == 0x3C and data[pos + 1 : pos + 2] == b"<":
            return self._dictionary(pos + 2, depth)
        if c == 0x3C:  # <hex string>
            end = data.find(b">", pos, self.end)
            self.reach = max(self.reach, end if end != -1 else self.end)
            if end == -1:
                raise _Unparsable
            return data[pos + 1 : end], end + 1
        if c == 0x5B:  # [
            items, pos = [], pos + 1
            while True:
                pos = self.skip(pos)
                if pos >= self.end:
                    raise _Unparsable
                if data[pos] == 0x5D:
                    return items, pos + 1
                item, pos = self._value(pos, depth + 1)
                items.append(item)
        if c == 0x28:  # (
            return self._string(pos + 1)
        number = _NUMBER.match(data, pos)
        if number:
            end = number.end()
            if data[pos] in b"+-." or b"." in number.group():
                return float(number.group()), end
            ref = _REF_TAIL.match(data, end)
            if ref and (ref.end() == len(data) or data[ref.end()] in _REGULAR_END):
                return Ref(int(number.group()), int(ref.group(1))), ref.end()
            return int(number.group()), end
        end = _REGULAR.match(data, pos, self.end).end()
        if end == pos:  # a stray ) > ] { }: a keyword of its own, as readers take it
            end += 1
        self.reach = max(self.reach, end)
        return _Keyword(data[pos:end].decode("latin-1")), end

    def _name(self, pos: int) -> tuple[Name, int]:
        end = _REGULAR.match(self.data, pos, self.end).end()
        self.reach = max(self.reach, end)
        raw = self.data[pos:end]
        if b"#" in raw:
            raw = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        return Name(raw.decode("latin-1")), end

    def _dictionary(self, pos: int, depth: int) -> tuple[dict, int]:
        data, entries = self.data, {}
        while True:
            pos = self.skip(pos)
            if data[pos : pos + 2] == b">>":
                return entries, pos + 2
            if pos >= self.end or data[pos] != 0x2F:
                raise _Unparsable
            key, pos = self._name(pos + 1)
            value, pos = self._value(pos, depth + 1)
            entries[key] = _AMBIGUOUS if key in entries else value

    def _string(self, pos: int) -> tuple[bytes, int]:
        data, start, nesting = self.data, pos, 1
        while True:
            stop = _STRING_STOP.search(data, pos, self.end)
            if stop is None:
                self.reach = self.end
                raise _Unparsable
            pos = stop.end()
            self.reach = max(self.reach, pos)
            char = stop.group()
            if char == b"\\":
                pos += 1
            elif char == b"(":
                nesting += 1
            else:
                nesting -= 1
                if not nesting:
                    return data[start : pos - 1], pos


class _Stream(NamedTuple):
    dictionary: dict
    start: int  # first byte of the data


class _Scan:
    def __init__(self, data: bytes, active: re.Pattern, budget: int):
        self.data, self.active, self.budget = data, active, budget
        self.parser = _Parser(data, [2 * len(data) + (1 << 20)])
        self.objects: dict[Ref, object] = {}
        self.predicted = 0
        self.streams: list[_Stream] = []

    # Finding objects --------------------------------------------------------------

    def read_objects(self) -> None:
        """Every `N G obj` of the file, wherever it stands (inside another
        stream's data too: a reader following the cross-reference table
        goes where it points, not where a scan thinks an object ends)."""
        data, seen = self.data, 0
        for token in _OBJ.finditer(data):
            at, after = token.start(), token.end()
            seen += 1
            if seen > _MAX_OBJECTS:
                raise Refused(UNREADABLE)
            if (at and data[at - 1] in _LETTERS) or (
                after < len(data) and data[after] in _WORD
            ):
                continue  # endobj, objects
            number = _OBJECT_NUMBER.search(data, max(0, at - 20), at)
            key = Ref(int(number.group(1)), int(number.group(2))) if number else None
            try:
                value, end = self.parser.parse(after)
            except _Unparsable:
                # Random bytes spelling "obj" — unless a stream follows that
                # this parser could not read and a lenient reader might.
                window = min(len(data), after + _FALLBACK_WINDOW)
                self.parser.charge(window - after)
                stop = data.find(b"endobj", after, window)
                if _keyword_at(data, b"stream", after, window if stop == -1 else stop):
                    raise Refused(UNREADABLE) from None
                continue
            end = self.parser.skip(end)
            if data.startswith(b"stream", end) and (
                end + 6 >= len(data) or data[end + 6] not in _WORD
            ):
                if not isinstance(value, dict):
                    raise Refused(UNREADABLE)
                start = _STREAM_EOL.match(data, end + 6).end()
                self.streams.append(_Stream(value, start))
            if key is not None:
                self._add(key, value)

    def _add(self, key: Ref, value) -> None:
        known = self.objects.get(key, _MISSING)
        if known is _MISSING:
            self.objects[key] = value
        elif known != value:  # two objects 6 0: which one a reader takes depends
            self.objects[key] = _AMBIGUOUS

    def resolve(self, value, hops: int = 0):
        if value is _AMBIGUOUS:
            raise Refused(UNREADABLE)
        if not isinstance(value, Ref):
            return value
        if hops >= _MAX_REF_HOPS:
            raise Refused(UNREADABLE)
        known = self.objects.get(value, _MISSING)
        if known is _MISSING:
            raise _Unresolved
        return self.resolve(known, hops + 1)

    # Streams ----------------------------------------------------------------------

    def check_streams(self) -> None:
        """Decode streams until none is left; a stream whose filter names an
        object found in an object stream waits until that one is decoded."""
        pending = self.streams
        while pending:
            waiting = []
            for stream in pending:
                try:
                    self._check(stream)
                except _Unresolved:
                    waiting.append(stream)
            if len(waiting) == len(pending):
                raise Refused(UNREADABLE)  # references to nothing, or a cycle
            pending = waiting

    def _get(self, dictionary: dict, *keys: str):
        """The first of `keys` present, resolved; None when none is."""
        for key in keys:
            if key in dictionary:
                value = self.resolve(dictionary[key])
                return None if value == NULL else value
        return None

    def _check(self, stream: _Stream) -> None:
        d = stream.dictionary
        if "FFilter" in d or "FDecodeParms" in d:
            raise Refused(ACTIVE)  # the data is in a file outside the PDF
        kind = self._get(d, "Type")
        object_stream = "N" in d or "First" in d or kind == "ObjStm"
        image = not object_stream and (
            self._get(d, "Subtype") == "Image" or ("Width" in d and "Height" in d)
        )
        filters = self._filters(d)
        if image:
            # Pixels: not decoded, but only filters a reader decodes images with.
            if any(f not in _IMAGE_FILTERS for f in filters):
                raise Refused(UNREADABLE)
            return
        if not filters and not object_stream:
            return  # its raw bytes were scanned with the whole file
        parameters = self._parameters(d, len(filters)) if filters else []
        body = self._decode(stream.start, filters, parameters)
        if self.active.search(body):
            raise Refused(ACTIVE)
        if object_stream:
            self._read_object_stream(d, body)

    def _filters(self, d: dict) -> list[str]:
        value = self._get(d, "F", "Filter")
        if "F" in d and "Filter" in d and value != self._get(d, "Filter"):
            raise Refused(UNREADABLE)  # readers differ on which one counts
        if value is None:
            return []
        if isinstance(value, (dict, bytes)):  # /F as a file specification
            raise Refused(ACTIVE)
        items = value if isinstance(value, list) else [value]
        if len(items) > _MAX_FILTERS:
            raise Refused(UNREADABLE)
        names = []
        for item in items:
            item = self.resolve(item)
            if not isinstance(item, Name):
                raise Refused(UNREADABLE)
            names.append(_FILTER_NAMES.get(item, str(item)))
        return names

    def _parameters(self, d: dict, count: int) -> list[dict]:
        value = self._get(d, "DP", "DecodeParms")
        if isinstance(value, dict):
            value = [value]
        elif not isinstance(value, list):
            value = []
        resolved = []
        for item in value[:count]:
            item = self.resolve(item)
            item = item if isinstance(item, dict) else {}
            resolved.append({k: self.resolve(item[k]) for k in _PREDICTOR if k in item})
        return resolved + [{}] * (count - len(resolved))

    def _decode(self, start: int, filters: list[str], parameters: list[dict]) -> bytes:
        """The stream's data decoded by each filter in turn. The data is
        taken up to the next `endstream`: a stream cut there does not end
        its compressed data or its ASCII text, and is refused (random bytes
        never spell `endstream`; a hostile file that does gains nothing)."""
        data = self.data
        end = data.find(b"endstream", start)
        end = end if end != -1 else len(data)
        self.parser.charge(end - start)
        body = data[start:end]
        for pdf_filter, parms in zip(filters, parameters, strict=True):
            if pdf_filter not in _DECODED:
                raise Refused(UNREADABLE)
            if pdf_filter == "FlateDecode":
                body = self._unpredict(self._inflate(body), parms)
            elif pdf_filter == "ASCIIHexDecode":
                body = _ascii_hex(body)
            elif pdf_filter == "ASCII85Decode":
                body = _ascii85(body)
            else:
                body = _run_length(body)
            self.budget -= len(body)
            if self.budget < 0:
                raise Refused(UNREADABLE)
        return body

    def _inflate(self, body: bytes) -> bytes:
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(body, max(self.budget, 1))
        except zlib.error:
            raise Refused(UNREADABLE) from None
        if not inflater.eof:  # over the budget, or cut short
            raise Refused(UNREADABLE)
        return out

    def _unpredict(self, body: bytes, parms: dict) -> bytes:
        predictor = parms.get("Predictor", 1)
        if predictor == 1:
            return body
        # Byte by byte in Python: real files predict only their small
        # cross-reference streams, so a small allowance is plenty.
        self.predicted += len(body)
        if self.predicted > _PREDICT_BUDGET:
            raise Refused(UNREADABLE)
        return _unpredict(body, predictor, parms)

    def _read_object_stream(self, d: dict, body: bytes) -> None:
        count, first = self._get(d, "N"), self._get(d, "First")
        if not isinstance(count, int) or not isinstance(first, int):
            return  # no reader finds objects in it either
        numbers = [int(n) for n in _INTEGER.findall(body[:first])]
        parser = _Parser(body, self.parser.work)
        pairs = numbers[: 2 * count]
        for number, offset in zip(pairs[0::2], pairs[1::2], strict=False):
            try:
                value, _end = parser.parse(first + offset)
            except _Unparsable:
                continue
            self._add(Ref(number, 0), value)


def _keyword_at(data: bytes, word: bytes, start: int, stop: int) -> bool:
    at = data.find(word, start, stop if stop != -1 else len(data))
    while at != -1:
        after = at + len(word)
        if (data[at - 1] not in _LETTERS) and (
            after >= len(data) or data[after] not in _WORD
        ):
            return True
        at = data.find(word, after, stop if stop != -1 else len(data))
    return False


def _unpredict(body: bytes, predictor, parms: dict) -> bytes:
    """Undo a PNG (10-15) or TIFF (2) predictor: rows of differences."""
    colors, bits, columns = (
        parms.get("Colors", 1),
        parms.get("BitsPerComponent", 8),
        parms.get("Columns", 1),
    )
    numbers = (predictor, colors, bits, columns)
    if not all(isinstance(v, int) and 0 < v <= 1 << 16 for v in numbers):
        raise Refused(UNREADABLE)
    pixel = max(1, colors * bits // 8)
    row = (colors * bits * columns + 7) // 8
    if predictor == 2:
        if bits != 8:
            raise Refused(UNREADABLE)
        out = bytearray(body)
        for base in range(0, len(out), row):
            for i in range(base + pixel, min(base + row, len(out))):
                out[i] = (out[i] + out[i - pixel]) & 0xFF
        return bytes(out)
    if not 10 <= predictor <= 15:
        raise Refused(UNREADABLE)
    out, previous = bytearray(), bytes(row)
    for base in range(0, len(body), row + 1):
        kind, line = body[base], bytearray(body[base + 1 : base + 1 + row])
        if kind == 1:
            for i in range(pixel, len(line)):
                line[i] = (line[i] + line[i - pixel]) & 0xFF
        elif kind == 2:
            line = bytearray(
                (a + b) & 0xFF for a, b in zip(line, previous, strict=False)
            )
        elif kind == 3:
            for i in range(len(line)):
                left = line[i - pixel] if i >= pixel else 0
                line[i] = (line[i] + (left + previous[i]) // 2) & 0xFF
        elif kind == 4:
            for i in range(len(line)):
                a = line[i - pixel] if i >= pixel else 0
                b, c = previous[i], previous[i - pixel] if i >= pixel else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                best = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + best) & 0xFF
        elif kind != 0:
            raise Refused(UNREADABLE)
        out += line
        previous = bytes(line) + bytes(row - len(line))
    return bytes(out)


def _ascii_hex(body: bytes) -> bytes:
    end = body.find(b">")
    if end == -1:
        raise Refused(UNREADABLE)
    digits = body[:end].translate(None, bytes(_WHITESPACE))
    if len(digits) % 2:
        digits += b"0"
    try:
        return bytes.fromhex(digits.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise Refused(UNREADABLE) from None


def _ascii85(body: bytes) -> bytes:
    end = body.find(b"~>")
    if end == -1:
        raise Refused(UNREADABLE)
    text = body[:end].removeprefix(b"<~")
    try:
        return base64.a85decode(text, ignorechars=bytes(_WHITESPACE))
    except ValueError:
        raise Refused(UNREADABLE) from None


def _run_length(body: bytes) -> bytes:
    out, pos, n = bytearray(), 0, len(body)
    while pos < n:
        length = body[pos]
        if length == 128:
            return bytes(out)
        if length < 128:
            out += body[pos + 1 : pos + 2 + length]
            pos += 2 + length
        else:
            out += body[pos + 1 : pos + 2] * (257 - length)
            pos += 2
    raise Refused(UNREADABLE)  # no end-of-data byte


def pdf_hidden_content(data: bytes, *, active: re.Pattern, budget: int) -> str | None:
    """ACTIVE when a decoded stream names an active feature (`active`, the
    pattern the raw bytes were searched with), UNREADABLE when a stream
    cannot be decoded as a reader would, None when every stream was read
    and nothing was found. `budget`: bytes decoded in all."""
    scan = _Scan(data, active, budget)
    try:
        scan.read_objects()
        scan.check_streams()
    except Refused as refused:
        return refused.outcome
    return None

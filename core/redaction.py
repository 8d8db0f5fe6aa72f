"""The last line of defence for personal data in logs and error reports (PDPA).

The code does not log national IDs or phone numbers (tests/security/
test_pdpa.py proves it on the raw records); these catch what third-party code
or a future mistake might still let through: a database error's DETAIL line
("Key (username)=(0812345678) already exists"), a URL typed with an ID in it,
an exception message.

    RedactPersonalDataFilter            a logging.Filter for every handler
    PersonalDataExceptionReporterFilter DEFAULT_EXCEPTION_REPORTER_FILTER: the
                                        500 e-mail / debug page hide them too
"""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

# 13 digits (a national ID, a juristic registration or tax number), written
# together or grouped as on the card: 1-2345-67890-12-3 / 1 2345 67890 12 3.
# (Other groupings are left alone: INVB111-2568-000001 is an invoice.)
THIRTEEN_DIGITS = re.compile(
    r"(?<!\d)(?:\d{13}|\d[ -]\d{4}[ -]\d{5}[ -]\d{2}[ -]\d)(?!\d)"
)
# A Thai mobile number: 08x-xxx-xxxx, 0812345678, +66 81 234 5678, 66812345678.
MOBILE = re.compile(r"(?<!\d)(?:\+?66[ -]?|0)[689]\d(?:[ -]?\d){7}(?!\d)")

ID_MARK = "[ID]"
PHONE_MARK = "[PHONE]"


def redact(text: str) -> str:
    """`text` with every 13-digit number and mobile number replaced, also
    when a URL carries it percent-encoded or with `+` for its spaces
    (`?q=%2B66812345671`, `?q=081+234+5671`, `%30812345671`): access log
    lines and error messages quote URLs as they came."""
    if not text:
        return text
    text = THIRTEEN_DIGITS.sub(ID_MARK, text)
    text = MOBILE.sub(PHONE_MARK, text)
    if "%" in text or "+" in text:
        text = _redact_url_encoded(text)
    return text


# One character of a URL as written: a %XX escape or any single character.
_URL_CHAR = re.compile(r"%[0-9A-Fa-f]{2}|.", re.DOTALL)


def _redact_url_encoded(text: str) -> str:
    """Finds the numbers in `text` read as a URL (escapes decoded, and once
    more with `+` read as a space) and blanks them where they are written;
    every other character of `text` is kept as it was."""
    tokens = [m.span() for m in _URL_CHAR.finditer(text)]
    spans = []  # (start, end, mark) in `text`
    for plus_is_space in (False, True):
        decoded = []
        for start, end in tokens:
            token = text[start:end]
            if len(token) == 3:
                byte = int(token[1:], 16)
                # Non-ASCII bytes (UTF-8 Thai) are never digits or separators.
                decoded.append(chr(byte) if byte < 0x80 else "\ufffd")
            elif token == "+" and plus_is_space:
                decoded.append(" ")
            else:
                decoded.append(token)
        view = "".join(decoded)  # one character per token
        for pattern, mark in ((THIRTEEN_DIGITS, ID_MARK), (MOBILE, PHONE_MARK)):
            for found in pattern.finditer(view):
                spans.append(
                    (tokens[found.start()][0], tokens[found.end() - 1][1], mark)
                )
    if not spans:
        return text
    kept, last = [], 0
    for start, end, mark in sorted(spans):
        if start < last:  # overlaps one already blanked
            if end > last:
                last = end
            continue
        kept.append(text[last:start])
        kept.append(mark)
        last = end
    kept.append(text[last:])
    return "".join(kept)


def _holds_personal_data(value) -> bool:
    """Whether a frame variable shows an ID or a phone number when printed.
    Only plain values are printed here (a queryset would hit the database)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, str | int):
        text = str(value)
    elif isinstance(value, dict | list | tuple | set):
        text = repr(value)
    else:
        return False
    return redact(text) != text


class RedactPersonalDataFilter(logging.Filter):
    """Rewrites a record's message (arguments merged in), exception text and
    stack so no 13-digit number or mobile number reaches a handler. The
    traceback is kept as redacted text (exc_text) and the exception object
    dropped from the record. Never drops a record, and never raises: a
    logging filter that fails would hide the very error being logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: keep the raw parts
            message = f"{record.msg} {record.args!r}"
        try:
            record.msg, record.args = redact(message), None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact(record.exc_text)
                # Formatters print exc_text; without exc_info no handler can
                # format the raw exception again. (The 500 e-mail has its own
                # filter: PersonalDataExceptionReporterFilter.)
                record.exc_info = None
            if record.stack_info:
                record.stack_info = redact(record.stack_info)
        except Exception:  # noqa: BLE001 - see the docstring
            pass
        return True


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter for the 500 report (AdminEmailHandler, the debug page):
    also hides POST fields and frame variables that hold an ID or a phone."""

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if not params:
            return params
        cleansed = params.copy()
        for key in cleansed:
            value = cleansed.get(key, "")
            if isinstance(value, str) and redact(value) != value:
                cleansed[key] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self.cleansed_substitute if _holds_personal_data(value) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]

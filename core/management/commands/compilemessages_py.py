"""Compile locale/*/LC_MESSAGES/*.po to .mo in pure Python.

Django's compilemessages needs GNU gettext's msgfmt, which a fresh machine may
lack; the portal's scripts call this instead so the two README commands work
anywhere Python does. Handles msgctxt, plurals and multi-line strings; skips
fuzzy entries like msgfmt does.
"""

import ast
import struct
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


def parse_po(text: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    entry: dict[str, list[str] | str] = {}
    fuzzy = False
    current = None

    def flush():
        nonlocal entry, fuzzy
        # Like msgfmt: fuzzy entries are left out, but the header (msgid "") is
        # kept even when fuzzy, since it carries the charset and plural rule.
        is_header = "msgctxt" not in entry and not "".join(entry.get("msgid", []))
        if "msgid" in entry and (not fuzzy or is_header):
            msgid = "".join(entry["msgid"])
            if "msgctxt" in entry:
                msgid = "".join(entry["msgctxt"]) + "\x04" + msgid
            if "msgid_plural" in entry:
                msgid += "\x00" + "".join(entry["msgid_plural"])
                forms = [
                    entry[k]
                    for k in sorted(k for k in entry if k.startswith("msgstr["))
                ]
                msgstr = "\x00".join("".join(f) for f in forms)
            else:
                msgstr = "".join(entry.get("msgstr", []))
            if msgstr.replace("\x00", "") or msgid == "":
                messages[msgid] = msgstr
        entry, fuzzy = {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            if (
                "msgid" in entry
                and "msgstr" in entry
                or any(k.startswith("msgstr[") for k in entry)
            ):
                flush()
            fuzzy = True
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            entry[current].append(ast.literal_eval(line))
            continue
        key, _, value = line.partition(" ")
        if key in ("msgctxt", "msgid") and (
            "msgstr" in entry or any(k.startswith("msgstr[") for k in entry)
        ):
            # A "#, fuzzy" line of the next entry has already flushed this one,
            # so any fuzzy flag still set here belongs to the entry being flushed.
            flush()
        current = key
        entry[key] = [ast.literal_eval(value)]
    flush()
    return messages


def write_mo(messages: dict[str, str], path: Path) -> None:
    """GNU .mo layout: header, key table, value table, then the strings."""
    keys = sorted(messages)
    ids = [k.encode() for k in keys]
    strs = [messages[k].encode() for k in keys]
    n = len(keys)
    pos = 7 * 4 + 16 * n  # strings start after the header and both tables
    tables = []
    for group in (ids, strs):
        entries = []
        for b in group:
            entries.append(struct.pack("ii", len(b), pos))
            pos += len(b) + 1
        tables.append(b"".join(entries))
    header = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    data = b"".join(b + b"\0" for b in ids + strs)
    path.write_bytes(header + tables[0] + tables[1] + data)


class Command(BaseCommand):
    # A build step (the Dockerfile, before any secret exists): no system checks.
    requires_system_checks = []
    help = "Compile .po files to .mo without GNU gettext."

    def handle(self, *args, **options):
        for base in settings.LOCALE_PATHS:
            for po in Path(base).glob("*/LC_MESSAGES/*.po"):
                mo = po.with_suffix(".mo")
                if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                    continue
                write_mo(parse_po(po.read_text(encoding="utf-8")), mo)
                if options["verbosity"] > 0:
                    self.stdout.write(f"compiled {po}")

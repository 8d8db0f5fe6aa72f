"""CSV files the portal hands out, safe to open in a spreadsheet.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return
is read by Excel, LibreOffice and Google Sheets as a formula (CSV or formula
injection: `=cmd|'/C calc'!A0`, `@SUM(1+1)`). Text that reaches an export
from outside (a bank's ref 1 / ref 2 typed by the payer, a customer's name)
is therefore written with a single quote in front, the OWASP way: the
spreadsheet shows the text, it runs nothing.

Numbers the portal writes itself (int, Decimal, float: amounts, counts) are
left as numbers, so a refund's -100.00 stays a number finance can add up. Only
text (and anything else, written as its text) is neutralised: a payer cannot
make a cell a Decimal, so the exception gives them nothing.

Every export goes through `writer()`: tests/core/test_csv_export.py fails
on a module that calls the csv module's writers itself.
"""

from __future__ import annotations

import csv
from decimal import Decimal

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet should read it: numbers as they are, text
    that a spreadsheet would run as a formula behind a single quote."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SafeWriter:
    """csv.writer's writerow / writerows, every cell through safe_cell."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, **options) -> SafeWriter:
    """The one CSV writer of the portal (same options as csv.writer)."""
    return SafeWriter(file, **options)


def local_time(moment) -> str:
    """A time as the screen shows it, in local time (settings.TIME_ZONE), to
    the second, in a form spreadsheets read as a date and time; "" for none.
    The column heading says the zone (`zone_heading`)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def zone_heading(heading: str) -> str:
    """A time column's heading with its zone: "Due (Asia/Bangkok)"."""
    return f"{heading} ({timezone.get_current_timezone_name()})"

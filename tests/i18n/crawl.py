"""Walk the portal as one reader in one language with Django's test client:
from their start pages, every same-site link (a href) the pages offer, one
page per kind of page, and check each page's visible text with
tests/i18n/leaks.py.

A kind of page is its route (a list's filters by name, not value), and for a
request its flow and state: one request of each is enough, the rest differ
in their data only. Kinds are read once per reader and language, except
where readers see the same page: a request's pages once per group of readers
(customers; office staff; field staff), and the pages that show no one's
data (the charter, a workflow's diagram) once for everybody."""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.urls import Resolver404, resolve

from tests.i18n import leaks

# Not pages of a journey: the admin (Django's own, for administrators), the
# API and its documentation (for developers, English by design), the fake
# payment provider's checkout (not the portal's; absent in production), the
# language switch and static files.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/fakepay/", "/i18n/", "/static/", "/media/")
SKIPPED_ROUTES = {"accounts:logout"}
# Files, not pages: documents as uploaded; receipts, invoices and vouchers
# print Thai with English beside them by design (issue 18, acceptance;
# tests/core/test_english_words.py); CSV exports for finance.
DOWNLOADS = {
    "requests:document",
    "payments:receipt",
    "payments:invoice_pdf",
    "payments:refund_voucher",
    "staff:finance_daily",
}
# The same for every reader.
PUBLIC_ROUTES = {"charter", "charter_detail", "staff:flow"}
SLUG = re.compile(r"^[a-z_-]{1,40}$")


@dataclass
class Finding:
    reader: str
    lang: str
    url: str
    text: str
    words: str = ""

    def __str__(self) -> str:
        shown = self.text if len(self.text) <= 160 else self.text[:157] + "..."
        extra = f"  [{self.words}]" if self.words else ""
        return f"{self.reader}/{self.lang} {self.url}: {shown!r}{extra}"


@dataclass
class Walk:
    pages: int = 0
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Kinds:
    """What makes two pages the same kind (see the module's docstring), and
    the kinds read so far, by language."""

    def __init__(self):
        self._requests: dict[str, str] = {}
        self.seen: dict[str, set] = {}

    def _request(self, reference: str) -> str:
        if reference not in self._requests:
            from requests_app.models import ServiceRequest

            row = (
                ServiceRequest.objects.filter(reference=reference)
                .values_list("service__flow", "state")
                .first()
            )
            self._requests[reference] = ":".join(row) if row else "?"
        return self._requests[reference]

    def __call__(self, match, query: str, *, reader: str, group: str) -> tuple:
        scope, args = reader, []
        for name, value in sorted(match.kwargs.items()):
            if name == "reference":
                args.append(self._request(str(value)))
                scope = group
            elif isinstance(value, str) and SLUG.match(value):
                args.append(value)
            else:
                args.append("*")
        if match.view_name in PUBLIC_ROUTES:
            scope = "everybody"
        filters = sorted({k for k, _v in parse_qsl(query, keep_blank_values=True)})
        return (scope, match.view_name, *args, tuple(filters))


def _local(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme not in ("", "http", "https"):
        return None
    if parts.netloc not in ("", "testserver"):
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(
    client,
    *,
    reader: str,
    group: str,
    lang: str,
    start: list[str],
    allowed: leaks.Allowed,
    kinds: Kinds,
    depth: int = 99,
    cap: int = 200,
) -> Walk:
    """Read the pages `start` leads to, `depth` links deep at most, `cap`
    pages at most (redirects count as pages)."""
    result = Walk()
    began = time.perf_counter()
    seen_kinds = kinds.seen.setdefault(lang, set())
    seen_urls: set = set()
    queue = deque((url, 0) for url in start)
    while queue and result.pages < cap:
        url, hops = queue.popleft()
        if url in seen_urls or url.startswith(SKIPPED_PREFIXES):
            continue
        seen_urls.add(url)
        path, _, query = url.partition("?")
        try:
            match = resolve(path)
        except Resolver404:
            result.errors.append(f"{reader}/{lang} {url}: a link to no route")
            continue
        if match.view_name in SKIPPED_ROUTES | DOWNLOADS:
            continue
        kind = kinds(match, query, reader=reader, group=group)
        if kind in seen_kinds:
            continue
        response = client.get(url)
        result.pages += 1
        if response.status_code < 400:  # a refused page does not stand for its kind
            seen_kinds.add(kind)
        if response.status_code in (301, 302, 303, 307, 308):
            target = _local(response["Location"])
            if target:
                queue.appendleft((target, hops))
            continue
        if response.status_code >= 500:
            result.errors.append(f"{reader}/{lang} {url}: {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        texts, links = leaks.parse(response.content.decode(), lang)
        result.findings += [
            Finding(reader, lang, url, text, words)
            for text, words in leaks.other_language(texts, lang, allowed)
        ]
        if hops >= depth:
            continue
        for href in links:
            target = _local(href.split("#")[0])
            if target and target not in seen_urls:
                queue.append((target, hops + 1))
    result.seconds = time.perf_counter() - began
    return result


# Where the data keeps what people wrote: names, addresses, codes they typed,
# notes, reasons, findings. Shown as written, in either language. Not here:
# the fields kept in both languages (name_th / name_en ...: a page shows its
# reader's), and what the portal writes itself (it must follow the reader).
DATA_FIELDS = {
    "accounts.User": ["username", "first_name", "last_name", "email"],
    "accounts.CustomerProfile": ["company_name", "address"],
    "requests_app.ServiceRequest": [
        "premises_address",
        "premises_province",
        "note",
        "rejection_reason",
    ],
    "requests_app.RequestEvent": ["note", "message"],
    "requests_app.Document": ["original_name"],
    "requests_app.CorrectionBudget": ["request_number", "approval_number"],
    "requests_app.SurveyResult": ["findings"],
    "payments.Refund": ["reason"],
    "payments.Receipt": ["reason"],
    "payments.Estimate": ["details"],
    "payments.Settlement": ["filename", "bank"],
    "meters.ElectricityAccount": [
        "premises_address",
        "feeder",
        "nickname",
        "holder_name",
    ],
    "meters.MeterReplacement": ["cause_details"],
    "outages.Incident": ["area"],
    "outages.OutageReport": ["name", "address", "note"],
    "outages.IncidentUpdate": ["message"],
    "voc.Voice": ["subject"],
    "voc.Rating": ["comment"],
}


def data_values() -> dict[str, str]:
    """Every value of DATA_FIELDS in the database, with where it is kept
    ("requests_app.RequestEvent.note")."""
    from django.apps import apps

    values: dict[str, str] = {}
    for label, names in DATA_FIELDS.items():
        rows = apps.get_model(label).objects.all()
        for name in names:
            for value in rows.values_list(name, flat=True).distinct():
                if value:
                    values.setdefault(value, f"{label}.{name}")
    return values

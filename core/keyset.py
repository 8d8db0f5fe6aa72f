"""Keyset pages for lists ordered by a nullable time, NULLS LAST, then id.

A page is found from the last (or first) row of the page before, never by
counting rows from the start: page 10,000 costs what page 1 costs. The rows
with a time and the rows without are read as two index ranges, because
PostgreSQL cannot walk "time after t, or no time" as one range of an index on
(scope, time, id); each range is an ordered, limited index scan.

The position travels in the address as an opaque cursor (`after` or
`before`), with the page number for display only (`p`). The total is counted
only up to a cap: "more than 1,000" is what a person needs to know, and an
exact count of a region's 250,000 open requests costs more than its page.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet

COUNT_CAP = 1000


@dataclass
class KeysetPage:
    object_list: list
    number: int
    size: int
    has_next: bool
    has_previous: bool
    next_cursor: str
    previous_cursor: str
    total: int  # exact up to COUNT_CAP; COUNT_CAP + 1 means "more than COUNT_CAP"
    cap: int

    @property
    def total_is_exact(self) -> bool:
        return self.total <= self.cap

    @property
    def num_pages(self) -> int | None:
        return -(-self.total // self.size) if self.total_is_exact else None

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.object_list else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.object_list)

    @property
    def next_query(self) -> str:
        return urlencode({"after": self.next_cursor, "p": self.number + 1})

    @property
    def previous_query(self) -> str:
        return urlencode({"before": self.previous_cursor, "p": max(1, self.number - 1)})


def encode(row, field: str | None) -> str:
    value = getattr(row, field) if field else None
    raw = f"{value.isoformat() if value is not None else '-'}|{row.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str) -> tuple[datetime | None, int] | None:
    """(time or None, id), or None for a cursor that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        value, pk = raw.rsplit("|", 1)
        when = None if value == "-" else datetime.fromisoformat(value)
        if when is not None and when.tzinfo is None or not 0 < int(pk) < 2**63:
            return None  # a naive time or an id no bigint holds: not ours
        return when, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _page_number(raw) -> int:
    try:
        return max(1, min(int(raw), 10**7))
    except (TypeError, ValueError):
        return 1


def keyset_page(
    qs: QuerySet, field: str | None, params, size: int, cap: int | None = None
) -> KeysetPage:
    """The page of `qs` (ordered by `field` NULLS LAST, then id) that `params`
    (request.GET: after / before / p) points to. With no field, by id alone:
    for rows that have no time to order by (closed requests have no due
    time), one range of the primary key instead of a search for timed rows
    that no index of theirs can answer."""
    after = decode(params.get("after", "")) if params.get("after") else None
    before = decode(params.get("before", "")) if params.get("before") else None
    cap = COUNT_CAP if cap is None else cap
    number = _page_number(params.get("p")) if (after or before) else 1
    if field is None:
        timed, untimed = qs.none(), qs
        if after is not None:
            after = (None, after[1])
        if before is not None:
            before = (None, before[1])
        asc = desc = ()
    else:
        timed = qs.filter(**{f"{field}__isnull": False})
        untimed = qs.filter(**{f"{field}__isnull": True})
        asc = (F(field).asc(nulls_last=True), "pk")
        desc = (F(field).desc(), "-pk")

    if before is not None:
        value, pk = before
        if value is None:
            rows = list(untimed.filter(pk__lt=pk).order_by("-pk")[: size + 1])
            if len(rows) <= size:
                rows += list(timed.order_by(*desc)[: size + 1 - len(rows)])
        else:
            rows = list(
                timed.filter(
                    Q(**{f"{field}__lt": value}) | Q(**{field: value}, pk__lt=pk)
                )
                .filter(**{f"{field}__lte": value})
                .order_by(*desc)[: size + 1]
            )
        has_previous = len(rows) > size
        rows = rows[:size][::-1]
        has_next = True
        if not has_previous:
            number = 1
    else:
        if after is None:
            rows = list(timed.order_by(*asc)[: size + 1])
        elif after[0] is None:
            rows = []
        else:
            value, pk = after
            rows = list(
                timed.filter(
                    Q(**{f"{field}__gt": value}) | Q(**{field: value}, pk__gt=pk)
                )
                .filter(**{f"{field}__gte": value})
                .order_by(*asc)[: size + 1]
            )
        if len(rows) <= size:
            start = untimed
            if after is not None and after[0] is None:
                start = untimed.filter(pk__gt=after[1])
            rows += list(start.order_by("pk")[: size + 1 - len(rows)])
        has_next = len(rows) > size
        rows = rows[:size]
        has_previous = after is not None

    total = qs.order_by().values("pk")[: cap + 1].count()
    return KeysetPage(
        object_list=rows,
        number=number,
        size=size,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=encode(rows[-1], field) if rows else "",
        previous_cursor=encode(rows[0], field) if rows else "",
        total=total,
        cap=cap,
    )

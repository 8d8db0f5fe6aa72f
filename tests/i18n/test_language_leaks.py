"""Each reader's pages are in their language (issue 18, item 6).

The demo data (every state of every flow, its steps taken by Thai staff) is
walked as each kind of reader, in English and in Thai, from their start page
along every link the pages offer (tests/i18n/crawl.py). An English page shows
no Thai letters but the data's own words (names, addresses, what people
typed: tests/i18n/crawl.py DATA_FIELDS, read from the database); a Thai page
no English words but the data's, codes, and the few brands and units of
tests/i18n/leaks.py. Every offending text is reported, with the reader, the
language and the page.

A value of those fields that reads as one of the portal's own sentences (a
note the portal wrote in its writer's language) is not the data's words: it
is reported too, and not allowed on the pages.
"""

import io
import time
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from accounts.models import User
from accounts.offices import office_scope_q
from requests_app.models import ServiceRequest
from tests.i18n import crawl, leaks

pytestmark = pytest.mark.django_db


@dataclass
class Reader:
    username: str | None
    group: str  # readers who see the same request pages (tests/i18n/crawl.py)
    start: tuple[str, ...] = ("/",)
    every_state: bool = False  # start from a request of each flow and state too
    depth: int = 99


# In order: the first of a group reads its requests' pages, the others the
# kinds it did not meet.
READERS = {
    "visitor": Reader(None, "visitor"),
    "thai customer": Reader("0812345671", "customer", ("/", "/requests/"), True),
    "english customer": Reader("0898765432", "customer", ("/", "/requests/"), True),
    "juristic customer": Reader("0861112222", "customer", ("/", "/requests/"), True),
    # The supervisor takes every counter step, and approves: every state.
    "supervisor": Reader("supervisor", "office", ("/", "/staff/dashboard/"), True),
    "counter": Reader("counter", "office"),
    # The second supervisor of the province: the bank file's pages, and
    # what they link to (the rest are the supervisor's).
    "finance": Reader(
        "finance", "office", ("/staff/settlements/", "/staff/refunds/"), depth=1
    ),
    "surveyor": Reader("surveyor", "field", ("/staff/my-work/",)),
    "technician": Reader("technician", "field", ("/staff/my-work/",)),
}
# A page nobody links to but a reader meets: a mistyped address (404).
MISSING_PAGE = "/no-such-page/"
# Forms sent back with their errors (Django's own messages in the reader's
# language, core/django_messages.py: required fields, a common and numeric
# password), for the visitor.
SENT_BACK = {
    "/accounts/signup/": {"password1": "12345678", "password2": "12345678"},
    "/accounts/login/": {"username": "", "password": ""},
}


def _start_pages(reader: Reader, user) -> list[str]:
    """The reader's start pages, then one request of each flow and state they
    may open, so that every state is read even where a list pages it away."""
    start = list(reader.start)
    if not reader.every_state:
        return start
    rows, prefix = _requests_of(user), "" if user.role == "customer" else "/staff"
    first = {}
    for reference, flow, state in rows.order_by("-pk").values_list(
        "reference", "service__flow", "state"
    ):
        first.setdefault((flow, state), f"{prefix}/requests/{reference}/")
    return start + list(first.values())


def test_every_page_is_in_its_readers_language(settings):
    began = time.perf_counter()
    with translation.override("th"):  # the clerks' steps, as at a Thai office
        call_command("demo_seed", stdout=io.StringIO())
    seeded = time.perf_counter() - began

    catalog = leaks.Catalog(trans_real.translation("th")._catalog)
    data = crawl.data_values()
    stored = sorted(
        f"{where}: {value!r}"
        for value, where in data.items()
        if catalog.written_by_portal(value)
    )
    allowed = leaks.Allowed(v for v in data if not catalog.written_by_portal(v))

    kinds = crawl.Kinds()
    found, errors, counts = [], [], {}
    for name, reader in READERS.items():
        user = User.objects.get(username=reader.username) if reader.username else None
        for lang in ("en", "th"):
            client = Client()
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
            if user:
                client.force_login(user)
            walk = crawl.walk(
                client,
                reader=name,
                group=reader.group,
                lang=lang,
                start=_start_pages(reader, user),
                allowed=allowed,
                kinds=kinds,
                depth=reader.depth,
            )
            counts[name, lang] = walk.pages
            found += walk.findings
            errors += walk.errors
            if user is None:
                met = [(MISSING_PAGE, client.get(MISSING_PAGE))]
                met += [
                    (url, client.post(url, data)) for url, data in SENT_BACK.items()
                ]
                assert met[0][1].status_code == 404
                assert all(b"error-summary" in r.content for _u, r in met[1:])
                for url, response in met:
                    counts[name, lang] += 1
                    texts, _links = leaks.parse(response.content.decode(), lang)
                    found += [
                        crawl.Finding(name, lang, url, text, words)
                        for text, words in leaks.other_language(texts, lang, allowed)
                    ]
    crawled = time.perf_counter() - began - seeded
    print(
        f"\n{sum(counts.values())} pages read in {crawled:.1f} s "
        f"(demo data loaded in {seeded:.1f} s): "
        + ", ".join(f"{n}/{lang} {c}" for (n, lang), c in counts.items())
    )

    assert not errors, "\n".join(errors)
    # Every state of every flow was read, by customers and staff, in both
    # languages.
    for lang, seen in kinds.seen.items():
        for group in ("customer", "office"):
            read = {
                tuple(kind[2].split(":"))
                for kind in seen
                if kind[0] == group and kind[1] in ("requests:detail", "staff:detail")
            }
            wanted = _states_of(group)
            assert len(wanted) > 15 and read >= wanted, (lang, group, wanted - read)
    problems = [f"written by the portal in its writer's language: {s}" for s in stored]
    problems += [str(f) for f in found]
    assert not problems, f"{len(problems)} texts in the other language:\n" + "\n".join(
        problems
    )


def _requests_of(user):
    """The requests a customer filed, or a member of staff's offices hold."""
    if user.role == "customer":
        return ServiceRequest.objects.filter(applicant=user)
    return ServiceRequest.objects.filter(office_scope_q(user, prefix="office__"))


def _states_of(group: str) -> set:
    """(flow, state) of every request the readers of `group` may open."""
    states = set()
    for reader in READERS.values():
        if reader.group == group and reader.every_state:
            user = User.objects.get(username=reader.username)
            states |= set(_requests_of(user).values_list("service__flow", "state"))
    return states

"""Simulated customers for bench/load_bench.py (run by it; not on its own).

Each simulated user is one customer account: it logs in once through the real
login form, then repeats a journey until the run ends: open the "file a
request" page of a service (weighted mix), fill the form that page shows as a
browser would (hidden fields and CSRF token as given, a branch and meter size
picked from the form's own options, a file chosen for every document field the
page shows for this customer), post it as multipart/form-data, follow the
redirect to the new request's page and list "my requests".

Anything but the expected answer is a failure: another status code, the form
re-shown with its errors, a page without the new reference. The references
filed, the failures and every request's time are written to BENCH_LOAD_OUT
when locust quits, for load_bench.py to check against the database.

bench/soak_locustfile.py adds counter staff to these customers for the soak
(bench/soak.py); both log in through PortalUser here.

Settings come from the environment (load_bench.py sets them):
BENCH_LOAD_CUSTOMERS  JSON file: {"password": ..., "customers": [username, ...],
                      "document_codes": {"doc_<id>": document type code},
                      "session_cookie": the session cookie's name}
BENCH_LOAD_FILES      folder holding doc.pdf and photo.jpg
BENCH_LOAD_MIX        service code:weight,...  (default new-connection:7,...)
BENCH_LOAD_WAIT       think time between journeys, "min,max" seconds
BENCH_LOAD_OUT        where to write the results (JSON)
"""

import itertools
import json
import os
import random
import re
import time
from collections import Counter
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

CUSTOMERS = json.load(open(os.environ["BENCH_LOAD_CUSTOMERS"]))
FILES_DIR = os.environ["BENCH_LOAD_FILES"]
FILES = {
    "pdf": ("application/pdf", open(os.path.join(FILES_DIR, "doc.pdf"), "rb").read()),
    "jpg": ("image/jpeg", open(os.path.join(FILES_DIR, "photo.jpg"), "rb").read()),
}
# Documents a customer photographs with a phone; the rest are PDFs.
PHOTOGRAPHED = ("id-card", "house-registration", "signatory-id")
MIX = [
    (code, int(weight))
    for code, weight in (
        item.split(":")
        for item in os.environ.get(
            "BENCH_LOAD_MIX", "new-connection:7,meter-test:2,insulation-covers:1"
        ).split(",")
    )
]
WAIT = [float(x) for x in os.environ.get("BENCH_LOAD_WAIT", "0.5,2").split(",")]
TIMEOUT = 120  # seconds: a request slower than this is a failure, not a hang
REF_RE = re.compile(r"^/requests/([A-Z]{2}\d{2}-\d{6})/$")
# What this user types where the form asks for it (by field name).
TYPED = {
    "premises_address": "99/1 หมู่ 5 ถ.มิตรภาพ ต.ในเมือง อ.เมือง",
    "premises_province": "ขอนแก่น",
    "note": "โหลดทดสอบ (load test)",
    "covers": "4",
    "days": "5",
    "line_length_m": "",
}

_next_customer = itertools.count()
FILED: list[dict] = []  # one row per submission answered with a redirect
FAILURES: list[dict] = []
SAMPLES: list[tuple] = []  # (name, ms, ok, start time)
STATUSES: Counter = Counter()  # HTTP status of every answer ("0": none)
# More results for BENCH_LOAD_OUT, by key (other locustfiles add theirs).
EXTRA: dict = {}


@events.request.add_listener
def _sample(name, response_time, exception, start_time, response=None, **_kw):
    SAMPLES.append((name, response_time, exception is None, start_time))
    STATUSES[str(getattr(response, "status_code", None) or 0)] += 1


@events.quitting.add_listener
def _write(environment, **_kw):
    """At the very end (after --stop-timeout): locust's own final counts too."""
    stats = {
        name: {"requests": e.num_requests, "failures": e.num_failures}
        for (name, _method), e in environment.stats.entries.items()
    }
    with open(os.environ["BENCH_LOAD_OUT"], "w") as f:
        json.dump({"filed": FILED, "failures": FAILURES, "samples": SAMPLES,
                   "stats": stats, "statuses": STATUSES, **EXTRA}, f)  # fmt: skip


class FormParser(HTMLParser):
    """The fields of the page's POST form, as a browser sees them; and the
    error messages the page shows."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.forms = []  # (form attributes, its fields)
        self.fields = []  # (kind, name, value/options, rep_only)
        self.select = None
        self.textarea = None
        self.rep_only_depth = 0
        self.depth = 0
        self.errors = []
        self.in_error = False
        self.in_summary = 0
        self.messages = []  # the page's flash messages: [level, text]
        self.in_message = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "div":
            self.depth += 1
            if "rep-only" in cls.split() and not self.rep_only_depth:
                self.rep_only_depth = self.depth
        if (tag == "p" and "error" in cls.split()) or (tag == "li" and self.in_summary):
            self.in_error = True
            self.errors.append("")
        if tag == "p" and "msg" in cls.split():
            level = next((c[4:] for c in cls.split() if c.startswith("msg-")), "")
            self.messages.append([level, ""])
            self.in_message = True
        if tag == "div" and "error-summary" in cls.split():
            self.in_summary = self.depth
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.in_form = True
            self.fields = []
            self.forms.append((a, self.fields))
        if not self.in_form:
            return
        rep = bool(self.rep_only_depth)
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                value = None
            else:
                value = a.get("value", "")
            self.fields.append([kind, a["name"], value, rep])
        elif tag == "button" and a.get("name"):
            # Sent only by the button clicked: left to the user to pick.
            self.fields.append(["button", a["name"], a.get("value", ""), rep])
        elif tag == "select":
            self.select = [tag, a["name"], [], rep]
        elif tag == "option" and self.select is not None:
            self.select[2].append(a.get("value", ""))
        elif tag == "textarea":
            self.textarea = [tag, a["name"], "", rep]

    def handle_endtag(self, tag):
        if tag == "div":
            if self.rep_only_depth == self.depth:
                self.rep_only_depth = 0
            if self.in_summary == self.depth:
                self.in_summary = 0
            self.depth -= 1
        elif tag in ("p", "li"):
            self.in_error = False
            self.in_message = False
        elif tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            self.fields.append(self.select)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(self.textarea)
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[2] += data
        if self.in_error:
            self.errors[-1] += data.strip()
        if self.in_message:
            self.messages[-1][1] += data.strip()

    def form(self, having: str) -> list:
        """The fields of the page's form that has a field of this kind or
        name (the page has others: language switch, log out)."""
        for attrs, fields in self.forms:
            if having == attrs.get("enctype") or any(
                having in (kind, name) for kind, name, *_ in fields
            ):
                return fields
        return []

    def form_to(self, action: str) -> list | None:
        """The fields of the POST form sent to this address (None: no such
        form on the page)."""
        for attrs, fields in self.forms:
            if attrs.get("action") == action:
                return fields
        return None


def parse(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


class PortalUser(HttpUser):
    """A person with an account: logs in once through the real login form (no
    pre-made session); anything but the expected answer is a failure."""

    abstract = True
    prefix = ""  # of the request names in locust's statistics

    def login(self, username, password):
        self.username = username
        self.origin = self.host.rstrip("/")
        name = f"{self.prefix}login form GET"
        with self.client.get(
            "/accounts/login/", name=name, catch_response=True, timeout=TIMEOUT
        ) as r:
            if not self._page_ok(r, name):
                return
            fields = parse(r.text).form(having="password")
        data = {field: value for _k, field, value, _r in fields if value is not None}
        data.update(username=username, password=password)
        name = f"{self.prefix}login POST"
        with self.client.post(
            "/accounts/login/", data=data, name=name, catch_response=True,
            allow_redirects=False, headers=self._browser_post("/accounts/login/"),
            timeout=TIMEOUT,
        ) as r:  # fmt: skip
            cookie = CUSTOMERS.get("session_cookie", "sessionid")
            if r.status_code != 302 or cookie not in self.client.cookies:
                self._fail(r, name, "login refused", parse(r.text).errors)
                return
            r.success()
        self.logged_in = True

    def _browser_post(self, path):
        return {"Origin": self.origin, "Referer": self.origin + path}

    def _fail(self, r, name, why, details=None):
        message = f"{why}: HTTP {r.status_code}"
        if details:
            message += " " + "; ".join(d for d in details if d)[:400]
        elif r.status_code >= 500 or r.status_code == 0:
            message += " " + (r.text or str(r.error))[:400]
        r.failure(message)
        FAILURES.append({"name": name, "user": self.username, "message": message,
                         "at": time.time()})  # fmt: skip

    def _page_ok(self, r, name, must_contain=None) -> bool:
        if r.status_code != 200:
            self._fail(r, name, "unexpected status")
            return False
        if must_contain and must_contain not in r.text:
            self._fail(r, name, f"page without {must_contain}")
            return False
        r.success()
        return True


class Customer(PortalUser):
    wait_time = between(*WAIT)

    def on_start(self):
        names = CUSTOMERS["customers"]
        self.login(names[next(_next_customer) % len(names)], CUSTOMERS["password"])

    @task
    def file_and_follow(self):
        """One customer journey: form, submit, the request's page, my requests.
        A single task, so a run that ends lets it finish (--stop-timeout):
        every submission the server took is counted."""
        if not getattr(self, "logged_in", False):
            self.login(self.username, CUSTOMERS["password"])
            return
        code = random.choices([c for c, _w in MIX], [w for _c, w in MIX])[0]
        path = f"/requests/new/{code}/"
        with self.client.get(
            path, name="form GET", catch_response=True, timeout=TIMEOUT
        ) as r:
            if not self._page_ok(
                r, "form GET", must_contain='name="csrfmiddlewaretoken"'
            ):
                return
            fields = parse(r.text).form(having="multipart/form-data")
        data, files = self._fill(fields)
        if data is None:
            return
        t0 = time.time()
        with self.client.post(
            path, data=data, files=files, name="submit POST", catch_response=True,
            allow_redirects=False, headers=self._browser_post(path), timeout=TIMEOUT,
        ) as r:  # fmt: skip
            match = REF_RE.match(r.headers.get("Location", ""))
            if r.status_code != 302 or not match:
                why = "form re-shown with errors" if r.status_code == 200 else (
                    "submission refused")  # fmt: skip
                self._fail(r, f"submit POST {code}", why, parse(r.text).errors)
                return
            r.success()
            reference = match.group(1)
            FILED.append({"reference": reference, "service": code,
                          "user": self.username, "documents": len(files),
                          "ms": r.elapsed.total_seconds() * 1000, "t": t0})  # fmt: skip
        with self.client.get(
            r.headers["Location"], name="request page", catch_response=True,
            timeout=TIMEOUT,
        ) as r:  # fmt: skip
            if not self._page_ok(r, "request page", must_contain=reference):
                return
        with self.client.get(
            "/requests/", name="my requests", catch_response=True, timeout=TIMEOUT
        ) as r:
            self._page_ok(r, "my requests", must_contain=reference)

    def _fill(self, fields):
        """The form as a customer fills it: what the page gives is kept,
        the blanks are typed or picked, every document shown gets a file."""
        data, files = [], []
        if not fields:
            FAILURES.append({"name": "form GET", "user": self.username,
                             "message": "no filing form on the page",
                             "at": time.time()})  # fmt: skip
            return None, None
        for kind, name, value, rep_only in fields:
            if kind == "file":
                if rep_only:  # filing for themselves: no power of attorney
                    continue
                doc = CUSTOMERS["document_codes"].get(name, name)
                ext = "jpg" if doc in PHOTOGRAPHED else "pdf"
                content_type, body = FILES[ext]
                files.append((name, (f"{doc}.{ext}", body, content_type)))
            elif kind == "select":
                options = [o for o in value if o]
                if not options:
                    FAILURES.append({"name": "form GET", "user": self.username,
                                     "message": f"no choice offered for {name}",
                                     "at": time.time()})  # fmt: skip
                    return None, None
                # A branch near the customer's premises; the first of the rest.
                pick = random.choice(options) if name == "office" else options[0]
                data.append((name, pick))
            elif kind == "button":
                continue
            elif name in TYPED:
                data.append((name, TYPED[name]))
            elif value is not None:
                data.append((name, value))  # hidden fields, CSRF, contact phone
        return data, files

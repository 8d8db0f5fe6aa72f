"""Customers and counter staff for bench/soak.py (run by it; not on its own).

The customers are bench/locustfile.py's, unchanged: log in, file with uploads,
view the request, list "my requests". Next to them, BENCH_SOAK_STAFF counter
staff (locust's fixed_count), each logged in through the login form, repeat:
open their office's queue filtered to one state with work for them, open one of
the oldest requests there (one of the first few rows: the other counter of the
branch is looking at the same ones), read it for a moment, sometimes claim it, and take the next step
the page offers among STEPS through the page's own POST form: its fields and
CSRF token as given, `expected_state` as the page showed it, a date for an
appointment, the invoice's amount for a cash payment. Then the page the form
redirects to must say what happened:

- "Done: …" (or "Assignment saved.") → the step is recorded as done;
- "Someone else changed this request …", "This action is no longer possible
  …", "This invoice has already been paid." (or "There is no unpaid
  invoice …") → the other counter was first:
  recorded as lost, an expected outcome, not a failure;
- anything else (a 4xx/5xx, the form re-shown with errors, no message) is a
  failure.

Every step tried is written to BENCH_LOAD_OUT under "steps", for soak.py to
find each done step in the transition log exactly once.

Settings from the environment (soak.py sets them), besides bench/locustfile.py's:
BENCH_SOAK_STAFF       how many counter staff (0: none)
BENCH_SOAK_STAFF_WAIT  their think time between steps, "min,max" seconds
The staff usernames come with the customers (BENCH_LOAD_CUSTOMERS, "staff").
"""

import itertools
import os
import random
import re
import time
from datetime import datetime, timedelta

import gevent
from locust import between, task
from locustfile import (  # noqa: F401  (Customer: locust runs every user class here)
    CUSTOMERS,
    EXTRA,
    FAILURES,
    TIMEOUT,
    Customer,
    PortalUser,
    parse,
)


# The steps counter staff take here, in the order they are preferred when a
# page offers several; the states whose queue has them (weighted). New
# connection: accept, book the survey; meter test and insulation covers:
# accept, issue the fee invoice, take the cash payment (a receipt), book the
# test or the covers.
def _working_day_ahead(days: int):
    """The first day at least `days` ahead that is neither a weekend nor a Thai
    public holiday (the `holidays` package the portal's calendar uses)."""
    import holidays

    thai = holidays.country_holidays("TH")
    day = datetime.now().date() + timedelta(days=days)
    while day.weekday() >= 5 or day in thai:
        day += timedelta(days=1)
    return day


STEPS = ("accept", "quote_fees", "record_payment", "book_survey", "book_test",
         "book_covers")  # fmt: skip
QUEUES = {"submitted": 4, "accepted": 3, "fees_quoted": 2, "paid": 1}
PICK_AMONG = 4  # rows of the queue's top a counter chooses from
READ = (0.3, 1.5)  # seconds a counter reads the request before acting
CLAIM_SHARE = 0.3  # of the requests opened, claimed before the step
WAIT = [float(x) for x in os.environ.get("BENCH_SOAK_STAFF_WAIT", "0.5,2").split(",")]
ROW_RE = re.compile(r'href="/staff/requests/([A-Z]{2}\d{2}-\d{6})/"')
# The answers that mean another counter was first (English pages: the staff
# send Accept-Language: en).
LOST = (
    "Someone else changed this request",
    "This action is no longer possible",
    "This invoice has already been paid",
    "There is no unpaid invoice for this request",
)
STEPS_DONE: list[dict] = []  # every step tried: done or lost
EXTRA["steps"] = STEPS_DONE
_next_staff = itertools.count()


class Staff(PortalUser):
    fixed_count = int(os.environ.get("BENCH_SOAK_STAFF", "0"))
    abstract = fixed_count == 0  # none asked for: not run at all
    wait_time = between(*WAIT)
    prefix = "staff "

    def on_start(self):
        self.client.headers["Accept-Language"] = "en"
        names = CUSTOMERS["staff"]
        self.login(names[next(_next_staff) % len(names)], CUSTOMERS["password"])

    @task
    def work(self):
        if not getattr(self, "logged_in", False):
            self.login(self.username, CUSTOMERS["password"])
            return
        state = random.choices(list(QUEUES), list(QUEUES.values()))[0]
        with self.client.get(
            f"/staff/?state={state}", name="staff queue", catch_response=True,
            timeout=TIMEOUT,
        ) as r:  # fmt: skip
            if not self._page_ok(r, "staff queue"):
                return
            rows = list(dict.fromkeys(ROW_RE.findall(r.text)))
        if not rows:
            return  # nothing in that state at this office now
        reference = random.choice(rows[:PICK_AMONG])
        page = f"/staff/requests/{reference}/"
        with self.client.get(
            page, name="staff request page", catch_response=True, timeout=TIMEOUT
        ) as r:
            if not self._page_ok(r, "staff request page", must_contain=reference):
                return
            html = parse(r.text)
        gevent.sleep(random.uniform(*READ))  # the other counter may act meanwhile
        if random.random() < CLAIM_SHARE:
            claim = html.form_to(f"{page}assign/")
            if claim is not None and any(f[1] == "claim" for f in claim):
                self._post(page, "claim", f"{page}assign/", claim, state=None)
        for action in STEPS:
            fields = html.form_to(f"{page}act/{action}/")
            if fields is not None:
                self._post(page, action, f"{page}act/{action}/", fields, state=state)
                return

    def _post(self, page, action, url, fields, state):
        data = self._fill(fields, claim=action == "claim")
        seen = data.get("expected_state")
        name = "staff claim POST" if action == "claim" else "staff step POST"
        t0 = time.time()
        with self.client.post(
            url, data=data, name=name, catch_response=True, allow_redirects=False,
            headers=self._browser_post(page), timeout=TIMEOUT,
        ) as r:  # fmt: skip
            if r.status_code != 302 or r.headers.get("Location") != page:
                why = "form re-shown with errors" if r.status_code == 400 else (
                    "unexpected answer")  # fmt: skip
                self._fail(r, f"{name} {action}", why, parse(r.text).errors)
                return
            r.success()
        with self.client.get(
            page, name="staff request page (after)", catch_response=True,
            timeout=TIMEOUT,
        ) as r:  # fmt: skip
            if not self._page_ok(r, "staff request page (after)"):
                return
            messages = parse(r.text).messages
            levels = [level for level, _text in messages]
            texts = " | ".join(text for _level, text in messages)
            if levels == ["success"]:
                outcome = "done"
            elif levels == ["error"] and texts.startswith(LOST):
                outcome = "lost"
            else:
                r.failure(f"{action}: unexpected answer {messages}")
                FAILURES.append({"name": name, "user": self.username,
                                 "message": f"{action} on {page}: {messages}",
                                 "at": time.time()})  # fmt: skip
                return
        STEPS_DONE.append({"reference": page.split("/")[3], "action": action,
                           "expected_state": seen, "queue": state,
                           "user": self.username, "outcome": outcome,
                           "message": texts[:120], "t": t0})  # fmt: skip

    @staticmethod
    def _fill(fields, claim=False) -> dict:
        """The step's form as a counter fills it: what the page gives is kept
        (CSRF token, expected state, the invoice's amount); a note typed, an
        appointment at 10:00 on a working day two or more days ahead, no
        field staff chosen."""
        # A working day (the booking form warns about weekends and holidays
        # and asks to confirm, as a clerk would be asked).
        when = _working_day_ahead(2).strftime("%Y-%m-%dT10:00")
        data = {}
        for kind, name, value, _rep in fields:
            if kind == "select":
                data[name] = ""  # field staff: none yet (the first option)
            elif kind == "datetime-local":
                data[name] = value or when
            elif kind == "textarea" or name.endswith("-note"):
                data[name] = "soak"
            elif kind == "button":
                if claim and name == "claim":
                    data[name] = value
            elif value is not None:
                data[name] = value
        return data

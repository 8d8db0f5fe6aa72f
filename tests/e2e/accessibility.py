"""axe-core on every page a browser journey shows (issue 18: zero serious or
critical violations).

axe is the copy that the axe-playwright-python package ships (pinned in
requirements-dev.txt), evaluated in the page through the DevTools protocol,
which the portal's Content Security Policy does not apply to: the pages never
carry a script for it.

When to look: a journey never waits for a check it did not ask for, so the
watch runs axe *before the page is left*: before each goto, reload, back,
forward, click, key press or set_content, before a page or its context
closes, and at the test's end for contexts still open. Every document the
journey acted on or moved away from is checked in the state the journey left
it in, which includes each form sent back with errors.

What it costs: a check first asks the page for a cheap key (PAGE_KEY: its
path and a hash of its markup); a state met before, in this test or an
earlier one, is not run through axe again, so a click that changes nothing
costs one short round trip. And axe runs only the rules whose violations are
serious or critical (RUN).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
from playwright.sync_api import Error as PlaywrightError

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(
    encoding="utf-8"
)

IMPACTS = ("serious", "critical")

# What identifies a document's current state, for axe; null for what is not
# an HTML page (a PDF, JSON, a download). A hash of its elements, attributes
# and text, in which digits stand for data (references, dates, amounts, a
# QR code's or a chart's geometry): two states that differ only in them look
# alike to axe, and are checked once. Attributes that can change what axe
# finds (colours, roles, ids and what points at them, tab order) keep their
# digits, and the CSRF token is left out.
PAGE_KEY = r"""() => {
  if (document.contentType !== "text/html" || !document.body) return null;
  if (location.protocol === "about:" && !document.body.children.length) return null;
  const RAW = /^(style|fill|stroke|color|class|id|for|headers|tabindex|role|lang|type|name|aria-(labelledby|describedby|controls|owns|activedescendant|level|hidden))$/;
  let h = 0x811c9dc5, n = 0;
  const add = (text) => {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    n += text.length;
  };
  const walker = document.createTreeWalker(
    document.documentElement, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) { add(node.data.replace(/\d+/g, "0")); continue; }
    add("<" + node.tagName);
    if (node.name === "csrfmiddlewaretoken") continue;
    for (const attr of node.attributes) {
      add(" " + attr.name + "=" + (RAW.test(attr.name) ? attr.value : attr.value.replace(/\d+/g, "0")));
    }
  }
  return location.origin + location.pathname.replace(/\d+/g, "0") + " " + n + ":" + (h >>> 0);
}"""

RUN = r"""async ([context, options, impacts]) => {
  // Only the rules whose violations are serious or critical (each rule has
  // one impact): the others could fail no test, and cost a third of the run.
  const audit = axe._audit;
  if (audit && audit.rules && !options.runOnly) {
    const off = options.rules || {};
    options.runOnly = {type: "rule", values: audit.rules.filter(r =>
      r.enabled && impacts.includes(r.impact) && !r.tags.includes("experimental")
      && !(r.id in off)).map(r => r.id)};
  }
  const result = await axe.run(context, options);
  const found = [];
  for (const v of result.violations) {
    for (const n of v.nodes) {
      if (!impacts.includes(n.impact)) continue;
      found.push({
        rule: v.id, impact: n.impact, help: v.help,
        target: n.target.map(t => Array.isArray(t) ? t.join(" >>> ") : t).join(", "),
        html: n.html.slice(0, 160),
      });
    }
  }
  return found;
}"""

# Options for every page. preload off: the one rule that needs axe's copy of
# the style sheets (css-orientation-lock) builds it by re-inserting each sheet
# that has an @import (Django admin's) as an inline <style>, which the pages'
# policy refuses, as it should: a CSP violation in the other watch, and
# nothing learnt (portal.css locks no orientation).
OPTIONS = {"resultTypes": ["violations"], "preload": False}


@dataclass(frozen=True)
class ThirdParty:
    """What axe leaves out on a page the portal serves but whose markup it does
    not write, and why."""

    path: str  # a regular expression on the URL's path
    why: str
    rules: tuple[str, ...] = ()  # rules off on these pages
    elements: tuple[str, ...] = ()  # selectors no rule looks at


THIRD_PARTY = (
    ThirdParty(
        r"^/api/v1/docs/",
        "Swagger UI draws each operation's summary as a <button> with the "
        "operation's deep link, an <a>, inside it (swagger-ui-dist's React "
        "markup, not our template); the page is for developers of API "
        "clients. Its colours were ours to fix and are fixed "
        "(static/css/api-docs.css).",
        rules=("nested-interactive",),
    ),
    ThirdParty(
        r"^/admin/",
        "Django's own admin widgets: the date and time halves of a split "
        "date-time field are labelled by text, not <label> (AdminSplitDateTime), "
        "and SelectFilter2.js puts an aria-label on a bare <span> icon. Only "
        "these elements are left out; the admin's other markup is checked.",
        elements=(".vDateField", ".vTimeField", ".help-tooltip"),
    ),
)


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    target: str
    url: str
    html: str

    def __str__(self) -> str:
        return (
            f"{self.rule} ({self.impact}) at {self.target} on {self.url}: "
            f"{self.help}\n    {self.html}"
        )


# What axe found for each page state (PAGE_KEY), for the whole test session:
# the same state met again, in this test or a later one, is not run again,
# but its violations count again, against the page where it is met.
FOUND: dict[str, list[dict]] = {}


@dataclass
class AxeWatch:
    """The serious and critical violations of every page checked."""

    violations: list[Violation] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    pages_checked: int = 0  # page states looked at
    axe_runs: int = 0  # of them, those axe ran on (not met before)
    contexts: list = field(default_factory=list)  # the browser contexts watched
    seconds: float = 0.0  # spent checking, keys included (the watch's cost)

    def check(self, page) -> None:
        start = time.perf_counter()
        try:
            for attempt in (1, 2):
                if page.is_closed():
                    return
                try:
                    self._check(page)
                    return
                except PlaywrightError:
                    # The page moved on under the check (a navigation the last
                    # action started): look again once it has loaded.
                    if attempt == 2:
                        raise
        finally:
            self.seconds += time.perf_counter() - start

    def _check(self, page) -> None:
        page.wait_for_load_state("load")
        key = page.evaluate(PAGE_KEY)
        if key is None or key in self.checked:
            return
        url = page.url
        found = FOUND.get(key)
        if found is None:
            if not page.evaluate("typeof window.axe === 'object'"):
                page.evaluate(AXE_SOURCE)
            context, options = self.options_for(url)
            found = FOUND[key] = page.evaluate(RUN, [context, options, list(IMPACTS)])
            self.axe_runs += 1
        self.checked.add(key)
        self.pages_checked += 1
        known = set(self.violations)
        for item in found:
            violation = Violation(url=url.split("#")[0], **item)
            if violation not in known:
                known.add(violation)
                self.violations.append(violation)

    @staticmethod
    def options_for(url: str) -> tuple[dict, dict]:
        """axe's context (what it looks at) and options for this page."""
        path = urlsplit(url).path
        parties = [p for p in THIRD_PARTY if re.search(p.path, path)]
        context = {"exclude": [[sel] for p in parties for sel in p.elements]}
        options = dict(OPTIONS)
        rules = {rule: {"enabled": False} for p in parties for rule in p.rules}
        if rules:
            options["rules"] = rules
        return context, options

    def report(self) -> str:
        return (
            f"axe found {len(self.violations)} serious or critical accessibility "
            "violation(s):\n" + "\n".join(f"  {v}" for v in self.violations)
        )


# The actions that may leave a document: the watch checks the page first.
PAGE_ACTIONS = (
    "goto",
    "reload",
    "go_back",
    "go_forward",
    "click",
    "press",
    "set_content",
    "close",
)
LOCATOR_ACTIONS = ("click", "dblclick", "press")


def install(monkeypatch, watch: AxeWatch) -> None:
    """Patch Playwright's sync API so that every page of every context created
    from now on (until monkeypatch undoes it) is checked before it is left."""
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

    contexts = watch.contexts

    def before(method, page_of):
        def wrapper(self, *args, **kwargs):
            page = page_of(self)
            if page.context in contexts:
                watch.check(page)
            return method(self, *args, **kwargs)

        wrapper.__name__ = method.__name__
        return wrapper

    for name in PAGE_ACTIONS:
        monkeypatch.setattr(Page, name, before(getattr(Page, name), lambda p: p))
    for name in LOCATOR_ACTIONS:
        monkeypatch.setattr(
            Locator, name, before(getattr(Locator, name), lambda loc: loc.page)
        )

    original_close = BrowserContext.close

    def close(self, *args, **kwargs):
        if self in contexts:
            for page in self.pages:
                watch.check(page)
            contexts.remove(self)
        return original_close(self, *args, **kwargs)

    monkeypatch.setattr(BrowserContext, "close", close)

    original_new_context = Browser.new_context

    def new_context(self, *args, **kwargs):
        context = original_new_context(self, *args, **kwargs)
        contexts.append(context)
        return context

    monkeypatch.setattr(Browser, "new_context", new_context)


def check_open_contexts(watch: AxeWatch) -> None:
    """The last page of each context the test left open."""
    for context in watch.contexts:
        for page in context.pages:
            watch.check(page)

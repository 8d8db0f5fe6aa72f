"""What every browser journey shares: a Thai visitor's browser, no broker
(committed steps queue SMS and e-mail for a worker; none runs here), and two
watches. The Content Security Policy's: a journey whose pages break the policy
(an inline script or style, an on* attribute, a resource from elsewhere) errors
at teardown, even if the page still seemed to work. And axe-core's: a journey
one of whose pages has a serious or critical accessibility violation errors at
teardown, with each violation's rule, element and page (accessibility.py)."""

import pytest

from tests.e2e import accessibility

# Chromium reports each violation on the console ("Refused to ... because it
# violates the following Content Security Policy directive"); the event makes
# sure one that is not logged is counted too.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.effectiveDirective +
    " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" +
    e.lineNumber);
});
"""


# Blocked on purpose and harmless: Redoc always shows its vendor's logo from a
# CDN (no setting turns it off); the image hides itself when blocked.
EXPECTED = ("https://cdn.redoc.ly/redoc/logo-mini.svg",)


def watch_csp(context, violations: list) -> None:
    """Collect the policy violations of every page of this browser context."""
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text and not any(u in text for u in EXPECTED):
            where = message.page.url if message.page else "?"
            violations.append(f"{where}: {text}")

    context.on("console", on_console)


@pytest.fixture(autouse=True)
def csp_violations(monkeypatch):
    """Every browser context a journey opens (pytest-playwright's `page` or
    its own `browser.new_context()`) is watched; any violation fails it."""
    from playwright.sync_api import Browser

    violations = []
    original = Browser.new_context

    def new_context(self, *args, **kwargs):
        context = original(self, *args, **kwargs)
        watch_csp(context, violations)
        return context

    monkeypatch.setattr(Browser, "new_context", new_context)
    yield violations
    assert not violations, "Content Security Policy violations:\n" + "\n".join(
        violations
    )


@pytest.fixture(autouse=True)
def axe_violations(monkeypatch):
    """Every page of every browser context a journey opens is checked with
    axe before it is left; any serious or critical violation fails it."""
    watch = accessibility.AxeWatch()
    accessibility.install(monkeypatch, watch)
    yield watch
    accessibility.check_open_contexts(watch)
    assert not watch.violations, watch.report()


@pytest.fixture
def browser_context_args(browser_context_args):
    # The portal is Thai by default either way, but Chromium would otherwise
    # announce en-US.
    return {**browser_context_args, "locale": "th-TH", "timezone_id": "Asia/Bangkok"}


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("notifications.services._schedule", lambda pk: None)

"""Screenshots of the main pages, Thai and English, phone and desktop width.

    python scripts/screenshots.py http://127.0.0.1:8000 OUTDIR [NAME ...]

With names, only those pages are taken (e.g. work-orders flow).

Runs against a portal loaded with demo data (scripts/demo.sh). For looking at
what we build; not a test.
"""

import os
import re
import sys

from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from core.chromium import CHROMIUM_ARGS, CHROMIUM_PATH  # noqa: E402

BASE, OUT = sys.argv[1].rstrip("/"), sys.argv[2]
ONLY = set(sys.argv[3:])
PASSWORD = "demo1234!"
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def login(page, username):
    page.goto(f"{BASE}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")


def shoot(browser, who, pages, lang):
    for size, (w, h) in SIZES.items():
        ctx = browser.new_context(viewport={"width": w, "height": h})
        ctx.add_cookies([{"name": "pea_language", "value": lang, "url": BASE}])
        page = ctx.new_page()
        if who:
            login(page, who)
        for name, path in pages:
            if ONLY and name not in ONLY:
                continue
            if callable(path):
                path = path(page)
                if path is None:  # nothing of the kind in the demo data
                    continue
            page.goto(BASE + path)
            page.screenshot(
                path=os.path.join(OUT, f"{name}-{lang}-{size}.png"), full_page=True
            )
        ctx.close()


def first_link(pattern):
    def find(page):
        page.goto(BASE + pattern[0])
        links = page.locator(pattern[1])
        return links.first.get_attribute("href") if links.count() else None

    return find


def main():
    os.makedirs(OUT, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        for lang in ("th", "en"):
            shoot(
                browser,
                None,
                [
                    ("home", "/"),
                    ("signup", "/accounts/signup/"),
                    ("outage-report", "/outages/"),
                ],
                lang,
            )
            shoot(
                browser,
                "0812345671",
                [
                    ("my-requests", "/requests/"),
                    ("file", "/requests/new/new-connection/"),
                    ("request-detail", first_link(("/requests/", "a.request-link"))),
                    ("voice", "/voice/"),
                    ("my-accounts", "/bills/accounts/"),
                    ("bill-account", "/bills/accounts/020300100101/"),
                    (
                        "bill",
                        first_link(
                            ("/bills/accounts/020300100102/", "[data-history] a")
                        ),
                    ),
                    ("bills-pay", "/bills/pay/"),
                    (
                        "rate",
                        first_link(("/requests/", "a.request-link:has(.badge-closed)")),
                    ),
                ],
                lang,
            )
            shoot(
                browser,
                "counter",
                [
                    ("queue", "/staff/"),
                    (
                        "queue-next",
                        lambda page: (
                            "/staff/" + first_link(("/staff/", "nav.pager a"))(page)
                        ),
                    ),
                    (
                        "staff-detail",
                        first_link(("/staff/?state=fees_quoted", "table.queue a")),
                    ),
                    (
                        "staff-survey",
                        first_link(("/staff/?state=survey_booked", "table.queue a")),
                    ),
                    ("walk-in", "/staff/file/"),
                    ("work-orders", "/staff/work-orders/?status=all"),
                    ("cash", "/staff/cash/"),
                    (
                        "staff-clocks",
                        first_link(("/staff/?state=paid", "table.queue a")),
                    ),
                    ("flow", "/staff/flows/meter_test/"),
                    ("outages", "/staff/outages/"),
                    (
                        "outage-incident",
                        first_link(("/staff/outages/", "table.queue a")),
                    ),
                ],
                lang,
            )
            shoot(
                browser,
                "supervisor",
                [
                    ("dashboard", "/staff/dashboard/?weeks=52"),
                    ("dashboard-list", "/staff/dashboard/list/open/"),
                    ("refunds", "/staff/refunds/?status=paid"),
                    ("settlements", "/staff/settlements/"),
                    ("ratings", "/staff/ratings/"),
                    (
                        "complaint",
                        first_link(("/staff/?service=complaint", "table.queue a")),
                    ),
                    (
                        "settlement",
                        first_link(("/staff/settlements/", "table.queue a")),
                    ),
                    ("refunds-due", "/staff/refunds/"),
                ],
                lang,
            )
            shoot(
                browser,
                "admin",
                [
                    ("billing-imports", "/staff/bills/imports/"),
                    (
                        "billing-import",
                        first_link(("/staff/bills/imports/", "table.queue a")),
                    ),
                ],
                lang,
            )
        browser.close()
    print("\n".join(sorted(f for f in os.listdir(OUT) if re.search(r"\.png$", f))))


if __name__ == "__main__":
    main()

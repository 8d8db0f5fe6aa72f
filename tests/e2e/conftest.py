"""What every browser journey shares: a Thai visitor's browser, and no broker
(committed steps queue SMS and e-mail for a worker; none runs here)."""

import pytest


@pytest.fixture
def browser_context_args(browser_context_args):
    # The portal is Thai by default either way, but Chromium would otherwise
    # announce en-US.
    return {**browser_context_args, "locale": "th-TH", "timezone_id": "Asia/Bangkok"}


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("notifications.services._schedule", lambda pk: None)

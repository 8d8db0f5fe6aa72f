"""Where bills come from: the billing system (ECS / c-Service), behind an
adapter chosen by the BILLING_SOURCE setting (a dotted path, like
PAYMENT_PROVIDER).

A source is a class whose instances answer `issue_bills(*, today) -> int`,
called once a day by beat (bills.tasks.issue_bills): a source that issues
bills itself does so there and says how many. Its class says `is_fake = True`
when it is a stand-in that invents bills; bills/checks.py then refuses it
with DEBUG off unless ALLOW_FAKE_BILLING marks a staging demo.

- `bills.sources.ExportFiles` (production): the billing system issues the
  bills; they arrive in its export files, imported by `manage.py
  import_billing FILE…` or the administrators' upload (bills.importer). The
  daily run has nothing to do.
- `bills.fake_billing.FakeBillingSystem` (embedded demo, tests): reads the
  meters and issues each month's bills itself.
"""

from datetime import date
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class BillingSource(Protocol):
    def issue_bills(self, *, today: date) -> int: ...


class ExportFiles:
    """The real billing system: its bills arrive as export files
    (bills.importer, docs/billing-import.md), not from this run."""

    is_fake = False

    def issue_bills(self, *, today: date) -> int:
        return 0


def source_class() -> type:
    """The configured class (ImportError when BILLING_SOURCE names none)."""
    return import_string(settings.BILLING_SOURCE)


def billing_source() -> BillingSource:
    return source_class()()


def is_fake_source() -> bool:
    try:
        return bool(getattr(source_class(), "is_fake", False))
    except ImportError:
        return False

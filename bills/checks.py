"""No invented bills in production: with DEBUG off, a fake billing system
(bills.fake_billing) is a system check error that stops runserver, gunicorn,
the Celery worker and `check --deploy`, unless ALLOW_FAKE_BILLING marks a
staging demo; so is a BILLING_SOURCE that cannot be imported."""

from django.conf import settings
from django.core import checks

from bills.sources import is_fake_source, source_class

HINT = (
    "Set BILLING_SOURCE=bills.sources.ExportFiles (bills arrive in the billing "
    "system's export files, imported by import_billing), or ALLOW_FAKE_BILLING=true "
    "for a staging demo."
)


@checks.register(checks.Tags.security)
def check_billing_source(app_configs=None, **kwargs):
    try:
        source_class()
    except ImportError as exc:
        return [
            checks.Error(
                f"BILLING_SOURCE {settings.BILLING_SOURCE!r} cannot be imported: {exc}",
                id="bills.E001",
            )
        ]
    if settings.DEBUG or settings.ALLOW_FAKE_BILLING or not is_fake_source():
        return []
    return [
        checks.Error(
            f"BILLING_SOURCE is the fake billing system {settings.BILLING_SOURCE!r} "
            "while DEBUG is off: it would issue invented bills to customers.",
            hint=HINT,
            id="bills.E002",
        )
    ]

"""No fake money in production: with DEBUG off, a test payment provider, an
unset provider secret or a published development secret is a system check
error, unless ALLOW_TEST_PAYMENTS marks a staging demo (every page then shows
the test-payments banner, payments/context_processors.py)."""

from django.conf import settings
from django.core import checks

from payments.provider import provider_class, takes_test_payments

# Published in this repository (settings' default, docs and tests).
KNOWN_PROVIDER_SECRETS = frozenset({"dev-fakepay-secret", "change-me"})

HINT = (
    "Configure the real payment provider (PAYMENT_PROVIDER and "
    "PAYMENT_PROVIDER_SECRETS), or set ALLOW_TEST_PAYMENTS=true for a staging "
    "demo, where every page then says that payments are tests."
)


@checks.register(checks.Tags.security)
def check_payment_provider(app_configs=None, **kwargs):
    if settings.DEBUG or settings.ALLOW_TEST_PAYMENTS:
        return []
    try:
        provider_class()
    except ImportError as exc:
        return [
            checks.Error(
                f"PAYMENT_PROVIDER {settings.PAYMENT_PROVIDER!r} cannot be "
                f"imported: {exc}",
                id="payments.E001",
            )
        ]
    errors = []
    if takes_test_payments():
        errors.append(
            checks.Error(
                f"PAYMENT_PROVIDER is the test provider {settings.PAYMENT_PROVIDER!r} "
                "while DEBUG is off: it would take fake payments as real.",
                hint=HINT,
                id="payments.E002",
            )
        )
    secrets = settings.PAYMENT_PROVIDER_SECRETS
    if not secrets:
        errors.append(
            checks.Error(
                "PAYMENT_PROVIDER_SECRETS is unset while DEBUG is off.",
                hint=HINT,
                id="payments.E003",
            )
        )
    elif any(secret in KNOWN_PROVIDER_SECRETS for secret in secrets):
        errors.append(
            checks.Error(
                "PAYMENT_PROVIDER_SECRETS holds a published development secret "
                "while DEBUG is off: anyone could sign a payment callback.",
                hint=HINT,
                id="payments.E004",
            )
        )
    return errors

"""System checks that refuse development defaults once DEBUG is off.

Django runs them before `runserver` serves and in `check --deploy`; the WSGI
and ASGI entry points and the Celery worker run them too (`refuse_unsafe_start`),
so gunicorn does not start on them. Each is an Error, not a warning: a published
secret must never keep working in production.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

SECRET_KEY_MIN_LENGTH = 50
# Values published in this repository or its documentation, and the marks such
# example values carry.
KNOWN_SECRET_KEYS = frozenset(
    {
        "dev-only-insecure-key-change-me-in-production-0123456789abcdef",
        "change-me-to-50-random-characters",
        "build-only",
    }
)
_EXAMPLE_MARKS = ("django-insecure", "insecure-key", "not-a-secret", "change-me")


def secret_key_problem(key: str) -> str | None:
    """Why this SECRET_KEY may not be used with DEBUG off, or None."""
    lowered = key.lower()
    if key in KNOWN_SECRET_KEYS or any(mark in lowered for mark in _EXAMPLE_MARKS):
        return "is a published example or development value"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < 5:
        return "has fewer than 5 different characters"
    return None


@checks.register(checks.Tags.security)
def check_secret_key(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    problem = secret_key_problem(settings.SECRET_KEY)
    if problem is None:
        return []
    return [
        checks.Error(
            f"SECRET_KEY {problem} while DEBUG is off.",
            hint="Set SECRET_KEY to 50 or more random characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'.",
            id="core.E001",
        )
    ]


def refuse_unsafe_start() -> None:
    """Raise ImproperlyConfigured when a security check fails: called by the
    WSGI/ASGI entry points and the Celery worker before they serve anything."""
    errors = [
        message
        for message in checks.run_checks(tags=[checks.Tags.security])
        if message.is_serious() and not message.is_silenced()
    ]
    if errors:
        raise ImproperlyConfigured(
            "refusing to start: " + " ".join(f"{e.id}: {e.msg}" for e in errors)
        )

"""The customer's phone, for tests: an SMS backend at the world's edge that
keeps what each number received, as the handset shows it (the portal's own
backends keep no reset code: notifications/backends.py)."""

from contextlib import contextmanager

from django.test import override_settings

INBOX: dict[str, list[str]] = {}


class HandsetSMSBackend:
    def send(self, message) -> None:
        INBOX.setdefault(message.to, []).append(message.body)


@contextmanager
def handset():
    """SMS sent inside the block reach INBOX (emptied first)."""
    INBOX.clear()
    with override_settings(SMS_BACKEND=f"{__name__}.HandsetSMSBackend"):
        yield INBOX

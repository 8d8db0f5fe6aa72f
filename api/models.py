"""API tokens for the Smart Plus mobile app: stored as a SHA-256 of the key
(the key itself is shown once), with an expiry and a revocation."""

import hashlib

from django.conf import settings
from django.db import models


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the key, to tell a user's tokens apart.
    prefix = models.CharField(max_length=8)
    device = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # A user's live tokens (revoke all on password change).
            models.Index(
                fields=["user", "expires_at"],
                name="api_token_live_idx",
                condition=models.Q(revoked_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.user_id}"

"""What other apps ask of the API's tokens, by dotted path in settings (the
base layer imports nothing above it, issue 17)."""

from datetime import datetime

from api.models import ApiToken


def api_tokens_revoke(*, user, at: datetime) -> int:
    """Revoke every live token of `user` (settings.CREDENTIALS_CHANGED_HOOKS:
    a new password ends every app session); how many were live."""
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=at)

"""The API's throttles (settings.REST_FRAMEWORK): DRF's rate throttles with
two changes.

- The client is the address the login lockout and the security log see
  (core.security_log.client_ip: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT
  proxies of ours the address the outermost one saw), not DRF's own reading
  of X-Forwarded-For, which without NUM_PROXIES takes the whole header as
  the client sends it: a new header each time was a new client.
- Counts live in the default cache, which is shared by every process
  (settings.CACHES: Redis with CACHE_URL, else a database table). If Redis
  cannot be reached the request is let through and a warning logged: the
  API keeps answering, and django-axes (in the database) still locks out
  password guessing.
"""

import logging

from rest_framework import throttling

from core.security_log import client_ip

logger = logging.getLogger(__name__)


def _cache_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is in requirements.txt
        return ()
    return (RedisError,)


class ClientAddressMixin:
    """`get_ident` and a cache outage as described in the module docstring."""

    def get_ident(self, request) -> str:
        return client_ip(request) or ""

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except _cache_errors() as exc:
            logger.warning(
                "throttle %s: cache unreachable (%s); request let through",
                type(self).__name__,
                type(exc).__name__,
            )
            return True


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass

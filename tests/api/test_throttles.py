"""The API's throttles (api/throttling.py) count per client address as the
login lockout reads it (TRUSTED_PROXY_COUNT), in a cache every process of
the portal shares (CACHE_URL: Redis, else the `pea_cache` table)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from api.apis.auth import LoginThrottle
from pea_portal.env import cache_from_url
from tests.conftest import REQUIRE_SERVICES

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TOKENS = "/api/v1/auth/tokens/"
LIMIT = 10  # API_THROTTLE_LOGIN's default, 10/min


def using_cache(url: str):
    """CACHES as CACHE_URL=url gives them, for the `with` block (restored
    before the fixtures' teardown clears the cache)."""
    return override_settings(CACHES={"default": cache_from_url(url)})


def failed_login(api, n: int, **extra) -> int:
    """A wrong password for a different username each time (so django-axes'
    lockout, per username and address, never answers for the throttle)."""
    return api.post(TOKENS, {"username": f"nobody{n}", "password": "wrong"},
                    format="json", **extra).status_code  # fmt: skip


def test_a_new_x_forwarded_for_each_time_is_still_the_same_client(api, settings):
    """No proxy of ours (TRUSTED_PROXY_COUNT=0): X-Forwarded-For is the
    client's to write and is ignored."""
    settings.TRUSTED_PROXY_COUNT = 0
    codes = [
        failed_login(api, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(15)
    ]
    assert codes == [401] * LIMIT + [429] * 5
    response = api.post(TOKENS, {"username": "x", "password": "y"}, format="json",
                        HTTP_X_FORWARDED_FOR="192.0.2.200")  # fmt: skip
    assert response.json()["error"]["code"] == "throttled"


def test_behind_one_proxy_the_address_it_saw_is_the_client(api, settings):
    """TRUSTED_PROXY_COUNT=1: the last hop (added by our proxy) is the
    client; what the client wrote to the left of it changes nothing."""
    settings.TRUSTED_PROXY_COUNT = 1
    forged = [
        failed_login(api, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7")
        for n in range(15)
    ]
    assert forged == [401] * LIMIT + [429] * 5
    # Fifteen different clients behind the same proxy: none is throttled.
    others = [
        failed_login(
            api, 100 + n, HTTP_X_FORWARDED_FOR=f"192.0.2.9, 198.51.100.{n + 20}"
        )
        for n in range(15)
    ]
    assert others == [401] * 15


def test_the_counts_are_rows_of_the_shared_table_not_process_memory(api, settings):
    """CACHE_URL unset: the counts are in the database's `pea_cache` table;
    emptying the table (as another process sees it) empties the count."""
    assert settings.CACHES == {
        "default": cache_from_url(os.environ.get("CACHE_URL", ""))
    }
    with using_cache(""):
        _counts_in_the_table(api)


def _counts_in_the_table(api):
    call_command("createcachetable", verbosity=0)  # if CACHE_URL was set at start
    addr = {"REMOTE_ADDR": "198.51.100.20"}
    assert [failed_login(api, n, **addr) for n in range(LIMIT + 1)] == (
        [401] * LIMIT + [429]
    )
    key = LoginThrottle.cache_format % {"scope": "login", "ident": "198.51.100.20"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM pea_cache")
        rows = [row[0] for row in cursor.fetchall()]
    assert any(row.endswith(key) for row in rows), rows
    # A cache object of its own (as another process has) reads the history.
    other = caches.create_connection("default")
    assert len(other.get(key)) == LIMIT
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM pea_cache")
    assert failed_login(api, 99, **addr) == 401


def test_migrate_makes_the_cache_table():
    with using_cache(""), connection.cursor() as cursor:
        if "pea_cache" in connection.introspection.table_names(cursor):
            cursor.execute("DROP TABLE pea_cache")
        call_command("migrate", verbosity=0)
        assert "pea_cache" in connection.introspection.table_names(cursor)


def test_cache_url_takes_redis_and_refuses_anything_else():
    from django.core.exceptions import ImproperlyConfigured

    redis = cache_from_url("redis://127.0.0.1:6379/6")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/6"
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("memcached://127.0.0.1:11211")


def _redis_url() -> str | None:
    from django.conf import settings

    for url in (os.environ.get("CACHE_URL", ""), settings.CELERY_BROKER_URL):
        if url.startswith("redis://"):
            import redis

            try:
                redis.Redis.from_url(url, socket_connect_timeout=2).ping()
            except redis.RedisError:
                return None
            return url
    return None


def _bump_in_another_process(env: dict, addr: str, times: int) -> list:
    """Another Python process of the portal (as another gunicorn worker or
    host) passes `times` requests from `addr` through the login throttle."""
    script = (
        "import json, sys, django\n"
        "django.setup()\n"
        "from django.test import RequestFactory\n"
        "from rest_framework.request import Request\n"
        "from api.apis.auth import LoginThrottle\n"
        "seen = []\n"
        "for _ in range(int(sys.argv[2])):\n"
        "    r = Request(RequestFactory().post('/api/v1/auth/tokens/',"
        " REMOTE_ADDR=sys.argv[1]))\n"
        "    seen.append(LoginThrottle().allow_request(r, None))\n"
        "print(json.dumps(seen))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pea_portal.settings", **env}
    done = subprocess.run(
        [sys.executable, "-c", script, addr, str(times)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("store", ["database", "redis"])
def test_two_processes_share_the_count(api, store):
    addr = f"198.51.100.{40 if store == 'database' else 41}"
    if store == "database":
        reason = (
            None
            if connection.vendor == "postgresql"
            else "a second process cannot open the in-memory SQLite test database"
        )
        db = connection.settings_dict
        child = {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}"
            f"/{db['NAME']}",
            "CACHE_URL": "",  # the database's table
        }
        url = ""
    else:
        url = _redis_url()
        reason = None if url else "no reachable Redis (CACHE_URL or CELERY_BROKER_URL)"
        child = {"CACHE_URL": url or ""}
    if reason:
        if REQUIRE_SERVICES:
            pytest.fail(reason)
        pytest.skip(reason)
    key = LoginThrottle.cache_format % {"scope": "login", "ident": addr}
    with using_cache(url):
        caches["default"].delete(key)
        try:
            assert _bump_in_another_process(child, addr, LIMIT) == [True] * LIMIT
            # This process has not seen the address before, and refuses it.
            assert failed_login(api, 1, REMOTE_ADDR=addr) == 429
            assert failed_login(api, 2, REMOTE_ADDR="198.51.100.42") == 401
        finally:
            caches["default"].delete(key)


def test_an_unreachable_redis_lets_requests_through(api, caplog):
    with using_cache("redis://127.0.0.1:1/0"):
        assert failed_login(api, 1) == 401
    assert "cache unreachable (ConnectionError)" in caplog.text

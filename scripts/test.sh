#!/usr/bin/env bash
# Run the whole test suite (browser journeys included when Chromium is present).
# Uses DATABASE_URL / CELERY_BROKER_URL when set (CI: PostgreSQL and Redis),
# otherwise SQLite. Extra arguments go to pytest.
source "$(dirname "$0")/bootstrap.sh"
# A build step: no secret needed, none kept (settings refuse to run without one).
PEA_INSECURE_DEV_KEY=true python manage.py compilemessages_py -v0
set +e
# Two pytest-xdist workers by default (TEST_WORKERS; 0 runs in one process):
# each has its own test database and Redis database (tests/dev_env.py).
python -m pytest -m "not slow and not drill" -n "${TEST_WORKERS:-2}" "$@"
rc=$?
set -e
# pytest's 5 means "no test ran": that is a failure here, never a pass.
exit $rc

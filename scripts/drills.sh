#!/usr/bin/env bash
# Fault drills (issue 9) on real processes: a worker SIGKILLed mid-task, Redis
# down under traffic, PostgreSQL restarted under traffic, two beat schedulers.
# They start their OWN PostgreSQL cluster (port DRILL_PG_PORT, default 5439)
# and Redis (DRILL_REDIS_PORT, 6391) in a temporary folder, never the shared
# ones, and remove them at the end. Prints a table of what was tried and what
# held; exits non-zero if anything did not hold. Extra arguments go to pytest
# (e.g. -k redis); DRILL_REDIS_DOWN (seconds, default 60) and DRILL_PG_DOWN
# (default 5) set the outages. Results: docs/drills.md.
source "$(dirname "$0")/bootstrap.sh"
staging_env
python manage.py compilemessages_py -v0

DRILL_DIR=$(mktemp -d /tmp/pea-drills-XXXXXX)
export DRILL_DIR
export DRILL_PG_PORT=${DRILL_PG_PORT:-5439} DRILL_REDIS_PORT=${DRILL_REDIS_PORT:-6391}
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    # What a failed drill's processes said, before their folder goes.
    for log in "$DRILL_DIR"/logs/*.log; do
      [ -f "$log" ] || continue
      echo "---- last lines of $(basename "$log")"
      tail -n 60 "$log"
    done
  fi
  python -m drills.services down || true
  # Belt and braces: the process groups the drills recorded, by pid.
  for f in "$DRILL_DIR"/pids/*.pid; do
    [ -f "$f" ] || continue
    kill -KILL -- "-$(cat "$f")" 2>/dev/null || true
  done
  if [ -n "${DRILL_KEEP:-}" ]; then echo "drills: kept $DRILL_DIR"; else rm -rf "$DRILL_DIR"; fi
  exit $rc
}
trap cleanup EXIT INT TERM

# The drills' own processes read these (and so does pytest's own process).
export DATABASE_URL=postgres://postgres@127.0.0.1:$DRILL_PG_PORT/postgres
export CELERY_BROKER_URL=redis://127.0.0.1:$DRILL_REDIS_PORT/0
export CELERY_VISIBILITY_TIMEOUT=${CELERY_VISIBILITY_TIMEOUT:-10}
export DEBUG=false
export ALLOWED_HOSTS=127.0.0.1,localhost,testserver SECURE_COOKIES=false STATIC_MANIFEST=false
export PEA_VAR_DIR=$DRILL_DIR/var PRIVATE_STORAGE_ROOT=$DRILL_DIR/driver-private
export SMS_BACKEND=notifications.backends.DatabaseSMSBackend
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend

python -m drills.services up
set +e
python -m pytest -m drill drills/ -s "$@"
rc=$?
set -e
exit $rc

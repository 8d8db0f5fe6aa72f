#!/usr/bin/env bash
# Soak (issue 9): customers filing with uploads and counter staff working their
# queues at once, for several minutes, on gunicorn (3 sync workers, DEBUG off)
# and a real Celery worker with beat. Zero 5xx and zero unexpected answers,
# nothing lost or doubled (the database checked afterwards, every staff step
# against the transition log), memory flat (RSS of every gunicorn and Celery
# process sampled). Prints a table; writes bench/soak.json; exits 1 if anything
# did not hold. CI runs it after the drills (.ci/run). Results: docs/drills.md.
#   bash scripts/soak.sh [--minutes 2.5] [--customers 10] [--staff 4]
# More options: bash scripts/soak.sh --help. It uses a database of its own
# (SOAK_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/pea_soak,
# created if missing and emptied on each run) and a Redis database of its own
# (SOAK_BROKER_URL, default redis://127.0.0.1:6379/13) on the shared servers.
source "$(dirname "$0")/bootstrap.sh"
bench_requirements
staging_env
python manage.py compilemessages_py -v0
export DATABASE_URL=${SOAK_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pea_soak}
export CELERY_BROKER_URL=${SOAK_BROKER_URL:-redis://127.0.0.1:6379/13}
export DEBUG=false STATIC_MANIFEST=false ALLOWED_HOSTS=testserver
database_exists_or_create "$DATABASE_URL"
python bench/soak.py "$@"

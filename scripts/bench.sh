#!/usr/bin/env bash
# Benchmarks (not tests): the SLA sweep and dashboard at 100k and 1M open
# requests, on PostgreSQL (a database of their own, emptied and reloaded).
#   bash scripts/bench.sh [--open 100000 1000000] [--due 0.01]   SLA sweep, dashboard
#   bash scripts/bench.sh receipts                              receipts, callbacks
#   bash scripts/bench.sh pages [--sizes 10000 100000 1000000]   pages vs the floor
#   bash scripts/bench.sh load [--users 10 50] [--time 60]       filing under load (locust)
#   bash scripts/bench.sh import [--accounts 1000000]            billing export files
#   bash scripts/bench.sh overdue [--due 10000]                  overdue sweep (after import)
#   bash scripts/bench.sh all                                   every figure of bench/README.md
set -euo pipefail
# A fresh machine: its packages and services first, as CI does.
bash "$(dirname "$0")/machine.sh" >/dev/null
source "$(dirname "$0")/bootstrap.sh"
staging_env
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pea_bench}
export CELERY_BROKER_URL=${BENCH_BROKER_URL:-redis://127.0.0.1:6379/14}
export DEBUG=false STATIC_MANIFEST=false ALLOWED_HOSTS=testserver
database_exists_or_create "$DATABASE_URL"
if [ "${1:-}" = "receipts" ]; then
  shift
  python bench/receipts_bench.py "$@"
elif [ "${1:-}" = "pages" ]; then
  shift
  python bench/pages_bench.py "$@"
elif [ "${1:-}" = "import" ]; then
  shift
  python bench/import_bench.py "$@"
elif [ "${1:-}" = "overdue" ]; then
  shift
  python bench/overdue_bench.py "$@"
elif [ "${1:-}" = "load" ]; then
  shift
  bench_requirements
  python bench/load_bench.py "$@"
elif [ "${1:-}" = "all" ]; then
  # Every figure of bench/README.md, one after the other.
  python bench/sla_bench.py
  python bench/receipts_bench.py
  python bench/pages_bench.py --sizes 10000 100000 1000000
  bench_requirements
  python bench/load_bench.py
else
  python bench/sla_bench.py "$@"
fi

# Sourced by the other scripts: a virtual environment with the pinned
# requirements, reinstalled only when a requirements file changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"

# The load generator (locust) only the load benchmark and the soak need
# (scripts/bench.sh load, scripts/soak.sh), installed into .venv when
# requirements-bench.txt changes.
bench_requirements() {
  local want
  want=$(sha256sum requirements-bench.txt | cut -d' ' -f1)
  if [ "$(cat .venv/.requirements-bench.sha 2>/dev/null)" != "$want" ]; then
    .venv/bin/pip install -q --disable-pip-version-check -r requirements-bench.txt
    echo "$want" > .venv/.requirements-bench.sha
  fi
}

# A PostgreSQL database of the benchmarks' or the soak's own (postgres://…/name),
# created when missing.
database_exists_or_create() {
  local url=$1 db=${1##*/}
  psql "${url%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || psql "${url%/*}/postgres" -qc "CREATE DATABASE $db"
}

# What the drills, the soak and the benchmarks run the app with (DEBUG off, the
# fake provider): test payments allowed and a random SECRET_KEY for this run,
# unless one is given; the system checks refuse both defaults otherwise
# (payments/checks.py, core/checks.py).
staging_env() {
  export ALLOW_TEST_PAYMENTS=true
  export ALLOW_FAKE_BILLING=true
  if [ -z "${SECRET_KEY:-}" ]; then
    SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(48))')
    export SECRET_KEY
  fi
}

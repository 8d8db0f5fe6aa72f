#!/usr/bin/env bash
# Run the portal on the embedded default: SQLite, a Celery worker (with beat)
# whose broker is a folder under var/, migrations applied, demo data loaded.
# DEBUG is off, as in production; scripts/demo_env.sh sets the environment
# (PORT, SITE_URL following it, test payments, the generated key, static files).
source "$(dirname "$0")/bootstrap.sh"
source scripts/demo_env.sh
python manage.py migrate --no-input -v0
python manage.py compilemessages_py -v0
python manage.py collectstatic --no-input -v0
python manage.py demo_seed
celery -A pea_portal worker -B --pool=solo --loglevel=WARNING \
  --schedule "$PEA_VAR_DIR/celerybeat-schedule" &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo
echo "PEA Smart Plus portal: http://127.0.0.1:${PORT}/   (staff: http://127.0.0.1:${PORT}/staff/)"
if [ "$SITE_URL" != "http://127.0.0.1:${PORT}" ]; then
  echo "Links in messages and payment callbacks use SITE_URL=${SITE_URL}"
fi
echo "DEBUG=${DEBUG}, test payments (the fake provider; no money moves)"
echo
python manage.py runserver "127.0.0.1:${PORT}"

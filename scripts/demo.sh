#!/usr/bin/env bash
# Run the portal on the embedded default: SQLite, a Celery worker (with beat)
# whose broker is a folder under var/, migrations applied, demo data loaded.
source "$(dirname "$0")/bootstrap.sh"
export DEBUG=${DEBUG:-true}
PORT=${PORT:-8000}
python manage.py migrate --no-input -v0
python manage.py compilemessages_py -v0
python manage.py demo_seed
celery -A pea_portal worker -B --pool=solo --loglevel=WARNING \
  --schedule var/celerybeat-schedule &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo
echo "PEA Smart Plus portal: http://127.0.0.1:${PORT}/   (staff: http://127.0.0.1:${PORT}/staff/)"
echo
python manage.py runserver "127.0.0.1:${PORT}"

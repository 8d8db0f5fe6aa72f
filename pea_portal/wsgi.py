import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pea_portal.settings")
application = get_wsgi_application()

# gunicorn (or any WSGI server) does not start on a development default that
# DEBUG off refuses: a fake payment provider, a published secret (core/checks.py).
from core.checks import refuse_unsafe_start  # noqa: E402

refuse_unsafe_start()

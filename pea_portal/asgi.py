import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pea_portal.settings")
application = get_asgi_application()

# As pea_portal/wsgi.py: no start on a development default refused with DEBUG off.
from core.checks import refuse_unsafe_start  # noqa: E402

refuse_unsafe_start()

"""What bench/helpdesk_peer.py asks of the peer, run by the peer's own python
(var/helpdesk-venv) with its settings, so that django-helpdesk's models, its
signals (UserSettings for each user, a permission for each queue) and its
session store do the work, never the portal's code:

    python -m helpdesk_site.bench_tools setup     queues, staff, session (JSON)
    python -m helpdesk_site.bench_tools queries PATH...   queries per GET (JSON)

The tickets themselves are loaded in SQL by bench/helpdesk_peer.py.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from helpdesk.models import Queue  # noqa: E402

QUEUES = [
    ("New connections", "new-connection"),
    ("Billing and payments", "billing"),
    ("Outages and faults", "outage"),
    ("Meters", "meter"),
    ("General enquiries", "general"),
]
AGENTS = 12
STAFF = "hd-staff"


def setup() -> dict:
    """A few queues, agents to assign tickets to, and the staff user whose
    logged-in session the benchmark sends (tables emptied by the loader)."""
    queues = [
        Queue.objects.create(
            title=title, slug=slug, email_address=f"{slug}@example.com"
        )
        for title, slug in QUEUES
    ]
    user_model = get_user_model()
    agents = [
        user_model.objects.create_user(
            f"hd-agent{i:02d}",
            f"agent{i:02d}@example.com",
            first_name="Agent",
            last_name=f"{i:02d}",
            is_staff=True,
        )
        for i in range(AGENTS)
    ]
    staff = user_model.objects.create_user(
        STAFF, "staff@example.com", first_name="Staff", last_name="Lead", is_staff=True
    )
    s = SessionStore()
    s[SESSION_KEY] = str(staff.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    s.create()
    from django.conf import settings

    return {
        "queues": [q.pk for q in queues],
        "agents": [a.pk for a in agents],
        "staff": staff.pk,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={s.session_key}",
    }


def queries(paths) -> dict:
    """Queries of one GET of each path by the staff user (after one warm-up),
    through Django's test client, as pages_bench counts the portal's."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=STAFF))
    counts = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = len(ctx)
    return counts


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = setup() if command == "setup" else queries(args)
    print(json.dumps(result))

"""The portal's settings plus the benchmark's framework floor (bench/urls.py)."""

from pea_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

"""gunicorn's settings for the portal: `gunicorn -c pea_portal/gunicorn_conf.py
pea_portal.wsgi` (Dockerfile, docker-compose.yml, drills, bench).

Access log lines quote the request line, the query string and the Referer as
they came, and the staff queue's search box sends phone numbers and national
IDs in the URL (`GET /staff/?q=0812345671`: kept a GET, so its pages and
bookmarks work). The logger class below blanks them (core/redaction.py: 13-digit
numbers and Thai mobile numbers, also percent-encoded or with `+` for spaces)
in every access and error log line gunicorn writes, whatever the format;
the rest of the line is unchanged:

    127.0.0.1 - - [03/Dec/2026:10:04:05 +0700] "GET /staff/?q=[PHONE] HTTP/1.1" 200 ...

Options given on the command line (-w, -b, --access-logfile) still apply.
"""

import sys
from pathlib import Path

from gunicorn.glogging import Logger

# gunicorn reads this file before it puts the working directory on sys.path
# (and the `gunicorn` script does not): the project root, for core.redaction.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from core.redaction import RedactPersonalDataFilter  # noqa: E402


class RedactingLogger(Logger):
    """gunicorn's logger with the portal's redaction filter on its access and
    error loggers (the error log quotes the URI of a request that failed)."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, RedactPersonalDataFilter) for f in log.filters):
                log.addFilter(RedactPersonalDataFilter())


logger_class = RedactingLogger

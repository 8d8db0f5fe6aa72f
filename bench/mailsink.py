"""An e-mail backend for the soak (bench/soak.py): each message becomes one
line (recipients, subject) appended to the file BENCH_MAIL_SINK, so the soak
can count the e-mails the worker sent against the outbox. Django's locmem
backend, which the load benchmark uses, keeps every message in the worker's
memory: a leak by design, wrong for a memory soak."""

import os

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        lines = "".join(
            f"{','.join(m.to)}\t{' '.join(str(m.subject).split())}\n"
            for m in email_messages
        )
        # One short write in append mode: lines of two pool processes never mix.
        with open(os.environ["BENCH_MAIL_SINK"], "a", encoding="utf-8") as f:
            f.write(lines)
        return len(email_messages)

"""Reset codes written before 0003 sit readable in the outbox (and in the
database backend's copies). Each becomes SECRET_MARK in the stored body; a
code still pending and within its 10 minutes moves to `secret`, so it is
still delivered; an older pending one is given up (it would open nothing)."""

import re
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

MARK = "••••••"  # notifications.models.SECRET_MARK when this was written
CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")


def mask(apps, schema_editor):
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    SentSMS = apps.get_model("notifications", "SentSMS")
    now = timezone.now()
    rows = OutboxMessage.objects.filter(event="password_reset_code", secret="")
    for message in rows.iterator():
        found = CODE.search(message.body)
        if found is None:
            continue
        message.body = CODE.sub(MARK, message.body)
        fields = ["body"]
        if message.status == "pending":
            until = message.created_at + timedelta(minutes=10)
            if until > now:
                message.secret, message.secret_until = found.group(), until
                fields += ["secret", "secret_until"]
            else:
                message.status, message.last_error = "failed", "expired"
                fields += ["status", "last_error"]
        message.save(update_fields=fields)
    for copy in SentSMS.objects.filter(outbox__event="password_reset_code"):
        masked = CODE.sub(MARK, copy.body)
        if masked != copy.body:
            copy.body = masked
            copy.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_outbox_secret")]

    operations = [migrations.RunPython(mask, migrations.RunPython.noop)]

"""Count what already exists into the tallies (they are kept from now on)."""

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import migrations
from django.db.models import Count

BANGKOK = ZoneInfo("Asia/Bangkok")
FINAL = ("closed", "cancelled", "rejected")


def load(apps, schema_editor):
    ServiceRequest = apps.get_model("requests_app", "ServiceRequest")
    Clock = apps.get_model("sla", "Clock")
    OpenTally = apps.get_model("sla", "OpenTally")
    StepTally = apps.get_model("sla", "StepTally")
    OpenTally.objects.all().delete()
    StepTally.objects.all().delete()
    OpenTally.objects.bulk_create(
        OpenTally(office_id=r["office_id"], service_id=r["service_id"],
                  state=r["state"], n=r["n"])
        for r in ServiceRequest.objects.exclude(state__in=FINAL)
        .values("office_id", "service_id", "state").annotate(n=Count("id"))
    )  # fmt: skip
    counts = Counter()
    for c in Clock.objects.filter(status__in=("met", "missed")).values(
        "office_id", "service_id", "step_code", "status", "stopped_at"
    ).iterator():
        day = c["stopped_at"].astimezone(BANGKOK).date()
        week = day - timedelta(days=day.weekday())
        counts[(c["office_id"], c["service_id"], c["step_code"], week, c["status"])] += 1
    rows = {}
    for (office, service, step, week, status), n in counts.items():
        row = rows.setdefault((office, service, step, week), StepTally(
            office_id=office, service_id=service, step_code=step, week=week))
        setattr(row, status, n)
    StepTally.objects.bulk_create(rows.values())


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_tallies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""The complaint and feedback services escalate to the head of customer
service (as their charter text already says), now as a department the SLA
sweep can send a breach to."""

from django.db import migrations


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceType.objects.filter(code__in=["complaint", "feedback"]).update(
        escalation_department="service"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("voc", "0002_complaint_service"),
        ("requests_app", "0027_service_escalation_department"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Each charter service's escalation owner as a department (SPEC §3.x
headings: "escalation: head of …"): the sweep sends a breach to that head, and
the charter page prints the head's title and the office's contact for it."""

from django.db import migrations

DEPARTMENTS = {
    "new-connection": "service",  # §3.1
    "grid-extension": "service",  # §3.2
    "dedicated-extension-pea": "service",  # §3.3
    "dedicated-extension-self": "service",  # §3.4
    "meter-upgrade": "service",  # §3.5
    "meter-test": "metering",  # §3.6
    "reconnection": "billing",  # §3.7
    "broken-meter": "metering",  # §3.8
    "deposit-refund": "billing",  # §3.9
    "adjusted-bill": "billing",  # §3.10
    "correction-public": "network",  # §3.11
    "correction-premises": "network",  # §3.12
    "insulation-covers": "network",  # §3.13
}


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    for code, department in DEPARTMENTS.items():
        ServiceType.objects.filter(code=code).update(escalation_department=department)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0027_service_escalation_department"),
        # Every service above exists by then.
        ("requests_app", "0021_adjusted_bill_service"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Complaints and feedback are not sections of PEA's service charter (its
services are §3.1 to §3.13; the voice of the customer comes from Smart Plus):
they lose the placeholder section "1" the charter index showed for both."""

from django.db import migrations


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceType.objects.filter(
        code__in=["complaint", "feedback"], charter_section="1"
    ).update(charter_section="")


def unload(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceType.objects.filter(
        code__in=["complaint", "feedback"], charter_section=""
    ).update(charter_section="1")


class Migration(migrations.Migration):
    dependencies = [("voc", "0003_complaint_escalation_department")]
    operations = [migrations.RunPython(load, unload)]

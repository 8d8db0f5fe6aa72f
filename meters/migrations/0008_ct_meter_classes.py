"""Fee classes of the charter that are not meter sizes (§3.6, §3.7 fee tables):
CT-connected low voltage and CT/VT-connected high voltage, any size. Inactive so
they stay out of the size pickers (new connection, upgrade); an account's meter
can still be of these classes and its fees are found by size."""

from django.db import migrations

CLASSES = [
    # code, rating, phase, order
    ("CT-LV", "CT", "3", 70),
    ("CTVT-HV", "CT/VT", "3", 80),
]


def load(apps, schema_editor):
    MeterSize = apps.get_model("meters", "MeterSize")
    for code, rating, phase, order in CLASSES:
        MeterSize.objects.update_or_create(
            code=code,
            defaults=dict(rating=rating, phase=phase, sort_order=order, is_active=False),
        )


class Migration(migrations.Migration):
    dependencies = [("meters", "0007_broken_meter")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

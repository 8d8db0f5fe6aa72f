from django.db import migrations

# SPEC §3.1 wiring standard; rows the seed's OCR damaged are marked uncertain.
SIZES = [
    # code, rating, phase, max load A, main mm², ground mm², breaker A, uncertain, order
    ("5(15)-1", "5(15)", "1", 10, "4", "10", 15, True, 10),
    ("15(45)-1", "15(45)", "1", 30, "10–16", "10", 45, False, 20),
    ("30(100)-1", "30(100)", "1", 75, "35", "10", 100, True, 30),
    ("50(150)-1", "50(150)", "1", None, "", "", None, True, 40),
    ("15(45)-3", "15(45)", "3", 30, "10–16", "10", 45, True, 50),
    ("30(100)-3", "30(100)", "3", 75, "35", "10", 100, True, 60),
]


def load(apps, schema_editor):
    MeterSize = apps.get_model("meters", "MeterSize")
    for code, rating, phase, load_a, main, ground, breaker, uncertain, order in SIZES:
        MeterSize.objects.update_or_create(
            code=code,
            defaults=dict(
                rating=rating, phase=phase, max_load_a=load_a, main_conductor_mm2=main,
                ground_conductor_mm2=ground, main_breaker_a=breaker, uncertain=uncertain,
                sort_order=order,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("meters", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

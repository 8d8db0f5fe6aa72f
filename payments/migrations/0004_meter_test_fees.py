import datetime
from decimal import Decimal

from django.db import migrations

# Charter §3.6 test fee, VAT included, per meter class.
TEST_FEES = [
    ("5(15)-1", "107.00", False), ("15(45)-1", "107.00", False),
    ("30(100)-1", "107.00", False), ("50(150)-1", "107.00", True),
    ("15(45)-3", "160.50", False), ("30(100)-3", "160.50", False),
]


def load(apps, schema_editor):
    FeeItem = apps.get_model("payments", "FeeItem")
    MeterSize = apps.get_model("meters", "MeterSize")
    ServiceType = apps.get_model("requests_app", "ServiceType")
    service = ServiceType.objects.get(code="meter-test")
    for size_code, amount, uncertain in TEST_FEES:
        FeeItem.objects.update_or_create(
            service=service, code="test", meter_size=MeterSize.objects.get(code=size_code),
            effective_from=datetime.date(2020, 1, 1),
            defaults=dict(kind="fee", name_th="ค่าทดสอบมิเตอร์", name_en="Meter test fee",
                          amount=Decimal(amount), uncertain=uncertain),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_refund"),
        ("requests_app", "0005_steps_and_meter_test"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

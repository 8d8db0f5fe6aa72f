"""Test and reconnection fees of the CT and CT/VT classes (charter §3.6, §3.7),
VAT included."""

import datetime
from decimal import Decimal

from django.db import migrations

AMOUNTS = [("CT-LV", "535.00"), ("CTVT-HV", "2140.00")]
FEES = [
    # service, code, Thai, English
    ("meter-test", "test", "ค่าทดสอบมิเตอร์", "Meter test fee"),
    ("reconnection", "reconnect", "ค่าต่อกลับการใช้ไฟฟ้า", "Reconnection fee"),
]


def load(apps, schema_editor):
    FeeItem = apps.get_model("payments", "FeeItem")
    MeterSize = apps.get_model("meters", "MeterSize")
    ServiceType = apps.get_model("requests_app", "ServiceType")
    for service_code, code, th, en in FEES:
        service = ServiceType.objects.get(code=service_code)
        for size_code, amount in AMOUNTS:
            FeeItem.objects.update_or_create(
                service=service, code=code, meter_size=MeterSize.objects.get(code=size_code),
                effective_from=datetime.date(2020, 1, 1),
                defaults=dict(kind="fee", name_th=th, name_en=en, amount=Decimal(amount),
                              uncertain=False),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0007_estimate"),
        ("meters", "0008_ct_meter_classes"),
        ("requests_app", "0021_adjusted_bill_service"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

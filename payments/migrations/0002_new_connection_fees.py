import datetime
from decimal import Decimal

from django.db import migrations

# SPEC §3.1 fee summary. Only the 5(15) row is consistent in the seed; values
# from public sources or damaged OCR are flagged uncertain and stay editable.
FEES = [
    # meter, deposit, inspection, meter fee, uncertain
    ("5(15)-1", "300.00", "107.00", "321.00", False),
    ("15(45)-1", "2000.00", "214.00", None, True),
    ("30(100)-1", "4000.00", "428.00", "1605.00", True),
    ("50(150)-1", "6000.00", "642.00", "2407.50", True),
    ("15(45)-3", "6000.00", "1284.00", "4815.00", True),
]
NAMES = {
    "deposit": ("เงินประกันการใช้ไฟฟ้า", "Electricity deposit"),
    "inspection": ("ค่าตรวจสอบการติดตั้งภายใน", "Wiring inspection fee"),
    "meter": ("ค่าธรรมเนียมมิเตอร์และการต่อไฟ", "Meter and connection fee"),
}


def load(apps, schema_editor):
    FeeItem = apps.get_model("payments", "FeeItem")
    MeterSize = apps.get_model("meters", "MeterSize")
    ServiceType = apps.get_model("requests_app", "ServiceType")
    service = ServiceType.objects.get(code="new-connection")
    start = datetime.date(2020, 1, 1)
    for size_code, deposit, inspection, meter_fee, uncertain in FEES:
        size = MeterSize.objects.get(code=size_code)
        for code, kind, amount in (
            ("deposit", "deposit", deposit),
            ("inspection", "fee", inspection),
            ("meter", "fee", meter_fee),
        ):
            if amount is None:
                continue
            FeeItem.objects.update_or_create(
                service=service, code=code, meter_size=size, effective_from=start,
                defaults=dict(
                    kind=kind, name_th=NAMES[code][0], name_en=NAMES[code][1],
                    amount=Decimal(amount), uncertain=uncertain,
                ),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("meters", "0003_meter_sizes"),
        ("requests_app", "0002_new_connection_catalog"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Rental of line-insulation covers (charter §3.13), online."""

import datetime
from decimal import Decimal

from django.db import migrations

STEPS = [
    ("file", "customer",
     "ยื่นคำร้องพร้อมบัตรประชาชน ทะเบียนบ้าน แผนที่สังเขป และความยาวสายที่ต้องการครอบ เตรียมเชือกไนลอน 20 เมตรต่อสาย",
     "File with your ID card, house registration, a sketch map and the length of line to cover; prepare a 20 m nylon rope per line",
     None, "", "", ""),
    ("accept", "pea", "รับคำร้อง", "Accept the request",
     Decimal("2"), "working_hours", "นับจากยื่นคำร้อง", "from filing"),
    ("cost", "pea", "คำนวณค่าใช้จ่ายจากจำนวนฉนวนครอบสาย", "Work out the cost from the number of covers",
     Decimal("1"), "working_days", "นับจากยื่นคำร้อง", "from the request"),
    ("pay", "customer", "ชำระค่าติดตั้ง-รื้อถอน 500 บาท และค่าเช่าชุดละ 10 บาทต่อวัน",
     "Pay 500 baht to install and remove, and 10 baht per cover per day", None, "", "", ""),
    ("install", "pea", "ติดตั้งฉนวนครอบสาย (หรือตามวันที่ขอ)", "Install the covers (or on the date you asked)",
     Decimal("1"), "working_days", "นับจากวันชำระเงิน", "from payment"),
]
DOCUMENTS = [("id-card", "individual"), ("house-registration", "individual"), ("sketch-map", "any"),
             ("company-certificate", "juristic"), ("power-of-attorney", "representative"),
             ("representative-id", "representative")]


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    DocumentType = apps.get_model("requests_app", "DocumentType")
    ServiceDocument = apps.get_model("requests_app", "ServiceDocument")
    FeeItem = apps.get_model("payments", "FeeItem")
    service, _ = ServiceType.objects.update_or_create(
        code="insulation-covers",
        defaults=dict(
            prefix="IC", flow="covers", charter_section="3.13", sort_order=130,
            name_th="การขอเช่าฉนวนครอบสายไฟ", name_en="Rental of line-insulation covers",
            description_th="เช่าฉนวนครอบสายไฟฟ้าเพื่อความปลอดภัยเมื่อทำงานใกล้แนวสาย เช่น ก่อสร้างอาคาร",
            description_en="Rent insulation covers for the lines while you work near them, e.g. building work.",
            escalation_th="หัวหน้าแผนกปฏิบัติการและบำรุงรักษา",
            escalation_en="Head of operations and maintenance",
        ),
    )
    for order, (code, actor, th, en, value, unit, fth, fen) in enumerate(STEPS):
        ServiceStep.objects.update_or_create(
            service=service, code=code,
            defaults=dict(order=order, actor=actor, text_th=th, text_en=en, time_value=value,
                          time_unit=unit, time_from_th=fth, time_from_en=fen),
        )
    for order, (code, kind) in enumerate(DOCUMENTS):
        ServiceDocument.objects.update_or_create(
            service=service, document_type=DocumentType.objects.get(code=code),
            applicant_kind=kind, defaults={"required": True, "sort_order": order},
        )
    for code, th, en, amount in [
        ("cover-install", "ค่าติดตั้งและรื้อถอนฉนวนครอบสาย", "Cover installation and removal", "500.00"),
        ("cover-rent-day", "ค่าเช่าฉนวนครอบสาย (ชุด/วัน)", "Cover rent (per cover per day)", "10.00"),
    ]:
        FeeItem.objects.update_or_create(
            service=service, code=code, meter_size=None, effective_from=datetime.date(2020, 1, 1),
            defaults=dict(kind="fee", name_th=th, name_en=en, amount=Decimal(amount)),
        )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0014_covers"), ("meters", "0006_covers"),
                    ("payments", "0007_estimate")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

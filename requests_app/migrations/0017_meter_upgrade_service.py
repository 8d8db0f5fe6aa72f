"""Meter size upgrade (charter §3.5), online on the new-connection steps."""

import datetime
from decimal import Decimal

from django.db import migrations

STEPS = [
    ("file", "customer", "ยื่นคำร้องพร้อมเอกสาร", "File the request with the documents",
     None, "", "", ""),
    ("accept", "pea", "รับคำร้อง", "Accept the request",
     Decimal("2"), "working_hours", "นับจากยื่นคำร้อง", "from filing"),
    ("inspect", "pea", "ตรวจสอบมาตรฐานการเดินสายและแจ้งผล",
     "Inspect the upgraded wiring and tell you the result",
     Decimal("1"), "working_days", "นับจากรับคำร้อง", "from acceptance"),
    ("pay", "customer", "ปรับปรุงการเดินสายให้ได้มาตรฐานก่อน แล้วชำระค่ามิเตอร์",
     "Upgrade the wiring to standard, then pay the meter fee", None, "", "", ""),
    ("install", "pea", "ติดตั้งมิเตอร์ขนาดใหม่", "Install the new meter",
     Decimal("2"), "working_days", "นับจากวันชำระเงิน", "from payment"),
    ("install-after-inspection", "pea", "ติดตั้งมิเตอร์ กรณีชำระเงินก่อนตรวจสอบ",
     "Install the meter, when you paid before the inspection",
     Decimal("2"), "working_days", "นับจากวันที่ผ่านการตรวจสอบ", "from the inspection passing"),
]
DOCUMENTS = [("premises-right", "any"), ("id-card", "individual"),
             ("house-registration", "individual"), ("company-certificate", "juristic"),
             ("vat-registration", "juristic"), ("signatory-id", "juristic"),
             ("power-of-attorney", "representative"), ("representative-id", "representative")]
# Meter fee by the NEW size (SPEC §3.1 table; uncertain where the seed is damaged).
FEES = [("5(15)-1", "321.00", False), ("30(100)-1", "1605.00", True),
        ("50(150)-1", "2407.50", True), ("15(45)-3", "4815.00", True)]


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    DocumentType = apps.get_model("requests_app", "DocumentType")
    ServiceDocument = apps.get_model("requests_app", "ServiceDocument")
    FeeItem = apps.get_model("payments", "FeeItem")
    MeterSize = apps.get_model("meters", "MeterSize")
    service, _ = ServiceType.objects.update_or_create(
        code="meter-upgrade",
        defaults=dict(
            prefix="MU", flow="meter_upgrade", charter_section="3.5", sort_order=50,
            name_th="การขอเพิ่มขนาดมิเตอร์", name_en="Meter size upgrade",
            description_th="เปลี่ยนเป็นมิเตอร์ขนาดใหญ่ขึ้นเมื่อใช้ไฟมากขึ้น ติดตั้งภายใน 2 วันทำการหลังชำระเงิน",
            description_en="A larger meter when you use more power; installed within 2 working days of payment.",
            escalation_th="หัวหน้าแผนกบริการลูกค้า", escalation_en="Head of customer service",
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
    for size_code, amount, uncertain in FEES:
        FeeItem.objects.update_or_create(
            service=service, code="meter", meter_size=MeterSize.objects.get(code=size_code),
            effective_from=datetime.date(2020, 1, 1),
            defaults=dict(kind="fee", name_th="ค่าธรรมเนียมมิเตอร์", name_en="Meter fee",
                          amount=Decimal(amount), uncertain=uncertain),
        )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0016_meter_upgrade"), ("payments", "0007_estimate")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

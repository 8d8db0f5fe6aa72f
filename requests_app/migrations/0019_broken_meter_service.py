"""Broken-meter replacement (charter §3.8), online."""

import datetime
from decimal import Decimal

from django.db import migrations

STEPS = [
    ("report", "customer", "แจ้งมิเตอร์ชำรุด", "Report the broken meter", None, "", "", ""),
    ("replace-natural", "pea",
     "ชำรุดตามสภาพ (แมลงหรือน้ำเข้า จานหมุนไม่หมุน หน้าจอดับ ฯลฯ): เปลี่ยนให้โดยไม่เสียค่าใช้จ่าย",
     "Natural wear (insects or water inside, disc not turning, blank display …): replaced free",
     Decimal("3"), "working_days", "นับจากวันที่แจ้ง", "from the report"),
    ("replace-after-payment", "pea",
     "ชำรุดจากการกระทำของผู้ใช้ไฟ (ใช้เกินพิกัด ดัดแปลง ฝาครอบแตก ฯลฯ): ตั้งหนี้ค่ามิเตอร์ ชำระแล้วเปลี่ยนให้",
     "Caused by the user (overload, tampering, broken cover …): a debt for the meter is raised; replaced after payment",
     Decimal("3"), "working_days", "นับจากวันที่ชำระเงิน", "from payment"),
    ("mt75", "pea", "ช่างกรอกแบบ มต.75 (หน่วยมิเตอร์เก่าและใหม่) มอบให้ผู้ใช้ไฟ หรือใส่ตู้จดหมายหากไม่พบ",
     "The technician fills form มต.75 (old and new meter readings) and hands it over, or leaves it in the mailbox",
     None, "", "", ""),
]
# Prices valid until 31 Dec 2015 (SPEC: uncertain; kept dated so old reports price right).
PRICES = [("30(100)-1", "1448.00"), ("50(150)-1", "2053.00"), ("30(100)-3", "2409.00")]


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    FeeItem = apps.get_model("payments", "FeeItem")
    MeterSize = apps.get_model("meters", "MeterSize")
    service, _ = ServiceType.objects.update_or_create(
        code="broken-meter",
        defaults=dict(
            prefix="BM", flow="broken_meter", charter_section="3.8", sort_order=80,
            name_th="การสับเปลี่ยนมิเตอร์ชำรุด", name_en="Broken meter replacement",
            description_th="แจ้งมิเตอร์ชำรุด ชำรุดตามสภาพเปลี่ยนให้ฟรีภายใน 3 วันทำการ",
            description_en="Report a broken meter; natural wear is replaced free within 3 working days.",
            escalation_th="หัวหน้าแผนกมิเตอร์", escalation_en="Head of the meter department",
        ),
    )
    for order, (code, actor, th, en, value, unit, fth, fen) in enumerate(STEPS):
        ServiceStep.objects.update_or_create(
            service=service, code=code,
            defaults=dict(order=order, actor=actor, text_th=th, text_en=en, time_value=value,
                          time_unit=unit, time_from_th=fth, time_from_en=fen),
        )
    for size_code, amount in PRICES:
        FeeItem.objects.update_or_create(
            service=service, code="meter-price", meter_size=MeterSize.objects.get(code=size_code),
            effective_from=datetime.date(2010, 1, 1),
            defaults=dict(kind="fee", name_th="ค่ามิเตอร์", name_en="Meter price",
                          amount=Decimal(amount), effective_to=datetime.date(2015, 12, 31),
                          uncertain=True),
        )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0018_broken_meter"), ("meters", "0007_broken_meter"),
                    ("payments", "0007_estimate")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Reconnection after disconnection (charter §3.7), online as in Smart Plus."""

from decimal import Decimal

from django.db import migrations

STEPS = [
    ("pay", "customer",
     "ชำระค่าไฟฟ้าค้างชำระทั้งหมดและค่าต่อกลับ (งดจ่ายไฟ 30–89 วัน และเงินประกันถูกหักชำระหนี้: ชำระเงินประกันใหม่)",
     "Pay all outstanding bills and the reconnection fee (disconnected 30–89 days with the deposit set against the bills: a new deposit too)",
     None, "", "", ""),
    ("reconnect-7", "pea", "ต่อกลับการใช้ไฟฟ้า กรณีงดจ่ายไฟไม่เกิน 7 วัน",
     "Reconnect the supply, disconnected up to 7 days",
     Decimal("20"), "clock", "ของวันที่ชำระเงิน", "on the day of payment"),
    ("reconnect-29", "pea", "ต่อกลับการใช้ไฟฟ้า กรณีงดจ่ายไฟ 8–29 วัน",
     "Reconnect the supply, disconnected 8–29 days",
     Decimal("1"), "working_days", "นับจากวันที่ชำระเงิน", "from payment"),
    ("reconnect-89", "pea", "ต่อกลับการใช้ไฟฟ้า กรณีงดจ่ายไฟ 30–89 วัน",
     "Reconnect the supply, disconnected 30–89 days",
     Decimal("1"), "working_days", "นับจากวันที่ชำระเงิน", "from payment"),
    ("over-90", "customer",
     "งดจ่ายไฟตั้งแต่ 90 วันขึ้นไป: ยื่นคำร้องขอใช้ไฟฟ้าใหม่ การไฟฟ้าคืนเงินประกันส่วนที่เหลือ",
     "Disconnected 90 days or more: file a new connection; the remaining deposit is refunded",
     None, "", "", ""),
]

FEES = [("5(15)-1", "107.00"), ("15(45)-1", "107.00"), ("30(100)-1", "107.00"),
        ("50(150)-1", "107.00"), ("15(45)-3", "160.50"), ("30(100)-3", "160.50")]


def load(apps, schema_editor):
    import datetime

    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    FeeItem = apps.get_model("payments", "FeeItem")
    MeterSize = apps.get_model("meters", "MeterSize")
    service, _ = ServiceType.objects.update_or_create(
        code="reconnection",
        defaults=dict(
            prefix="RC", flow="reconnection", charter_section="3.7", sort_order=70,
            name_th="การต่อกลับการใช้ไฟฟ้า", name_en="Reconnection after disconnection",
            description_th="ชำระค่าไฟฟ้าค้างชำระและค่าต่อกลับทางออนไลน์ ระบบส่งคำสั่งต่อกลับให้ทันที",
            description_en=(
                "Pay the outstanding bills and the reconnection fee online; the "
                "reconnection order goes out at once."
            ),
            escalation_th="หัวหน้าแผนกบัญชีและการเงิน",
            escalation_en="Head of accounting and billing",
        ),
    )
    for order, (code, actor, th, en, value, unit, from_th, from_en) in enumerate(STEPS):
        ServiceStep.objects.update_or_create(
            service=service, code=code,
            defaults=dict(order=order, actor=actor, text_th=th, text_en=en, time_value=value,
                          time_unit=unit, time_from_th=from_th, time_from_en=from_en),
        )
    for size_code, amount in FEES:
        FeeItem.objects.update_or_create(
            service=service, code="reconnect", meter_size=MeterSize.objects.get(code=size_code),
            effective_from=datetime.date(2020, 1, 1),
            defaults=dict(kind="fee", name_th="ค่าต่อกลับการใช้ไฟฟ้า",
                          name_en="Reconnection fee", amount=Decimal(amount)),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0006_reconnection"),
        ("payments", "0005_reconnection"),
        ("meters", "0005_reconnection"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

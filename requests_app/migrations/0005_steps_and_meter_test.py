"""Published steps of the new connection (charter §3.1, Smart Plus SLA) and the
meter accuracy test service (§3.6), online."""

from decimal import Decimal

from django.db import migrations

# code, actor, Thai, English, time value, unit, from (th), from (en), uncertain
NEW_CONNECTION_STEPS = [
    ("file", "customer",
     "ยื่นคำร้องพร้อมเอกสาร โดยเดินสายไฟฟ้าภายในให้ได้มาตรฐานก่อนยื่น",
     "File the request with the documents, with the internal wiring finished to standard",
     None, "", "", "", False),
    ("accept", "pea", "ตรวจสอบเอกสารและรับคำร้อง (ยื่นนอกเวลาทำการ: ภายใน 09.30 น. ของวันทำการถัดไป)",
     "Check the documents and accept the request (filed outside working hours: by 09:30 of the next working day)",
     Decimal("2"), "working_hours", "นับจากยื่นคำร้อง", "from filing", False),
    ("inspect", "pea", "ตรวจสอบมาตรฐานการเดินสายภายในและแจ้งผล",
     "Inspect the internal wiring and tell you the result",
     Decimal("2"), "working_days", "นับจากรับคำร้อง", "from acceptance", False),
    ("pay", "customer", "ชำระค่าธรรมเนียมและเงินประกันการใช้ไฟฟ้า",
     "Pay the fees and the electricity deposit", None, "", "", "", False),
    ("install", "pea", "ติดตั้งมิเตอร์", "Install the meter",
     Decimal("5"), "working_days", "นับจากวันชำระเงิน", "from payment", False),
    ("install-after-inspection", "pea",
     "ติดตั้งมิเตอร์ กรณีชำระเงินก่อนตรวจสอบ",
     "Install the meter, when you paid before the inspection",
     Decimal("2"), "working_days", "นับจากวันที่ผ่านการตรวจสอบ", "from the inspection passing", False),
]

METER_TEST_STEPS = [
    ("file", "customer", "ยื่นคำร้องที่ฝ่ายบริการลูกค้าพร้อมหลักฐานสิทธิในสถานที่ใช้ไฟฟ้า",
     "File the request with proof of your right to the premises", None, "", "", "", False),
    ("accept", "pea", "รับคำร้อง", "Accept the request",
     Decimal("2"), "working_hours", "นับจากยื่นคำร้อง", "from filing", False),
    ("pay", "customer", "ชำระค่าทดสอบมิเตอร์ (ใบเสร็จจากระบบเท่านั้น)",
     "Pay the test fee (system receipt only)", None, "", "", "", False),
    ("book", "pea", "โทรนัดติดตั้งมิเตอร์เปรียบเทียบ",
     "Call you to book the comparison meter installation",
     Decimal("1"), "working_days", "นับจากวันชำระเงิน", "from payment", False),
    ("test", "pea",
     "ติดตั้งและถอดมิเตอร์เปรียบเทียบตามวันนัด ผู้ใช้ไฟหรือผู้แทนตรวจสอบหน่วยและลงนาม",
     "Install and remove the comparison meter on the booked day; you or your representative check the readings and sign",
     None, "", "", "", False),
    ("refund", "pea", "คืนค่าทดสอบ กรณีมิเตอร์ชำรุด",
     "Refund the test fee if the meter is found faulty",
     Decimal("7"), "working_days", "นับจากทราบผลการทดสอบ", "from the result", False),
]


def _steps(ServiceStep, service, rows):
    for order, (code, actor, th, en, value, unit, from_th, from_en, uncertain) in enumerate(rows):
        ServiceStep.objects.update_or_create(
            service=service, code=code,
            defaults=dict(order=order, actor=actor, text_th=th, text_en=en, time_value=value,
                          time_unit=unit, time_from_th=from_th, time_from_en=from_en,
                          uncertain=uncertain),
        )


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    DocumentType = apps.get_model("requests_app", "DocumentType")
    ServiceDocument = apps.get_model("requests_app", "ServiceDocument")

    new_connection = ServiceType.objects.get(code="new-connection")
    new_connection.charter_section = "3.1"
    new_connection.save(update_fields=["charter_section"])
    _steps(ServiceStep, new_connection, NEW_CONNECTION_STEPS)

    meter_test, _ = ServiceType.objects.update_or_create(
        code="meter-test",
        defaults=dict(
            prefix="MT", flow="meter_test", charter_section="3.6", sort_order=60,
            name_th="การขอทดสอบ/เปรียบเทียบมิเตอร์", name_en="Meter accuracy test",
            description_th=(
                "หากสงสัยว่ามิเตอร์เดินผิดปกติ การไฟฟ้าจะติดตั้งมิเตอร์เปรียบเทียบต่อหน้าท่าน "
                "หากพบว่ามิเตอร์ชำรุด จะคืนค่าทดสอบภายใน 7 วัน"
            ),
            description_en=(
                "If you think your meter runs wrong, PEA installs a comparison meter beside it "
                "in front of you. If your meter is faulty, the test fee is refunded within 7 days."
            ),
            escalation_th="หัวหน้าแผนกมิเตอร์", escalation_en="Head of the meter department",
        ),
    )
    _steps(ServiceStep, meter_test, METER_TEST_STEPS)
    for order, (code, kind) in enumerate(
        [("premises-right", "any"), ("power-of-attorney", "representative"),
         ("representative-id", "representative")]
    ):
        ServiceDocument.objects.update_or_create(
            service=meter_test, document_type=DocumentType.objects.get(code=code),
            applicant_kind=kind, defaults={"required": True, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0004_meter_test")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

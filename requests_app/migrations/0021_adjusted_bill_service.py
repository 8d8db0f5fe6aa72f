"""Adjusted bill for a faulty or tampered meter (charter §3.10): PEA starts it."""

from django.db import migrations

STEPS = [
    ("screen", "pea", "ศูนย์ข้อมูลตรวจพบการใช้ไฟผิดปกติ และเจ้าหน้าที่เข้าตรวจสอบ",
     "The data centre finds abnormal consumption and PEA inspects the meter"),
    ("compute", "pea", "คำนวณค่าไฟฟ้าปรับปรุงจากหน่วยการใช้ 3–6 เดือนก่อนมิเตอร์ผิดปกติหรือหลังแก้ไข",
     "Compute the bill from 3–6 months of consumption before the fault or after the fix"),
    ("acknowledge", "customer", "ลงนามรับทราบ (หรือการไฟฟ้าส่งทางไปรษณีย์ลงทะเบียน)",
     "Sign the acknowledgment (or PEA sends it by registered mail)"),
    ("notice", "pea", "ส่งหนังสือแจ้งให้ชำระ", "Send the notice to pay"),
    ("second-notice", "pea", "ไม่ชำระ: แจ้งเตือนครั้งที่ 2", "No payment: send a second notice"),
    ("disconnect", "pea", "ไม่ชำระหลังแจ้งครั้งที่ 2: งดจ่ายไฟ", "Still no payment: disconnect the supply"),
    ("pay", "customer", "ชำระที่สำนักงาน สอบถามทางโทรศัพท์หรือติดต่อด้วยตนเองได้",
     "Pay at the office; you may ask questions by phone or in person"),
]


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    service, _ = ServiceType.objects.update_or_create(
        code="adjusted-bill",
        defaults=dict(
            prefix="AB", flow="adjusted_bill", charter_section="3.10", sort_order=100,
            started_by="pea",
            name_th="ค่าไฟฟ้าปรับปรุง กรณีมิเตอร์ชำรุดหรือถูกดัดแปลง",
            name_en="Adjusted bill for a faulty or tampered meter",
            description_th="เมื่อมิเตอร์ชำรุดหรือถูกดัดแปลง การไฟฟ้าคำนวณค่าไฟฟ้าที่ถูกต้องและแจ้งให้ชำระ",
            description_en="When a meter was faulty or tampered with, PEA computes the correct bill and asks you to pay it.",
            escalation_th="หัวหน้าแผนกบัญชีและการเงิน", escalation_en="Head of accounting and billing",
        ),
    )
    for order, (code, actor, th, en) in enumerate(STEPS):
        ServiceStep.objects.update_or_create(
            service=service, code=code,
            defaults=dict(order=order, actor=actor, text_th=th, text_en=en),
        )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0020_adjusted_bill")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Deposit refund on ending the contract (charter §3.9), online."""

from decimal import Decimal

from django.db import migrations

DOCUMENT_TYPES = [
    ("service-cancellation-form", "แบบคำร้องขอยกเลิกการใช้ไฟฟ้า", "Request to end the electricity service"),
    ("deposit-refund-form", "แบบคำร้องขอคืนเงินประกันการใช้ไฟฟ้า", "Request for the deposit refund"),
]
DOCUMENTS = [
    ("service-cancellation-form", "any"), ("deposit-refund-form", "any"),
    ("id-card", "individual"), ("company-certificate", "juristic"),
    ("signatory-id", "juristic"), ("power-of-attorney", "representative"),
    ("representative-id", "representative"),
]
STEPS = [
    ("file", "customer",
     "ยื่นแบบคำร้องขอยกเลิกการใช้ไฟฟ้าและขอคืนเงินประกัน พร้อมเอกสาร (หนังสือมอบอำนาจฉบับจริงติดอากรแสตมป์)",
     "File the two forms (end the service, refund the deposit) with the documents (original power of attorney with the duty stamp)",
     None, "", "", ""),
    ("remove-meter", "pea", "ถอดมิเตอร์และจดหน่วยครั้งสุดท้าย", "Remove the meter and record the final reading",
     None, "", "", ""),
    ("settle", "pea", "หักค่าไฟฟ้าค้างชำระจากเงินประกัน", "Set the final bill against the deposit",
     None, "", "", ""),
    ("pay-out", "pea",
     "คืนเงินประกัน: เงินสดแก่ผู้ใช้ไฟฟ้าตามสัญญาโดยตรงไม่เกิน 15,000 บาท (แจ้งทาง SMS) หรือเช็ค (แจ้งทางโทรศัพท์)",
     "Pay the rest out: cash to the contract holder in person up to 15,000 baht (told by SMS), otherwise a cheque (told by phone)",
     Decimal("15"), "working_days", "นับจากรับคำร้อง", "from acceptance"),
]


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    DocumentType = apps.get_model("requests_app", "DocumentType")
    ServiceDocument = apps.get_model("requests_app", "ServiceDocument")
    for code, th, en in DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(code=code, defaults={"name_th": th, "name_en": en})
    service, _ = ServiceType.objects.update_or_create(
        code="deposit-refund",
        defaults=dict(
            prefix="DR", flow="deposit_refund", charter_section="3.9", sort_order=90,
            name_th="การคืนเงินประกันการใช้ไฟฟ้า กรณีเลิกใช้ไฟ",
            name_en="Deposit refund when ending the contract",
            description_th="เลิกใช้ไฟฟ้าและขอคืนเงินประกัน การไฟฟ้าถอดมิเตอร์ หักค่าไฟค้างชำระ และคืนเงินภายใน 15 วันทำการ",
            description_en=(
                "End the supply and get the deposit back: PEA removes the meter, sets the "
                "final bill against the deposit and pays the rest within 15 working days."
            ),
            escalation_th="หัวหน้าแผนกบัญชีและการเงิน", escalation_en="Head of accounting and billing",
        ),
    )
    for order, (code, actor, th, en, value, unit, from_th, from_en) in enumerate(STEPS):
        ServiceStep.objects.update_or_create(
            service=service, code=code,
            defaults=dict(order=order, actor=actor, text_th=th, text_en=en, time_value=value,
                          time_unit=unit, time_from_th=from_th, time_from_en=from_en),
        )
    for order, (code, kind) in enumerate(DOCUMENTS):
        ServiceDocument.objects.update_or_create(
            service=service, document_type=DocumentType.objects.get(code=code),
            applicant_kind=kind, defaults={"required": True, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0008_deposit_refund"), ("payments", "0006_deposit_refund")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Grid extensions (charter §3.2–§3.4), online on the extension machine."""

from decimal import Decimal

from django.db import migrations

NEW_DOCUMENT_TYPES = [
    ("single-line-diagram", "แบบ Single Line Diagram และรายละเอียดโหลด", "Single-line diagram and load details"),
    ("site-layout", "แผนผังบริเวณ / โฉนดที่ดิน", "Site layout / title deed"),
    ("self-built-drawing", "แบบระบบไฟฟ้าส่วนที่ดำเนินการเอง (ตำแหน่งเสา อุปกรณ์บนเสา หม้อแปลง)",
     "Drawing of the self-built part (pole positions, pole-top equipment, transformer)"),
    ("equipment-specs", "รายละเอียดคุณสมบัติอุปกรณ์ที่จัดซื้อเอง", "Specifications of the equipment you buy"),
    ("engineer-certificates", "หนังสือรับรองการออกแบบและควบคุมงานของวิศวกรไฟฟ้าและวิศวกรโยธา",
     "Electrical and civil engineers' certificates of design and supervision"),
    ("engineer-licences", "สำเนาบัตรประชาชนและใบอนุญาตประกอบวิชาชีพของวิศวกร",
     "Engineers' ID cards and professional licences"),
]
COMMON = [("premises-right", "any"), ("sketch-map", "any"), ("id-card", "individual"),
          ("house-registration", "individual"), ("company-certificate", "juristic"),
          ("vat-registration", "juristic"), ("signatory-id", "juristic"),
          ("power-of-attorney", "representative"), ("representative-id", "representative")]
SELF_BUILT = [("single-line-diagram", "any"), ("site-layout", "any"),
              ("self-built-drawing", "any"), ("equipment-specs", "any"),
              ("engineer-certificates", "any"), ("engineer-licences", "any")]


def steps(build_days, build_unit, uncertain):
    return [
        ("file", "customer", "ยื่นคำร้องพร้อมเอกสาร", "File the request with the documents",
         None, "", "", "", False),
        ("accept", "pea", "รับคำร้องเมื่อเอกสารครบถ้วน", "Accept the request once the documents are complete",
         Decimal("2"), "working_hours", "นับจากยื่นคำร้อง", "from filing", False),
        ("survey", "pea", "สำรวจพื้นที่ร่วมกับผู้ขอใช้ไฟ (หรือตามวันนัด)",
         "Survey the site with you (or on the booked date)",
         Decimal("1"), "working_days", "นับจากรับคำร้อง", "from acceptance", False),
        ("estimate", "pea", "แจ้งค่าใช้จ่าย", "Tell you the cost",
         Decimal("5"), "working_days", "นับจากสำรวจ", "from the survey", False),
        ("pay", "customer", "ตอบรับประมาณการและชำระเงิน (ตามใบเสร็จจากระบบเท่านั้น)",
         "Accept the estimate and pay (amount only as on the system receipt)",
         None, "", "", "", False),
        ("build", "pea", "ก่อสร้างตามที่ตกลง", "Build as agreed",
         Decimal(build_days), build_unit, "นับจากวันชำระเงิน", "from payment", uncertain),
    ]


SERVICES = [
    dict(code="grid-extension", prefix="GX", section="3.2", order=20,
         th="การขอขยายเขตระบบจำหน่าย", en="Grid extension",
         dth="ขยายเขตระบบจำหน่ายไฟฟ้าไปยังพื้นที่ของท่าน การไฟฟ้าสำรวจ แจ้งค่าใช้จ่าย และก่อสร้างภายใน 30 วัน",
         den="Extend the distribution grid to your area: PEA surveys, sends the cost and builds within 30 days.",
         steps=steps("30", "calendar_days", False), extra=[]),
    dict(code="dedicated-extension-pea", prefix="DP", section="3.3", order=30,
         th="ขยายเขตเฉพาะราย – กฟภ. ดำเนินการ", en="Dedicated extension built by PEA",
         dth="ขยายเขตระบบจำหน่ายเฉพาะรายโดยการไฟฟ้าเป็นผู้ก่อสร้าง",
         den="A dedicated extension for you, built by PEA.",
         steps=steps("10", "working_days", True), extra=[]),
    dict(code="dedicated-extension-self", prefix="DC", section="3.4", order=40,
         th="ขยายเขตเฉพาะราย – ผู้ขอใช้ไฟดำเนินการเอง", en="Dedicated extension built by the customer",
         dth="ขยายเขตระบบจำหน่ายเฉพาะราย ผู้ขอใช้ไฟก่อสร้างเองภายใต้การควบคุมของวิศวกร และชำระค่าตรวจสอบ",
         den="A dedicated extension you build yourself under engineers' supervision; you pay the inspection fees.",
         steps=steps("10", "working_days", True), extra=SELF_BUILT),
]


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    DocumentType = apps.get_model("requests_app", "DocumentType")
    ServiceDocument = apps.get_model("requests_app", "ServiceDocument")
    for code, th, en in NEW_DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(code=code, defaults={"name_th": th, "name_en": en})
    for spec in SERVICES:
        service, _ = ServiceType.objects.update_or_create(
            code=spec["code"],
            defaults=dict(
                prefix=spec["prefix"], flow="extension", charter_section=spec["section"],
                sort_order=spec["order"], name_th=spec["th"], name_en=spec["en"],
                description_th=spec["dth"], description_en=spec["den"],
                escalation_th="หัวหน้าแผนกบริการลูกค้า", escalation_en="Head of customer service",
            ),
        )
        for order, (code, actor, th, en, value, unit, fth, fen, unc) in enumerate(spec["steps"]):
            ServiceStep.objects.update_or_create(
                service=service, code=code,
                defaults=dict(order=order, actor=actor, text_th=th, text_en=en, time_value=value,
                              time_unit=unit, time_from_th=fth, time_from_en=fen, uncertain=unc),
            )
        for order, (code, kind) in enumerate(COMMON + spec["extra"]):
            ServiceDocument.objects.update_or_create(
                service=service, document_type=DocumentType.objects.get(code=code),
                applicant_kind=kind, defaults={"required": True, "sort_order": order},
            )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0010_extension"), ("payments", "0007_estimate")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Corrections of the distribution system (charter §3.11, §3.12): free."""

from decimal import Decimal

from django.db import migrations


def steps(approve_days):
    rows = [
        ("file", "customer", "แจ้งด้วยบัตรประชาชนหรือทางโทรศัพท์ พร้อมแผนที่สังเขป (ไม่เสียค่าใช้จ่าย)",
         "Report it with your ID card or by phone, with a sketch map (no charge)",
         None, "", "", ""),
        ("accept", "pea", "รับเรื่อง", "Take the report",
         Decimal("2"), "working_hours", "นับจากแจ้ง", "from the report"),
        ("survey", "pea", "สำรวจพื้นที่ร่วมกัน (หรือตามวันนัด)",
         "Survey the site together (or on the booked date)",
         Decimal("1"), "working_days", "นับจากรับเรื่อง", "from the report being taken"),
        ("approve", "pea", "ขออนุมัติพัสดุ / ประมาณการและงบประมาณ",
         "Get the materials, estimate and budget approved",
         Decimal(approve_days) if approve_days else None,
         "working_days" if approve_days else "", "นับจากสำรวจ" if approve_days else "",
         "from the survey" if approve_days else ""),
        ("announce", "pea", "ประกาศดับไฟล่วงหน้า 7 วัน (แรงสูง 3 วัน)",
         "Announce the planned outage 7 days ahead (3 days for high voltage)",
         Decimal("7"), "calendar_days", "ก่อนวันดับไฟ", "before the outage"),
        ("work", "pea", "ดำเนินการแก้ไข", "Do the work",
         Decimal("1"), "working_days", "นับจากวันที่ประกาศดับไฟ", "from the announced outage"),
    ]
    return rows


SERVICES = [
    dict(code="correction-public", prefix="CP", section="3.11", order=110,
         th="การแก้ไขระบบจำหน่ายในที่สาธารณะ", en="Correction of the grid in a public area",
         dth="แจ้งปัญหาระบบไฟฟ้าในที่สาธารณะ เช่น เสาเอียง สายหย่อน ไม่เสียค่าใช้จ่าย",
         den="Report a problem with the grid in a public place, such as a leaning pole or a sagging line. Free.",
         steps=steps(None), docs=[("id-card", "any"), ("sketch-map", "any")]),
    dict(code="correction-premises", prefix="CC", section="3.12", order=120,
         th="การแก้ไขระบบจำหน่ายในบริเวณบ้านผู้ใช้ไฟ", en="Correction of the grid on your premises",
         dth="ขอให้แก้ไขระบบจำหน่ายที่อยู่ในบริเวณบ้านของท่าน ไม่เสียค่าใช้จ่าย",
         den="Ask PEA to correct the grid on your premises. Free.",
         steps=steps("5"),
         docs=[("premises-right", "any"), ("sketch-map", "any"), ("id-card", "individual"),
               ("house-registration", "individual"), ("company-certificate", "juristic"),
               ("power-of-attorney", "representative"), ("representative-id", "representative")]),
]


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    DocumentType = apps.get_model("requests_app", "DocumentType")
    ServiceDocument = apps.get_model("requests_app", "ServiceDocument")
    for spec in SERVICES:
        service, _ = ServiceType.objects.update_or_create(
            code=spec["code"],
            defaults=dict(
                prefix=spec["prefix"], flow="correction", charter_section=spec["section"],
                sort_order=spec["order"], name_th=spec["th"], name_en=spec["en"],
                description_th=spec["dth"], description_en=spec["den"],
                escalation_th="หัวหน้าแผนกปฏิบัติการและบำรุงรักษา",
                escalation_en="Head of operations and maintenance",
            ),
        )
        for order, (code, actor, th, en, value, unit, fth, fen) in enumerate(spec["steps"]):
            ServiceStep.objects.update_or_create(
                service=service, code=code,
                defaults=dict(order=order, actor=actor, text_th=th, text_en=en, time_value=value,
                              time_unit=unit, time_from_th=fth, time_from_en=fen),
            )
        for order, (code, kind) in enumerate(spec["docs"]):
            ServiceDocument.objects.update_or_create(
                service=service, document_type=DocumentType.objects.get(code=code),
                applicant_kind=kind, defaults={"required": True, "sort_order": order},
            )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0012_correction")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

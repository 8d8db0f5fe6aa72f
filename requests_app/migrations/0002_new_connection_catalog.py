from django.db import migrations

DOCUMENT_TYPES = [
    ("premises-right", "หลักฐานแสดงสิทธิในสถานที่ใช้ไฟฟ้า (โฉนด สัญญาเช่า หรือหนังสือยินยอมเจ้าของ)",
     "Proof of right to the premises (title deed, lease or owner's consent)"),
    ("id-card", "สำเนาบัตรประจำตัวประชาชน (หรือบัตรข้าราชการ/พนักงานรัฐวิสาหกิจ)",
     "National ID card (or government / state-enterprise officer card)"),
    ("house-registration", "สำเนาทะเบียนบ้านที่อยู่ปัจจุบันและของสถานที่ขอใช้ไฟฟ้า",
     "House registration of the current residence and of the premises"),
    ("sketch-map", "แผนที่สังเขปแสดงที่ตั้งสถานที่ใช้ไฟฟ้า", "Sketch map of the location"),
    ("power-of-attorney", "หนังสือมอบอำนาจ (พยาน 2 คน ติดอากรแสตมป์ 10 บาท)",
     "Power of attorney (2 witnesses, 10-baht duty stamp)"),
    ("representative-id", "สำเนาบัตรประจำตัวประชาชนของผู้รับมอบอำนาจ", "Representative's ID card"),
    ("company-certificate", "หนังสือรับรองการจดทะเบียนนิติบุคคล", "Company registration certificate"),
    ("vat-registration", "ใบทะเบียนภาษีมูลค่าเพิ่ม (ภ.พ.20)", "VAT registration (P.P.20)"),
    ("signatory-id", "สำเนาบัตรประชาชนและทะเบียนบ้านของผู้มีอำนาจลงนาม",
     "Authorised signatory's ID card and house registration"),
]

# (document, applicant kind)
NEW_CONNECTION_DOCUMENTS = [
    ("premises-right", "any"),
    ("sketch-map", "any"),
    ("id-card", "individual"),
    ("house-registration", "individual"),
    ("company-certificate", "juristic"),
    ("vat-registration", "juristic"),
    ("signatory-id", "juristic"),
    ("power-of-attorney", "representative"),
    ("representative-id", "representative"),
]


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    DocumentType = apps.get_model("requests_app", "DocumentType")
    ServiceDocument = apps.get_model("requests_app", "ServiceDocument")
    types = {}
    for code, th, en in DOCUMENT_TYPES:
        types[code], _ = DocumentType.objects.update_or_create(
            code=code, defaults={"name_th": th, "name_en": en}
        )
    service, _ = ServiceType.objects.update_or_create(
        code="new-connection",
        defaults=dict(
            prefix="NC",
            flow="new_connection",
            name_th="ขอใช้ไฟฟ้าใหม่ (แรงต่ำ)",
            name_en="New electricity connection (low voltage)",
            description_th=(
                "ติดตั้งมิเตอร์ใหม่สำหรับบ้านหรือสถานประกอบการ เดินสายภายในให้ได้มาตรฐานก่อนยื่นคำร้อง "
                "การไฟฟ้าตรวจสอบมาตรฐานและแจ้งผลภายใน 2 วัน ติดตั้งมิเตอร์ภายใน 5 วันหลังชำระเงิน"
            ),
            description_en=(
                "A new meter for a home or business. Finish the internal wiring to PEA's standard "
                "before filing. PEA inspects it and tells you the result within 2 working days, and "
                "installs the meter within 5 working days of payment."
            ),
            escalation_th="หัวหน้าแผนกบริการลูกค้า",
            escalation_en="Head of customer service",
            sort_order=10,
        ),
    )
    for order, (code, kind) in enumerate(NEW_CONNECTION_DOCUMENTS):
        ServiceDocument.objects.update_or_create(
            service=service, document_type=types[code], applicant_kind=kind,
            defaults={"required": True, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

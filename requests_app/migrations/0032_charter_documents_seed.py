"""Issue 16: the documents the charter asks for that the catalog lacked.

§3.5 (meter upgrade): the sketch map. §3.8 (broken meter): proof of right to
the premises. §3.9 (deposit refund): the house registrations of the applicant
and of the representative, and a company certificate no older than one month
for a juristic refund."""

from django.db import migrations

NEW_TYPES = [
    ("representative-house-registration", "สำเนาทะเบียนบ้านของผู้รับมอบอำนาจ",
     "Representative's house registration"),
]
# service, document type, applicant kind, sort order, max age (months)
ROWS = [
    ("meter-upgrade", "sketch-map", "any", 0, None),
    ("broken-meter", "premises-right", "any", 0, None),
    ("deposit-refund", "house-registration", "individual", 2, None),
    ("deposit-refund", "representative-house-registration", "representative", 6, None),
    ("deposit-refund", "company-certificate", "juristic", 3, 1),
]


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    DocumentType = apps.get_model("requests_app", "DocumentType")
    ServiceDocument = apps.get_model("requests_app", "ServiceDocument")
    for code, th, en in NEW_TYPES:
        DocumentType.objects.update_or_create(code=code, defaults={"name_th": th, "name_en": en})
    for service_code, type_code, kind, order, max_age in ROWS:
        service = ServiceType.objects.filter(code=service_code).first()
        if service is None:
            continue
        ServiceDocument.objects.update_or_create(
            service=service, document_type=DocumentType.objects.get(code=type_code),
            applicant_kind=kind,
            defaults={"required": True, "sort_order": order, "max_age_months": max_age},
        )


def unload(apps, schema_editor):
    ServiceDocument = apps.get_model("requests_app", "ServiceDocument")
    for service_code, type_code, kind, _order, max_age in ROWS:
        rows = ServiceDocument.objects.filter(
            service__code=service_code, document_type__code=type_code, applicant_kind=kind
        )
        if max_age is None:
            rows.delete()
        else:  # the certificate was asked for before; only its age rule is new
            rows.update(max_age_months=None)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0031_charter_checklist_and_document_age"),
        ("requests_app", "0019_broken_meter_service"),
    ]
    operations = [migrations.RunPython(load, unload)]

"""The voice of the customer as two services: "complaint" (acknowledge within
1 working day, resolve within 15) and "feedback" for suggestions and
compliments (acknowledge within 1 working day), both on the complaint flow;
the categories and the departments they go to; the published steps with
their targets and the SLA policies that hold them. Editing a step's time in
the admin publishes a new policy version, as for every service."""

from django.db import migrations

CATEGORIES = [
    # code, department, th, en
    ("staff-service", "service", "การให้บริการของพนักงาน", "Service by our staff"),
    ("waiting", "service", "ความล่าช้าในการให้บริการ", "Waiting and delays"),
    ("bill", "billing", "ค่าไฟฟ้าและใบแจ้งหนี้", "Bills and charges"),
    ("payment", "billing", "การชำระเงินและการคืนเงิน", "Payments and refunds"),
    ("outage", "network", "ไฟฟ้าดับบ่อยหรือแรงดันไฟฟ้าตก", "Frequent outages or low voltage"),
    ("trees-poles", "network", "ต้นไม้ เสา และสายไฟ", "Trees, poles and lines"),
    ("meter", "metering", "มิเตอร์และการจดหน่วย", "Meters and readings"),
    ("works", "construction", "งานก่อสร้างและขยายเขต", "Construction and extension works"),
    ("other", "service", "เรื่องอื่น ๆ", "Something else"),
]

STEPS = [
    # code, actor, value, unit, th, en
    ("file", "customer", None, "", "แจ้งเรื่องร้องเรียน ข้อเสนอแนะ หรือคำชมเชย",
     "Tell us: a complaint, a suggestion or a compliment"),
    ("acknowledge", "pea", 1, "working_days", "ตอบรับเรื่องและส่งต่อหน่วยงานที่รับผิดชอบ",
     "Acknowledge it and pass it to the department responsible"),
    ("resolve", "pea", 15, "working_days", "แก้ไขและแจ้งผลให้ผู้ร้องเรียนทราบ",
     "Resolve the complaint and tell the customer the outcome"),
]


def load(apps, schema_editor):
    Category = apps.get_model("voc", "Category")
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    Policy = apps.get_model("sla", "Policy")
    for order, (code, department, th, en) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            code=code,
            defaults=dict(department=department, name_th=th, name_en=en,
                          sort_order=order),
        )  # fmt: skip
    services = {
        "complaint": dict(
            prefix="VC", name_th="ร้องเรียน", name_en="Complaints",
            description_th="บอกเราเมื่อบริการไม่เป็นไปตามที่ควร เราจะตอบรับภายใน 1 วันทำการ และแก้ไขภายใน 15 วันทำการ",
            description_en="Tell us when a service fell short: we acknowledge within 1 working day and resolve within 15.",
        ),
        "feedback": dict(
            prefix="VF", name_th="ข้อเสนอแนะและคำชมเชย", name_en="Suggestions and compliments",
            description_th="เสนอแนะการปรับปรุงบริการ หรือชมเชยพนักงานที่ให้บริการดี",
            description_en="Suggest how we could do better, or thank staff who served you well.",
        ),
    }  # fmt: skip
    for code, fields in services.items():
        service, _ = ServiceType.objects.update_or_create(
            code=code,
            defaults=dict(
                fields, flow="complaint", started_by="customer", charter_section="1",
                sort_order=200 if code == "complaint" else 210,
                escalation_th="หัวหน้าแผนกบริการลูกค้า",
                escalation_en="Head of customer service",
            ),
        )  # fmt: skip
        steps = STEPS if code == "complaint" else STEPS[:2]
        for order, (step, actor, value, unit, th, en) in enumerate(steps):
            ServiceStep.objects.update_or_create(
                service=service, code=step,
                defaults=dict(order=order, actor=actor, text_th=th, text_en=en,
                              time_value=value, time_unit=unit),
            )  # fmt: skip
        policies = [
            dict(step_code="acknowledge", run_states=["submitted"],
                 name_en="Acknowledge the feedback", name_th="ตอบรับเรื่อง"),
            dict(step_code="resolve", run_states=["submitted", "acknowledged"],
                 name_en="Resolve the complaint", name_th="แก้ไขเรื่องร้องเรียน"),
        ]  # fmt: skip
        for p in policies if code == "complaint" else policies[:1]:
            step = p.pop("step_code")
            Policy.objects.update_or_create(
                service=service, step_code=step, version=1,
                defaults=dict(
                    p, target_value=1 if step == "acknowledge" else 15,
                    target_unit="working_days", owner_role="counter",
                    escalation_role="supervisor",
                ),
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("voc", "0001_initial"),
        ("requests_app", "0024_complaint_state"),
        ("sla", "0005_open_risk_index"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

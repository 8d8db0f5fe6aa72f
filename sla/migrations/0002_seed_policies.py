"""Version 1 of the SLA policies, from SPEC §2 (Smart Plus SLA 1-6) and every
timed "PEA must" step of §3. The targets are read from the catalog's steps
(requests_app.ServiceStep) where the charter publishes one, so the two agree."""

from django.db import migrations

CUSTOMER_WAIT = ["returned"]

ACCEPT = dict(
    step="accept", run=["submitted"], pause=CUSTOMER_WAIT, unit="acceptance", value=2,
    owner="counter", sp=1,
    en="Accept the request (2 working hours; filed outside them: 09:30 next working day)",
    th="รับคำร้อง (ภายใน 2 ชั่วโมงทำการ หรือ 09:30 น. ของวันทำการถัดไป)",
)  # fmt: skip


def _connection(inspect_days, install_days):
    return [
        ACCEPT,
        dict(step="callback", run=["accepted"], unit="working_hours", value=1,
             owner="counter", sp=3, en="Call the customer back after accepting",
             th="โทรติดต่อกลับผู้ใช้ไฟหลังรับคำร้อง"),
        dict(step="inspect", run=["accepted", "survey_booked"],
             pause=["wiring_failed", "fees_quoted", "paid"],
             stop=["record_survey_passed"], unit="working_days", value=inspect_days,
             owner="surveyor", appointment="survey",
             en="Inspect the wiring", th="ตรวจสอบการเดินสายภายใน"),
        dict(step="payment-sms", run=["paid"], unit="clock_minutes", value=60,
             owner="counter", sp=4, en="Tell the customer the payment went through",
             th="แจ้งผลการชำระเงินแก่ผู้ใช้ไฟ"),
        dict(step="book-call", run=["paid"], unit="working_hours", value=1,
             owner="counter", sp=5, en="Call to book the meter installation",
             th="โทรนัดหมายติดตั้งมิเตอร์"),
        dict(step="install", run=["paid", "installation_booked"],
             condition="paid_after_inspection", unit="working_days", value=install_days,
             owner="technician", appointment="installation", sp=6,
             en="Install the meter", th="ติดตั้งมิเตอร์"),
        dict(step="install-after-inspection", run=["paid", "installation_booked"],
             condition="paid_before_inspection", unit="working_days", value=2,
             owner="technician", appointment="installation", sp=6,
             en="Install the meter (paid before the inspection)",
             th="ติดตั้งมิเตอร์ (ชำระเงินก่อนตรวจสอบ)"),
    ]  # fmt: skip


def _extension(build_value, build_unit):
    return [
        ACCEPT,
        dict(step="survey", run=["accepted", "survey_booked"], unit="working_days",
             value=1, owner="surveyor", appointment="survey",
             en="Survey the site", th="สำรวจพื้นที่"),
        dict(step="estimate", run=["surveyed"], unit="working_days", value=5,
             owner="counter", en="Send the cost estimate", th="แจ้งประมาณการค่าใช้จ่าย"),
        dict(step="build", run=["paid", "construction"], unit=build_unit,
             value=build_value, owner="technician", appointment="construction",
             en="Build the extension", th="ก่อสร้างขยายเขต"),
    ]  # fmt: skip


def _correction(with_approval):
    steps = [
        ACCEPT,
        dict(step="survey", run=["accepted", "survey_booked"], unit="working_days",
             value=1, owner="surveyor", appointment="survey",
             en="Survey the site", th="สำรวจพื้นที่"),
        dict(step="work", run=["outage_announced"], anchor="outage",
             unit="working_days", value=1, owner="technician",
             en="Do the work after the announced outage",
             th="ดำเนินการแก้ไขหลังวันดับไฟที่ประกาศ"),
    ]  # fmt: skip
    if with_approval:
        steps.append(
            dict(step="approve", run=["surveyed"], unit="working_days", value=5,
                 owner="supervisor", en="Estimate and approve the work",
                 th="ประมาณการและอนุมัติงาน")  # fmt: skip
        )
    return steps


POLICIES = {
    "new-connection": _connection(2, 5),
    "meter-upgrade": _connection(1, 2),
    "grid-extension": _extension(30, "calendar_days"),
    "dedicated-extension-pea": _extension(10, "working_days"),
    "dedicated-extension-self": _extension(10, "working_days"),
    "correction-public": _correction(False),
    "correction-premises": _correction(True),
    "meter-test": [
        ACCEPT,
        dict(step="book", run=["paid"], unit="working_days", value=1, owner="counter",
             en="Book the comparison meter", th="นัดติดตั้งมิเตอร์เปรียบเทียบ"),
        dict(step="refund", run=["refund_pending"], unit="working_days", value=7,
             owner="counter", en="Refund the test fee", th="คืนค่าทดสอบมิเตอร์"),
    ],
    "reconnection": [
        dict(step="reconnect-7", run=["paid"], condition="reconnect_same_day",
             unit="clock", value=20, owner="technician",
             en="Reconnect by 20:00 on the day of payment",
             th="ต่อกลับภายใน 20:00 น. ของวันที่ชำระเงิน"),
        dict(step="reconnect-29", run=["paid"], condition="reconnect_next_day",
             unit="working_days", value=1, owner="technician",
             en="Reconnect within 1 working day", th="ต่อกลับภายใน 1 วันทำการ"),
        dict(step="reconnect-89", run=["paid"], condition="reconnect_new_deposit",
             unit="working_days", value=1, owner="technician",
             en="Reconnect within 1 working day (new deposit)",
             th="ต่อกลับภายใน 1 วันทำการ (วางหลักประกันใหม่)"),
    ],
    "deposit-refund": [
        ACCEPT,
        dict(step="pay-out", run=["accepted", "meter_removed", "settled"],
             unit="working_days", value=15, owner="counter",
             en="Pay the deposit back", th="คืนเงินประกันการใช้ไฟฟ้า"),
    ],
    "insulation-covers": [
        ACCEPT,
        dict(step="cost", run=["accepted"], anchor="filed", unit="working_days",
             value=1, owner="counter", en="Quote the rental",
             th="แจ้งค่าใช้จ่ายการเช่าฉนวน"),
        dict(step="install", run=["paid", "installation_booked"], unit="working_days",
             value=1, owner="technician", appointment="covers",
             en="Put the covers on", th="ติดตั้งฉนวนครอบสาย"),
    ],
    "broken-meter": [
        ACCEPT,
        dict(step="replace-natural", run=["accepted", "installation_booked"],
             void=["fees_quoted"], condition="natural", anchor="filed",
             unit="working_days", value=3, owner="technician",
             appointment="installation", en="Replace the meter (natural wear)",
             th="เปลี่ยนมิเตอร์ (ชำรุดตามสภาพ)"),
        dict(step="replace-after-payment", run=["paid", "installation_booked"],
             condition="user_caused", unit="working_days", value=3,
             owner="technician", appointment="installation",
             en="Replace the meter (after payment)",
             th="เปลี่ยนมิเตอร์ (หลังชำระเงิน)"),
    ],
}  # fmt: skip


def load(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    Policy = apps.get_model("sla", "Policy")
    for code, steps in POLICIES.items():
        service = ServiceType.objects.filter(code=code).first()
        if service is None:
            continue
        for p in steps:
            published = ServiceStep.objects.filter(service=service, code=p["step"]).first()
            value, unit = p["value"], p["unit"]
            if published is not None and published.time_unit and p["unit"] not in (
                "acceptance",
            ):
                value, unit = published.time_value, published.time_unit
            Policy.objects.update_or_create(
                service=service, step_code=p["step"], version=1,
                defaults=dict(
                    name_en=p["en"], name_th=p["th"], run_states=p["run"],
                    pause_states=p.get("pause", []), stop_events=p.get("stop", []),
                    void_states=p.get("void", []), condition=p.get("condition", ""),
                    anchor=p.get("anchor", "start"),
                    appointment_kind=p.get("appointment", ""), target_value=value,
                    target_unit=unit, owner_role=p["owner"],
                    escalation_role="supervisor", smart_plus=p.get("sp"),
                ),
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_policies_and_clocks"),
        ("requests_app", "0022_work_orders"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

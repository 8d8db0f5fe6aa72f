"""Issue 16 (flows16): §3.11 reports are taken by phone (no document asked),
and §3.12 publishes the budget request as its own step before the outage
notice (the flow reads that step: requests_app.flows.correction)."""

from django.db import migrations

APPROVE_PREMISES = (
    "ประมาณการและอนุมัติงาน",
    "Estimate the work and have it approved",
)
BUDGET = dict(
    code="budget", actor="pea",
    text_th="ขออนุมัติงบประมาณ เมื่อได้รับงบประมาณแล้วจึงประกาศดับไฟ",
    text_en="Request the budget; the planned outage is announced once it is granted",
)  # fmt: skip
APPROVE_PUBLIC = ("ขออนุมัติพัสดุ", "Get the materials approved")


def forward(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    ServiceType.objects.filter(code="correction-public").update(
        takes_phone_reports=True
    )
    public = ServiceType.objects.filter(code="correction-public").first()
    if public is not None:
        ServiceStep.objects.filter(service=public, code="approve").update(
            text_th=APPROVE_PUBLIC[0], text_en=APPROVE_PUBLIC[1]
        )
    premises = ServiceType.objects.filter(code="correction-premises").first()
    if premises is None:
        return
    approve = ServiceStep.objects.filter(service=premises, code="approve").first()
    if approve is None:
        return
    approve.text_th, approve.text_en = APPROVE_PREMISES
    approve.save(update_fields=["text_th", "text_en"])
    # Make room right after the approval.
    for step in ServiceStep.objects.filter(
        service=premises, order__gt=approve.order
    ).order_by("-order"):
        step.order += 1
        step.save(update_fields=["order"])
    ServiceStep.objects.update_or_create(
        service=premises, code=BUDGET["code"],
        defaults=dict(order=approve.order + 1, actor=BUDGET["actor"],
                      text_th=BUDGET["text_th"], text_en=BUDGET["text_en"]),
    )  # fmt: skip


def backward(apps, schema_editor):
    ServiceType = apps.get_model("requests_app", "ServiceType")
    ServiceStep = apps.get_model("requests_app", "ServiceStep")
    premises = ServiceType.objects.filter(code="correction-premises").first()
    if premises is None:
        return
    budget = ServiceStep.objects.filter(service=premises, code="budget").first()
    if budget is not None:
        order = budget.order
        budget.delete()
        for step in ServiceStep.objects.filter(
            service=premises, order__gt=order
        ).order_by("order"):
            step.order -= 1
            step.save(update_fields=["order"])


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0029_flows16_budget_call_phone")]
    operations = [migrations.RunPython(forward, backward)]

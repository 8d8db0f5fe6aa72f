from celery import shared_task

from sla.sweep import sla_sweep


@shared_task
def sweep() -> dict:
    result = sla_sweep()
    return {"at_risk": result.at_risk, "breached": result.breached}

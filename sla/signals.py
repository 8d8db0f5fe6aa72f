"""The catalog is the one source of the published times: editing a step's time
(admin or code) publishes a new version of its SLA policy, which running clocks
then follow."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from requests_app.models import ServiceStep


@receiver(post_save, sender=ServiceStep)
def step_time_changed(sender, instance: ServiceStep, raw=False, **kwargs):
    from sla.clocks import policy_publish
    from sla.models import Policy

    if raw or not instance.time_unit:
        return
    current = (
        Policy.objects.filter(service=instance.service_id, step_code=instance.code)
        .order_by("-version")
        .first()
    )
    if current is None or current.target_unit == Policy.Unit.ACCEPTANCE:
        return
    if (current.target_value, current.target_unit) != (
        instance.time_value,
        instance.time_unit,
    ):
        policy_publish(
            current=current,
            target_value=instance.time_value,
            target_unit=instance.time_unit,
        )

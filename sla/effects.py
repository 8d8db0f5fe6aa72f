"""What the SLA does when a request is filed or takes a step (declared in
settings.FILING_EFFECTS and settings.STEP_EFFECTS; requests_app.machine)."""

from requests_app.models import ServiceRequest
from sla import clocks, tallies


def clocks_follow(step) -> None:
    """The request's clocks follow the state it entered; its promise is the
    earliest running one (sla.clocks)."""
    request = step.request
    clocks.follow(request=request, name=step.name, now=step.at)
    request.due_at = clocks.request_due(request)
    ServiceRequest.objects.filter(pk=request.pk).update(due_at=request.due_at)


def tallies_follow(step) -> None:
    """The open and step counts of the dashboards."""
    tallies.request_moved(step.request, step.from_state, step.request.state)

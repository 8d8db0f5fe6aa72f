"""What a reporter follows, for the status page and the API."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from outages.models import Incident, OutageReport


@dataclass
class ReportStatus:
    report: OutageReport
    incident: Incident  # after following merges: the one being worked on
    updates: list


def status_of(report: OutageReport) -> ReportStatus:
    incident = report.incident
    while incident.status == Incident.Status.MERGED and incident.merged_into_id:
        incident = incident.merged_into
    updates = list(incident.updates.exclude(kind__in=["merged", "split"])[:50])
    return ReportStatus(report=report, incident=incident, updates=updates)


def report_status(token: str) -> ReportStatus:
    """404 for an unknown token (the token is the reporter's secret link)."""
    report = get_object_or_404(
        OutageReport.objects.select_related("incident__office"), token=token
    )
    return status_of(report)

"""Outage reports: filing (grouped into incidents as they arrive) and what
staff do with an incident — dispatch a crew, post updates with an estimated
restoration time, restore, merge and split. Every reporter of an incident is
told of each update and of the restoration."""

from __future__ import annotations

import ipaddress
import math
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Office, User
from accounts.offices import covers_office
from accounts.validators import normalize_digits, normalize_mobile, validate_thai_mobile
from core.dates import be_year
from core.errors import ServiceError
from core.services import sequence_next
from meters.models import ElectricityAccount
from notifications.services import notification_enqueue_sms
from outages.models import DANGER, Incident, IncidentUpdate, OutageReport
from requests_app.notes import SystemMessage, text_fields

EARTH_M = 6_371_000
OUTAGE_STAFF = {User.Role.COUNTER, User.Role.TECHNICIAN, User.Role.SUPERVISOR}


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(a))


def nearest_branch(lat: float, lon: float) -> Office | None:
    """The branch office nearest to a point (offices carry their location)."""
    branches = Office.objects.filter(
        kind=Office.Kind.BRANCH, is_active=True, lat__isnull=False, lon__isnull=False
    ).only("pk", "lat", "lon", "code", "name_th", "name_en", "path")
    return min(branches, key=lambda o: distance_m(lat, lon, o.lat, o.lon), default=None)


def _check_point(lat, lon) -> None:
    if (lat is None) != (lon is None):
        raise ValidationError({"lat": _("Give both the latitude and the longitude.")})
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError({"lat": _("This is not a place on Earth.")})


# What the columns hold (name: its CharField; the others: what the forms say).
TEXT_LIMITS = {"name": 120, "phone": 20, "ca_number": 20, "address": 500, "note": 500}


def _check_text(**fields: str) -> None:
    """Every channel (web, API, Open311) passes through here: a NUL or a text
    longer than its column is refused, never stored or cut."""
    errors = {}
    for field, value in fields.items():
        if "\x00" in value:
            errors[field] = _("This text contains a character that is not allowed.")
        elif len(value) > TEXT_LIMITS[field]:
            errors[field] = _(
                "Keep this to at most %(limit)d characters (it has %(length)d)."
            ) % {"limit": TEXT_LIMITS[field], "length": len(value)}
    if errors:
        raise ValidationError(errors)


def _clean_phone(phone: str) -> str:
    """A Thai mobile number however written (+66 87 777 7777, 087-777-7777)
    as stored (0877777777); anything else is refused."""
    if not phone:
        return ""
    try:
        validate_thai_mobile(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None
    return normalize_mobile(phone)


def _clean_ca_number(ca_number: str) -> str:
    ca_number = normalize_digits(ca_number)
    if ca_number and not re.fullmatch(r"[0-9]{9,12}", ca_number):
        raise ValidationError({"ca_number": _("A CA number has 9 to 12 digits.")})
    return ca_number


def _clean_ip(ip_address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(ip_address)) if ip_address else None
    except ValueError:
        return None


def outage_report(
    *,
    symptom: str,
    office=None,
    account=None,
    reporter=None,
    name: str = "",
    phone: str = "",
    ca_number: str = "",
    address: str = "",
    lat=None,
    lon=None,
    note: str = "",
    channel: str = OutageReport.Channel.WEB,
    language: str = "th",
    ip_address: str | None = None,
    now=None,
) -> OutageReport:
    """File a report and put it into an incident: an open incident of the
    same office with a report in the last OUTAGE_GROUP_MINUTES that is on the
    same feeder, or failing that within OUTAGE_GROUP_METRES; otherwise a new
    one. Grouping is serialised per office, so two reports at the same moment
    never open two incidents.

    `account` is one the caller has resolved (a customer's own); `ca_number`
    is what someone typed. A typed number places the report only when it is
    one of the reporter's own accounts; otherwise the report needs the office
    or a location, like any other, and the number is matched within that
    office (for the feeder) or kept for staff — the same answer either way, so
    the form tells no one whether a CA number exists.

    A report is always filed (a real outage must not be lost); an anonymous
    one is acknowledged by SMS only while its phone and its client address
    are under OUTAGE_ACK_SMS_PER_PHONE_HOUR and OUTAGE_ACK_SMS_PER_IP_HOUR."""
    now = now or timezone.now()
    _check_text(name=name, phone=phone, ca_number=ca_number, address=address, note=note)
    _check_point(lat, lon)
    phone, ca_number = _clean_phone(phone), _clean_ca_number(ca_number)
    if account is None and ca_number and reporter is not None:
        account = (
            reporter.accounts.select_related("office")
            .filter(ca_number=ca_number)
            .first()
        )
    if account is None and not ca_number and not address.strip() and lat is None:
        raise ValidationError(
            {"address": _("Give the CA number, or the address, or use your location.")}
        )
    if reporter is None and not phone:
        raise ValidationError(
            {"phone": _("Give a phone number so we can tell you when power is back.")}
        )
    if account is not None:
        office = account.office
        ca_number = account.ca_number
    if office is None and lat is not None:
        office = nearest_branch(lat, lon)
    if office is None:
        raise ValidationError(
            {"office": _("Choose the PEA office of the area, or use your location.")}
        )
    if account is None and ca_number:
        account = ElectricityAccount.objects.filter(
            ca_number=ca_number, office=office
        ).first()  # matched later by staff when it is not of this office
    area = account.feeder if account is not None else ""
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=office.pk).first()
        incident = _group(office=office, area=area, lat=lat, lon=lon, now=now)
        if incident is None:
            incident = Incident.objects.create(
                number=_number(office, now),
                office=office,
                area=area,
                lat=lat,
                lon=lon,
                first_reported_at=now,
                last_reported_at=now,
            )
        report = OutageReport.objects.create(
            incident=incident,
            token=secrets.token_urlsafe(9),
            reporter=reporter,
            name=name or (reporter.get_full_name() if reporter else ""),
            phone=phone or (reporter.phone if reporter else ""),
            language=(reporter.preferred_language if reporter else language) or "th",
            account=account,
            ca_number=ca_number,
            address=address.strip(),
            lat=lat,
            lon=lon,
            symptom=symptom,
            danger=symptom in DANGER,
            note=note.strip(),
            channel=channel,
            ip_address=_clean_ip(ip_address),
            created_at=now,
        )
        _absorb(incident, report)
        if reporter is not None or _may_acknowledge(report, now):
            report.acknowledged = _tell([report], incident, "outage_received") > 0
            OutageReport.objects.filter(pk=report.pk).update(
                acknowledged=report.acknowledged
            )
    return report


def _may_acknowledge(report: OutageReport, now) -> bool:
    """Under the hourly limits of acknowledgements to this phone and from this
    client address (counted in the database: every process sees them)."""
    sent = OutageReport.objects.filter(
        acknowledged=True, created_at__gt=now - timedelta(hours=1)
    )
    if sent.filter(phone=report.phone).count() >= (
        settings.OUTAGE_ACK_SMS_PER_PHONE_HOUR
    ):
        return False
    return (
        not report.ip_address
        or sent.filter(ip_address=report.ip_address).count()
        < settings.OUTAGE_ACK_SMS_PER_IP_HOUR
    )


def open311_posts_exceeded(*, ip_address: str | None, now=None) -> bool:
    """Whether this client address has filed OPEN311_POSTS_PER_IP_HOUR
    Open311 requests in the last hour (counted in the database)."""
    ip_address = _clean_ip(ip_address)
    if ip_address is None:
        return False
    now = now or timezone.now()
    return (
        OutageReport.objects.filter(
            channel=OutageReport.Channel.OPEN311,
            ip_address=ip_address,
            created_at__gt=now - timedelta(hours=1),
        ).count()
        >= settings.OPEN311_POSTS_PER_IP_HOUR
    )


def _number(office, now) -> str:
    year = be_year(timezone.localtime(now))
    seq = sequence_next(key=f"outage:{office.code}:{year}")
    return f"OUT{office.code}-{year}-{seq:05d}"


def _group(*, office, area, lat, lon, now) -> Incident | None:
    recent = Incident.objects.select_for_update().filter(
        office=office,
        status__in=Incident.OPEN,
        last_reported_at__gte=now - timedelta(minutes=settings.OUTAGE_GROUP_MINUTES),
    )
    if area:
        same_feeder = recent.filter(area=area).order_by("-last_reported_at").first()
        if same_feeder is not None:
            return same_feeder
    if lat is None:
        return None
    near = [
        (distance_m(lat, lon, i.lat, i.lon), i)
        for i in recent.filter(lat__isnull=False)
    ]
    near = [(d, i) for d, i in near if d <= settings.OUTAGE_GROUP_METRES]
    return min(near, key=lambda pair: pair[0])[1] if near else None


def _absorb(incident: Incident, report: OutageReport) -> None:
    """Count a new report into its incident (centre, danger, times)."""
    if report.lat is not None:
        if incident.lat is None:
            incident.lat, incident.lon = report.lat, report.lon
        else:  # running mean of the located reports
            n = incident.reports.filter(lat__isnull=False).count()
            incident.lat += (report.lat - incident.lat) / n
            incident.lon += (report.lon - incident.lon) / n
    incident.area = incident.area or (report.account.feeder if report.account else "")
    incident.reports_count += 1
    incident.danger = incident.danger or report.danger
    incident.last_reported_at = max(incident.last_reported_at, report.created_at)
    incident.save()


def _recount(incident: Incident) -> None:
    """Counts, danger, centre and times again from the incident's reports
    (after a merge or a split)."""
    agg = incident.reports.aggregate(
        n=Count("id"),
        danger=Count("id", filter=Q(danger=True)),
    )
    reports = list(incident.reports.only("lat", "lon", "created_at"))
    located = [r for r in reports if r.lat is not None]
    incident.reports_count, incident.danger = agg["n"], agg["danger"] > 0
    if located:
        incident.lat = sum(r.lat for r in located) / len(located)
        incident.lon = sum(r.lon for r in located) / len(located)
    if reports:
        incident.first_reported_at = min(r.created_at for r in reports)
        incident.last_reported_at = max(r.created_at for r in reports)
    incident.save()


def _tell(reports, incident, event, update=None) -> int:
    """One SMS per reporter's phone, in their language, after commit."""
    seen, n = set(), 0
    for report in reports:
        if not report.phone or report.phone in seen:
            continue
        seen.add(report.phone)
        notification_enqueue_sms(
            phone=report.phone,
            language=report.language,
            event=event,
            recipient=report.reporter,
            context={
                "incident": incident,
                "report": report,
                "update": update,
                "url": settings.SITE_URL.rstrip("/") + report_url(report),
            },
        )
        n += 1
    return n


def report_url(report) -> str:
    from django.urls import reverse

    return reverse("outages:status", args=[report.token])


# Staff ---------------------------------------------------------------------------


def _staff_lock(incident, user) -> Incident:
    if user.role != User.Role.ADMIN and (
        user.role not in OUTAGE_STAFF or not covers_office(user, incident.office)
    ):
        raise PermissionDenied(_("You may not act on this incident."))
    return Incident.objects.select_for_update().get(pk=incident.pk)


MESSAGE_MAX = 300


def _check_message(message: str) -> None:
    if "\x00" in message:
        raise ValidationError(
            {"message": _("This text contains a character that is not allowed.")}
        )
    if len(message) > MESSAGE_MAX:
        raise ValidationError(
            {
                "message": _(
                    "Keep this to at most %(limit)d characters (it has %(length)d)."
                )
                % {"limit": MESSAGE_MAX, "length": len(message)}
            }
        )


def _post(incident, user, kind, message="", eta=None, event="outage_update"):
    _check_message(message)
    update = IncidentUpdate.objects.create(
        incident=incident, kind=kind, message=message.strip(), eta=eta, author=user
    )
    _tell(list(incident.reports.all()), incident, event, update)
    return update


def _check_eta(eta, now) -> None:
    if eta is not None and eta <= now:
        raise ValidationError(
            {"eta": _("The estimated restoration time must be in the future.")}
        )


def _open_only(incident) -> None:
    if not incident.is_open:
        raise ServiceError(_("This incident is closed."))


def incident_dispatch(*, incident, user, crew, eta=None, message="") -> Incident:
    now = timezone.now()
    _check_eta(eta, now)
    with transaction.atomic():
        incident = _staff_lock(incident, user)
        _open_only(incident)
        if crew.role != User.Role.TECHNICIAN or not covers_office(
            crew, incident.office
        ):
            raise ValidationError({"crew": _("Choose a technician of this office.")})
        incident.status, incident.crew = Incident.Status.DISPATCHED, crew
        incident.eta = eta or incident.eta
        incident.save(update_fields=["status", "crew", "eta"])
        _post(incident, user, IncidentUpdate.Kind.DISPATCHED, message, incident.eta)
    return incident


def incident_update(*, incident, user, message: str, eta=None) -> IncidentUpdate:
    if not message.strip() and eta is None:
        raise ValidationError({"message": _("Write what reporters should know.")})
    _check_eta(eta, timezone.now())
    with transaction.atomic():
        incident = _staff_lock(incident, user)
        _open_only(incident)
        if eta is not None:
            incident.eta = eta
            incident.save(update_fields=["eta"])
        return _post(incident, user, IncidentUpdate.Kind.UPDATE, message, eta)


def incident_restore(*, incident, user, message="") -> Incident:
    with transaction.atomic():
        incident = _staff_lock(incident, user)
        _open_only(incident)
        incident.status, incident.restored_at = (
            Incident.Status.RESTORED,
            timezone.now(),
        )
        incident.save(update_fields=["status", "restored_at"])
        _post(
            incident,
            user,
            IncidentUpdate.Kind.RESTORED,
            message,
            event="outage_restored",
        )
    return incident


def incident_merge(*, target, other, user) -> Incident:
    """Two incidents are one fault: the other's reports join the target."""
    if target.pk == other.pk:
        raise ValidationError({"other": _("Choose another incident.")})
    with transaction.atomic():
        first, second = sorted([target, other], key=lambda i: i.pk)  # lock order
        _staff_lock(first, user)
        _staff_lock(second, user)
        target = Incident.objects.get(pk=target.pk)
        other = Incident.objects.get(pk=other.pk)
        if target.office_id != other.office_id:
            raise ValidationError({"other": _("Only incidents of one office merge.")})
        _open_only(target)
        _open_only(other)
        other.reports.update(incident=target)
        other.status, other.merged_into = Incident.Status.MERGED, target
        other.reports_count = 0
        other.save(update_fields=["status", "merged_into", "reports_count"])
        _recount(target)
        IncidentUpdate.objects.create(
            incident=target,
            kind=IncidentUpdate.Kind.MERGED,
            author=user,
            **text_fields(
                "message", SystemMessage("incident_merged_here", other=other.number)
            ),
        )
        IncidentUpdate.objects.create(
            incident=other,
            kind=IncidentUpdate.Kind.MERGED,
            author=user,
            **text_fields(
                "message", SystemMessage("incident_merged_into", target=target.number)
            ),
        )
    return target


def incident_split(*, incident, report_ids, user) -> Incident:
    """Some reports are another fault: they leave for a new incident."""
    ids = [str(i) for i in report_ids]
    if not all(re.fullmatch(r"[0-9]{1,18}", i) for i in ids):
        raise ValidationError({"reports": _("Tick the reports to move.")})
    report_ids = [int(i) for i in ids]
    with transaction.atomic():
        incident = _staff_lock(incident, user)
        _open_only(incident)
        moving = list(incident.reports.filter(pk__in=report_ids))
        if not moving:
            raise ValidationError({"reports": _("Tick the reports to move.")})
        if len(moving) == incident.reports.count():
            raise ValidationError({"reports": _("Leave at least one report here.")})
        now = timezone.now()
        new = Incident.objects.create(
            number=_number(incident.office, now),
            office=incident.office,
            area=incident.area,
            first_reported_at=now,
            last_reported_at=now,
        )
        OutageReport.objects.filter(pk__in=[r.pk for r in moving]).update(incident=new)
        _recount(new)
        _recount(incident)
        IncidentUpdate.objects.create(
            incident=new,
            kind=IncidentUpdate.Kind.SPLIT,
            author=user,
            **text_fields(
                "message", SystemMessage("incident_split", number=incident.number)
            ),
        )
    return new

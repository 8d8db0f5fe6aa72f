"""Open311 GeoReport v2 (JSON) for outage reports, so stock Open311 clients
and city apps can file and follow them: services, the service definition,
requests (POST and GET) and one request.

    GET  /open311/v2/services.json
    GET  /open311/v2/services/<service_code>.json
    POST /open311/v2/requests.json      (form-encoded, as the standard says)
    GET  /open311/v2/requests.json      (?service_request_id=a,b &status=open,closed
                                         &start_date &end_date, at most 90 days)
    GET  /open311/v2/requests/<id>.json

Published requests carry no personal data: no name, phone, address or
description, and the location rounded to about 100 m; the request id is the
report's number, never the reporter's private status token. Bad parameters
answer 400 in GeoReport's error shape ([{code, description}]); POST is limited
to OPEN311_POSTS_PER_IP_HOUR requests per client address (429)."""

import math
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from accounts.models import Office
from core.security_log import client_ip
from outages import services
from outages.models import Incident, OutageReport, Symptom

SERVICE_CODE = "outage"
MAX_DAYS = 90
MAX_RESULTS = 1000
ID = re.compile(r"[0-9]{1,18}")  # a report's id (bigint)


def _error(status: int, description: str, code=None) -> JsonResponse:
    return JsonResponse(
        [{"code": code or status, "description": description}],
        status=status,
        safe=False,
    )


def _service() -> dict:
    return {
        "service_code": SERVICE_CODE,
        "service_name": "Power outage / ไฟฟ้าดับ",
        "description": "Report a power outage, a fallen line or sparks to PEA.",
        "metadata": True,
        "type": "realtime",
        "keywords": "outage,power,electricity,ไฟดับ",
        "group": "PEA",
    }


@require_GET
def service_list(request):
    return JsonResponse([_service()], safe=False)


@require_GET
def service_definition(request, code):
    if code != SERVICE_CODE:
        return _error(404, f"no service {code}")
    with override("en"):
        symptoms = [{"key": k, "name": str(v)} for k, v in Symptom.choices]
    offices = [
        {"key": o.code, "name": o.name_en}
        for o in Office.objects.filter(kind=Office.Kind.BRANCH, is_active=True)
    ]
    return JsonResponse(
        {
            "service_code": SERVICE_CODE,
            "attributes": [
                {
                    "variable": True,
                    "code": "symptom",
                    "datatype": "singlevaluelist",
                    "required": True,
                    "datatype_description": "",
                    "order": 1,
                    "description": "What do you see?",
                    "values": symptoms,
                },
                {
                    "variable": True,
                    "code": "ca_number",
                    "datatype": "string",
                    "required": False,
                    "datatype_description": "9-12 digits, on the bill",
                    "order": 2,
                    "description": "CA number of the electricity account",
                },
                {
                    "variable": True,
                    "code": "office",
                    "datatype": "singlevaluelist",
                    "required": False,
                    "datatype_description": "",
                    "order": 3,
                    "description": "PEA office of the area (when the request "
                    "has neither a CA number nor a location, the nearest otherwise)",
                    "values": offices,
                },
            ],
        }
    )


@csrf_exempt
def requests_view(request):
    if request.method == "POST":
        return _post(request)
    if request.method != "GET":
        return _error(405, "GET or POST")
    return _list(request)


def _float(value, name):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValidationError({name: f"{name} must be a number"}) from None
    if not math.isfinite(number):
        raise ValidationError({name: f"{name} must be a number"})
    return number


def _field_errors(exc: ValidationError) -> str:
    with override("en"):
        if not hasattr(exc, "error_dict"):
            return " ".join(exc.messages)
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())


def _post(request):
    data = request.POST
    keys = settings.OPEN311_API_KEYS
    if keys and data.get("api_key") not in keys:
        return _error(403, "api_key missing or not valid")
    ip_address = client_ip(request)
    if services.open311_posts_exceeded(ip_address=ip_address):
        response = _error(429, "too many requests from this address; retry later")
        response["Retry-After"] = "3600"
        return response
    if data.get("service_code") != SERVICE_CODE:
        return _error(400, "service_code not found")
    symptom = data.get("attribute[symptom]", "")
    if symptom not in Symptom.values:
        return _error(
            400, "attribute[symptom] is required: " + ", ".join(Symptom.values)
        )
    try:
        lat, lon = _float(data.get("lat"), "lat"), _float(data.get("long"), "long")
        office = None
        code = data.get("attribute[office]", "")
        if code:
            if "\x00" in code or len(code) > 16:
                return _error(400, "attribute[office] not found")
            office = Office.objects.filter(code=code, kind=Office.Kind.BRANCH).first()
            if office is None:
                return _error(400, "attribute[office] not found")
        name = " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
        # The service validates every field (a Thai mobile number, lengths,
        # NUL) and matches the CA number, as it does for the web form.
        report = services.outage_report(
            symptom=symptom,
            office=office,
            name=name,
            phone=data.get("phone", ""),
            ca_number=data.get("attribute[ca_number]", ""),
            address=data.get("address_string", ""),
            lat=lat,
            lon=lon,
            note=data.get("description", ""),
            channel=OutageReport.Channel.OPEN311,
            language="en"
            if "en" in request.headers.get("Accept-Language", "")[:2]
            else "th",
            ip_address=ip_address,
        )
    except ValidationError as exc:
        return _error(400, _field_errors(exc))
    return JsonResponse(
        [
            {
                "service_request_id": str(report.pk),
                "service_notice": "",
                "account_id": None,
            }
        ],
        safe=False,
        status=201,
    )


# Dates a W3C date-time may give that the database and the 90-day window hold.
EARLIEST, LATEST = datetime(2000, 1, 1), datetime(9000, 1, 1)


def _when(text: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"{name} must be a W3C date-time") from None
    if not EARLIEST <= value.replace(tzinfo=None) <= LATEST:
        raise ValidationError(f"{name} must lie between 2000 and 9000")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _ids(text: str) -> list[int]:
    ids = [i.strip() for i in text.split(",")]
    if len(ids) > MAX_RESULTS or not all(ID.fullmatch(i) for i in ids):
        raise ValidationError(
            "service_request_id must be a comma-separated list of numbers"
        )
    return [int(i) for i in ids]


def _list(request):
    qs = OutageReport.objects.select_related("incident__office")
    ids = request.GET.get("service_request_id")
    try:
        if ids:
            qs = qs.filter(pk__in=_ids(ids))
        else:
            codes = request.GET.get("service_code")
            if codes and SERVICE_CODE not in codes.split(","):
                return JsonResponse([], safe=False)
            end = (
                _when(request.GET["end_date"], "end_date")
                if request.GET.get("end_date")
                else timezone.now()
            )
            start = (
                _when(request.GET["start_date"], "start_date")
                if request.GET.get("start_date")
                else end - timedelta(days=MAX_DAYS)
            )
            if start > end:
                raise ValidationError("start_date must come before end_date")
            if end - start > timedelta(days=MAX_DAYS):
                raise ValidationError("the range may not span more than 90 days")
            wanted = set((request.GET.get("status") or "open,closed").split(","))
            if not wanted <= {"open", "closed"}:
                raise ValidationError("status must be open, closed or both")
            qs = qs.filter(created_at__gte=start, created_at__lte=end)
            if wanted == {"open"}:
                qs = qs.filter(incident__status__in=[*Incident.OPEN, "merged"])
            elif wanted == {"closed"}:
                qs = qs.filter(incident__status=Incident.Status.RESTORED)
            qs = qs.order_by("-created_at")
    except ValidationError as exc:
        return _error(400, " ".join(exc.messages))
    reports = list(qs[:MAX_RESULTS])
    last = dict(
        OutageReport.objects.filter(pk__in=[r.pk for r in reports])
        .values_list("pk")
        .annotate(at=Max("incident__updates__created_at"))
    )
    return JsonResponse([_public(r, last.get(r.pk)) for r in reports], safe=False)


@require_GET
def request_detail(request, request_id):
    if not ID.fullmatch(request_id):
        return _error(400, "service_request_id must be a number")
    report = (
        OutageReport.objects.select_related("incident__office")
        .filter(pk=int(request_id))
        .first()
    )
    if report is None:
        return _error(404, f"no request {request_id}")
    last = report.incident.updates.aggregate(at=Max("created_at"))["at"]
    return JsonResponse([_public(report, last)], safe=False)


def _iso(value):
    return value.isoformat(timespec="seconds") if value else None


def _public(report, last_update) -> dict:
    incident = report.incident
    with override("en"):
        notes = {
            Incident.Status.REPORTED: _("Reported; PEA is locating the fault."),
            Incident.Status.DISPATCHED: _("A crew is on the way."),
            Incident.Status.RESTORED: _("Power restored."),
            Incident.Status.MERGED: _("Reported; PEA is locating the fault."),
        }[incident.status]
    return {
        # The report's id, never its token: the token is the reporter's own
        # link to their status page (sent to them by SMS), not published.
        "service_request_id": str(report.pk),
        "status": "closed" if incident.status == Incident.Status.RESTORED else "open",
        "status_notes": notes,
        "service_name": _service()["service_name"],
        "service_code": SERVICE_CODE,
        "description": None,  # personal: not published
        "agency_responsible": f"PEA {incident.office.code}",
        "service_notice": incident.number,
        "requested_datetime": _iso(report.created_at),
        "updated_datetime": _iso(max(filter(None, [report.created_at, last_update]))),
        "expected_datetime": _iso(incident.eta),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": round(report.lat, 3) if report.lat is not None else None,
        "long": round(report.lon, 3) if report.lon is not None else None,
        "media_url": None,
    }

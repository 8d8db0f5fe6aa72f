"""Open311 GeoReport v2: a round trip with a third-party client from PyPI
(georeport) against the live server — list the services, read the service
definition, file a request, read it back alone and in the list — plus the
errors a client gets for bad input. georeport reads but does not file
(its docs say so), so the POST is sent as the standard describes: a
form-encoded body to requests.json."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from georeport import GeoReport

from outages import services as o
from outages.models import OutageReport

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_stock_client_lists_files_and_reads_back(live_server, offices, counter):
    branch = offices["branch"]
    branch.lat, branch.lon = 16.4419, 102.8360
    branch.save()
    root = live_server.url + "/open311/v2"
    client = GeoReport(root)

    services = client.get_service_list()
    assert [s["service_code"] for s in services] == ["outage"]
    assert services[0]["metadata"] is True
    definition = client.get_service_definition("outage")
    symptom = next(a for a in definition["attributes"] if a["code"] == "symptom")
    assert symptom["required"] and {v["key"] for v in symptom["values"]} >= {
        "line_down", "area_dark",
    }  # fmt: skip

    posted = requests.post(root + "/requests.json", data={
        "service_code": "outage", "lat": "16.4430", "long": "102.8370",
        "address_string": "ซอย 5 ถ.มิตรภาพ", "description": "เสาไฟล้มขวางถนน",
        "first_name": "Somchai", "phone": "081-234-5678",
        "attribute[symptom]": "line_down",
    }, timeout=10)  # fmt: skip
    assert posted.status_code == 201, posted.text
    request_id = posted.json()[0]["service_request_id"]
    report = OutageReport.objects.get(pk=request_id)
    assert (report.channel, report.phone, report.danger) == (
        "open311",
        "0812345678",
        True,
    )
    assert report.incident.office == branch  # the nearest branch

    one = client.get_service_request(request_id)
    assert (one["service_request_id"], one["status"], one["service_code"]) == (
        request_id, "open", "outage",
    )  # fmt: skip
    assert one["service_notice"] == report.incident.number
    assert (one["lat"], one["long"]) == (16.443, 102.837)  # rounded, ~100 m
    assert one["description"] is None and one["address"] is None  # personal

    eta = timezone.now() + timedelta(hours=1)
    o.incident_update(incident=report.incident, user=counter, message="x", eta=eta)
    o.incident_restore(incident=report.incident, user=counter)
    listed = client.get_service_requests(status="closed")
    assert [r["service_request_id"] for r in listed] == [request_id]
    assert listed[0]["status"] == "closed"
    assert listed[0]["expected_datetime"] is not None
    assert client.get_service_requests(status="open") == []


def test_bad_requests_get_the_standard_error_shape(live_server, offices):
    root = live_server.url + "/open311/v2"
    cases = [
        ({"service_code": "potholes"}, "service_code"),
        ({"service_code": "outage"}, "attribute[symptom]"),
        ({"service_code": "outage", "attribute[symptom]": "sparks",
          "phone": "0812345678"}, "address"),  # nowhere given
        ({"service_code": "outage", "attribute[symptom]": "sparks",
          "lat": "north", "long": "1"}, "lat"),
        ({"service_code": "outage", "attribute[symptom]": "sparks", "lat": "16.4",
          "long": "102.8", "attribute[ca_number]": "12AB"}, "ca_number"),
    ]  # fmt: skip
    for data, word in cases:
        response = requests.post(root + "/requests.json", data=data, timeout=10)
        assert response.status_code == 400, data
        (error,) = response.json()
        assert error["code"] == 400 and word in error["description"], error
    missing = requests.get(root + "/requests/987654.json", timeout=10)
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
    too_long = requests.get(root + "/requests.json", params={
        "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z",
    }, timeout=10)  # fmt: skip
    assert too_long.status_code == 400
    assert not OutageReport.objects.exists()


def test_api_keys_are_required_when_configured(live_server, offices, settings):
    settings.OPEN311_API_KEYS = ["city-app-key"]
    root = live_server.url + "/open311/v2"
    data = {"service_code": "outage", "attribute[symptom]": "area_dark",
            "attribute[office]": offices["branch"].code, "address_string": "ซอย 5",
            "phone": "0812345678"}  # fmt: skip
    assert (
        requests.post(root + "/requests.json", data=data, timeout=10).status_code == 403
    )
    ok = requests.post(root + "/requests.json", data={**data, "api_key": "city-app-key"},
                       timeout=10)  # fmt: skip
    assert ok.status_code == 201

"""Outage reports: grouping into incidents (by feeder, by distance, within a
time window), danger first on the board, merge and split, and every reporter
told of each update and of the restoration."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import ServiceError
from notifications.models import OutboxMessage
from outages import services as o
from outages.models import Incident, OutageReport
from tests import factories

pytestmark = pytest.mark.django_db

# Two points in Khon Kaen about 400 m apart, and one 25 km away.
HERE = (16.4419, 102.8360)
NEAR = (16.4450, 102.8385)
FAR = (16.6700, 102.8400)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def technician(office):
    return factories.StaffFactory(username="tom", role="technician", office=office)


def _account(customer, office, feeder):
    account = factories.account_for(customer, office)
    account.feeder = feeder
    account.save(update_fields=["feeder"])
    return account


def _visitor(office, point, symptom="area_dark", phone="0810000001", **kw):
    return o.outage_report(symptom=symptom, office=office, lat=point[0],
                           lon=point[1], phone=phone, **kw)  # fmt: skip


def test_reports_on_one_feeder_within_the_window_are_one_incident(
    customer, other_customer, office
):
    a = o.outage_report(symptom="area_dark", account=_account(customer, office, "KKN-04"),
                        reporter=customer)  # fmt: skip
    b = o.outage_report(symptom="house_only", reporter=other_customer,
                        account=_account(other_customer, office, "KKN-04"))  # fmt: skip
    other_feeder = o.outage_report(
        symptom="area_dark", reporter=other_customer,
        account=_account(other_customer, office, "KKN-07"),
    )  # fmt: skip
    assert a.incident == b.incident != other_feeder.incident
    incident = Incident.objects.get(pk=a.incident_id)
    assert (incident.reports_count, incident.area) == (2, "KKN-04")
    assert incident.number.startswith(f"OUT{office.code}-")


def test_reports_near_each_other_group_far_ones_do_not(office):
    first = _visitor(office, HERE)
    near = _visitor(office, NEAR, phone="0810000002")
    far = _visitor(office, FAR, phone="0810000003")
    assert o.distance_m(*HERE, *NEAR) < 1500 < o.distance_m(*HERE, *FAR)
    assert first.incident == near.incident
    assert far.incident != first.incident
    assert Incident.objects.count() == 2


def test_after_the_window_or_the_restoration_a_report_opens_a_new_incident(
    office, counter
):
    old = _visitor(office, HERE, now=timezone.now() - timedelta(hours=3))
    fresh = _visitor(office, HERE, phone="0810000002")
    assert fresh.incident != old.incident  # three hours apart
    o.incident_restore(incident=fresh.incident, user=counter)
    again = _visitor(office, HERE, phone="0810000003")
    assert again.incident not in (old.incident, fresh.incident)


def test_a_report_needs_a_place_and_a_visitor_a_phone(office):
    with pytest.raises(ValidationError) as exc:
        o.outage_report(symptom="area_dark", office=office, phone="0810000001")
    assert "address" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        o.outage_report(symptom="area_dark", office=office, address="ซอย 5")
    assert "phone" in exc.value.message_dict
    assert not OutageReport.objects.exists() and not Incident.objects.exists()


def test_a_location_only_report_goes_to_the_nearest_branch(offices):
    offices["branch"].lat, offices["branch"].lon = HERE
    offices["branch"].save()
    offices["other_branch"].lat, offices["other_branch"].lon = FAR
    offices["other_branch"].save()
    report = o.outage_report(symptom="sparks", lat=FAR[0] - 0.01, lon=FAR[1],
                             phone="0810000001")  # fmt: skip
    assert report.incident.office == offices["other_branch"]
    assert report.danger and report.incident.danger


def test_danger_comes_first_on_the_board_in_constant_queries(client, office, counter):
    quiet = _visitor(office, HERE, now=timezone.now() - timedelta(minutes=50))
    danger = _visitor(office, FAR, symptom="line_down", phone="0810000002")
    client.force_login(counter)
    client.cookies["pea_language"] = "en"
    html = client.get(reverse("staff:outages")).content.decode()
    assert html.index(danger.incident.number) < html.index(quiet.incident.number)
    for i in range(6):  # more incidents, same number of queries
        _visitor(office, (HERE[0] + 0.1 * (i + 1), HERE[1]), phone=f"08100001{i:02d}")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("staff:outages"))
    for i in range(6):
        _visitor(office, (HERE[0] - 0.1 * (i + 1), HERE[1]), phone=f"08100002{i:02d}")
    with CaptureQueriesContext(connection) as more:
        assert client.get(reverse("staff:outages")).status_code == 200
    assert len(more) == len(few)


def test_every_reporter_is_told_of_each_update_and_the_restoration(
    office, counter, technician, customer
):
    customer.phone = "0899999999"
    customer.save()
    a = _visitor(office, HERE, phone="0810000001")
    b = _visitor(office, NEAR, phone="0810000002", language="en")
    c = o.outage_report(symptom="area_dark", office=office, reporter=customer,
                        lat=HERE[0], lon=HERE[1])  # fmt: skip
    _visitor(office, NEAR, phone="0810000001")  # the same phone twice: told once
    incident = a.incident
    assert b.incident == c.incident == incident
    received = OutboxMessage.objects.filter(event="outage_received")
    assert received.count() == 4  # each report is acknowledged
    eta = timezone.now() + timedelta(hours=2)
    o.incident_dispatch(incident=incident, user=counter, crew=technician, eta=eta,
                        message="สายขาดที่ซอย 5")  # fmt: skip
    o.incident_update(incident=incident, user=counter, message="กำลังเปลี่ยนเสา")
    o.incident_restore(incident=incident, user=counter)

    for event in ("outage_update", "outage_restored"):
        sent = OutboxMessage.objects.filter(event=event)
        phones = sorted(sent.values_list("to", flat=True))
        expected = 2 if event == "outage_update" else 1
        assert phones == sorted(["0810000001", "0810000002", "0899999999"] * expected)
    english = OutboxMessage.objects.get(event="outage_restored", to="0810000002")
    assert "Power has been restored" in english.body and incident.number in english.body
    assert (
        OutboxMessage.objects.get(event="outage_restored", to="0899999999").recipient
        == customer
    )
    assert Incident.objects.get(pk=incident.pk).status == "restored"
    with pytest.raises(ServiceError):
        o.incident_update(incident=incident, user=counter, message="again")


def test_merge_and_split_move_reports_and_recount(office, counter, other_office):
    a = _visitor(office, HERE)
    b = _visitor(office, FAR, symptom="sparks", phone="0810000002")
    target = o.incident_merge(target=a.incident, other=b.incident, user=counter)
    other = Incident.objects.get(pk=b.incident_id)
    assert (other.status, other.merged_into) == ("merged", target)
    assert (target.reports_count, target.danger) == (2, True)
    assert set(target.reports.values_list("pk", flat=True)) == {a.pk, b.pk}

    # The portal's own words on the updates, in the reader's language.
    merged = other.updates.get()
    with translation.override("en"):
        assert merged.shown_message == f"Merged into {target.number}"
    with translation.override("th"):
        assert target.number in merged.shown_message
        assert "Merged" not in merged.shown_message

    new = o.incident_split(incident=target, report_ids=[b.pk], user=counter)
    with translation.override("en"):
        assert new.updates.get().shown_message == f"Split from {target.number}"
    target.refresh_from_db()
    assert (target.reports_count, target.danger) == (1, False)
    assert (new.reports_count, new.danger) == (1, True)
    assert OutageReport.objects.get(pk=b.pk).incident == new
    with pytest.raises(ValidationError):  # an incident never empties
        o.incident_split(incident=target, report_ids=[a.pk], user=counter)
    outsider = factories.StaffFactory(
        username="olga", role="counter", office=other_office
    )
    with pytest.raises(PermissionDenied):
        o.incident_merge(target=target, other=new, user=outsider)


def test_the_reporter_follows_the_incident_and_sees_the_restoration(
    client, office, counter
):
    client.cookies["pea_language"] = "en"
    response = client.post(reverse("outages:report"), {
        "symptom": "area_dark", "office": office.pk, "address": "ซอย 5 ถ.มิตรภาพ",
        "name": "Somchai", "phone": "0812345678",
    })  # fmt: skip
    assert response.status_code == 302
    report = OutageReport.objects.get()
    assert response.url == reverse("outages:status", args=[report.token])
    o.incident_restore(incident=report.incident, user=counter, message="เปลี่ยนฟิวส์แล้ว")
    html = client.get(response.url).content.decode()
    assert 'data-incident-status="restored"' in html and "เปลี่ยนฟิวส์แล้ว" in html


def test_a_rejected_report_keeps_what_was_typed(client, office):
    client.cookies["pea_language"] = "en"
    response = client.post(reverse("outages:report"), {
        "symptom": "area_dark", "note": "ไฟดับทั้งซอย", "phone": "0812345678",
    })  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "ไฟดับทั้งซอย" in html
    assert "Give the CA number, or the address, or use your location." in html
    assert not OutageReport.objects.exists()


def test_staff_act_from_the_incident_page(
    client, office, counter, technician, other_office
):
    report = _visitor(office, HERE)
    url = reverse("staff:outage", args=[report.incident.number])
    client.force_login(counter)
    eta = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"action": "dispatch", "crew": technician.pk,
                                 "eta": eta, "message": "ออกเดินทางแล้ว"})  # fmt: skip
    assert response.status_code == 302
    incident = Incident.objects.get(pk=report.incident_id)
    assert (incident.status, incident.crew) == ("dispatched", technician)
    client.post(url, {"action": "restore"})
    assert Incident.objects.get(pk=incident.pk).status == "restored"
    outsider = factories.StaffFactory(username="olga", role="counter",
                                      office=other_office)  # fmt: skip
    client.force_login(outsider)
    assert client.get(url).status_code == 404

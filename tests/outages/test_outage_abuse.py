"""Outage reports under attack (issue 15): acknowledgement SMS cannot be used
to flood a phone, Open311 is throttled and validates what it stores, bad input
anywhere is a 400 with a message (never a 500), Open311 publishes no private
status token, and the form does not tell whether a CA number exists."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from notifications.models import OutboxMessage
from outages import services as o
from outages.models import OutageReport
from requests_app import services as rs
from requests_app.models import Appointment
from tests import factories

pytestmark = pytest.mark.django_db

OPEN311 = "/open311/v2/requests.json"
PHONE = "0877777777"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"  # pages asked for with no language choice
    cache.clear()  # the API's per-process throttle starts afresh
    with translation.override("en"):
        yield


def _acks(phone=None):
    qs = OutboxMessage.objects.filter(event="outage_received")
    return qs.filter(to=phone).count() if phone else qs.count()


def _web(office, phone=PHONE, ip="10.0.0.1", **extra):
    data = {"symptom": "area_dark", "office": office.pk, "address": "ซอย 5",
            "phone": phone, **extra}  # fmt: skip
    return Client().post(reverse("outages:report"), data, REMOTE_ADDR=ip)


def _open311(office, ip="10.0.0.1", forwarded=None, **extra):
    data = {"service_code": "outage", "attribute[symptom]": "area_dark",
            "attribute[office]": office.code, "address_string": "ซอย 9",
            "phone": PHONE, **extra}  # fmt: skip
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return Client().post(OPEN311, data, REMOTE_ADDR=ip, **headers)


def _error_of(response, status=400) -> str:
    assert response.status_code == status, response.content
    (error,) = response.json()  # GeoReport v2: a list of {code, description}
    assert error["code"] == status
    return error["description"]


# 1. Acknowledgement SMS -----------------------------------------------------------


def test_one_phone_gets_only_a_few_acknowledgements_whatever_the_channel(
    office, settings
):
    settings.OUTAGE_ACK_SMS_PER_PHONE_HOUR = 3
    api = APIClient()
    for i in range(25):  # each from a new address: the phone's own limit holds
        assert _web(office, ip=f"10.1.0.{i}").status_code == 302
    for i in range(19):
        response = api.post(reverse("api:outages"), {
            "symptom": "area_dark", "office": office.pk, "address": "ซอย 5",
            "phone": "087-777-7777",
        }, format="json", REMOTE_ADDR=f"10.2.0.{i}")  # fmt: skip
        assert response.status_code == 201, response.content
    assert _open311(office, ip="10.3.0.1").status_code == 201

    # Every report is filed (a real outage is never lost); only the SMS waits.
    assert OutageReport.objects.filter(phone=PHONE).count() == 45
    assert _acks(PHONE) == 3
    assert OutageReport.objects.filter(acknowledged=True).count() == 3

    # An hour later the phone may be told again.
    OutageReport.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert _web(office).status_code == 302
    assert _acks(PHONE) == 4


def test_one_address_gets_only_a_few_acknowledgements_sent(office, settings):
    settings.OUTAGE_ACK_SMS_PER_IP_HOUR = 10
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(12):  # a new phone and a forged X-Forwarded-For each time
        response = Client().post(reverse("outages:report"), {
            "symptom": "area_dark", "office": office.pk, "address": "ซอย 5",
            "phone": f"08100000{i:02d}",
        }, REMOTE_ADDR="10.9.9.9",
           HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.7")  # fmt: skip
        assert response.status_code == 302
    for i in range(3):
        _open311(office, ip="10.9.9.9", phone=f"08200000{i:02d}",
                 forwarded="203.0.113.7")  # fmt: skip
    assert OutageReport.objects.filter(ip_address="203.0.113.7").count() == 15
    assert _acks() == 10
    # Another client is not held back by that one.
    Client().post(reverse("outages:report"), {
        "symptom": "area_dark", "office": office.pk, "address": "ซอย 5",
        "phone": "0899999999",
    }, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.1")  # fmt: skip
    assert _acks("0899999999") == 1


def test_a_signed_in_customer_is_acknowledged_every_time(office, customer, settings):
    settings.OUTAGE_ACK_SMS_PER_PHONE_HOUR = 1
    for _ in range(3):
        o.outage_report(symptom="area_dark", office=office, reporter=customer,
                        address="บ้านฉัน", ip_address="10.0.0.1")  # fmt: skip
    assert _acks(customer.phone) == 3


# 2. Open311: throttle and phone ---------------------------------------------------


def test_open311_posts_are_throttled_per_client_address(office, settings):
    settings.OPEN311_POSTS_PER_IP_HOUR = 3
    settings.TRUSTED_PROXY_COUNT = 1
    codes = [
        _open311(office, ip="10.0.0.2", forwarded=f"1.2.3.{i}, 10.5.5.5").status_code
        for i in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    refused = _open311(office, ip="10.0.0.2", forwarded="10.5.5.5")
    assert "too many" in _error_of(refused, 429)
    assert refused["Retry-After"] == "3600"
    assert _open311(office, ip="10.0.0.2", forwarded="10.6.6.6").status_code == 201
    assert OutageReport.objects.filter(channel="open311").count() == 4


def test_open311_stores_a_thai_mobile_number_and_refuses_others(office):
    assert _open311(office, phone="+66 87 777 7777").status_code == 201
    assert OutageReport.objects.get().phone == "0877777777"
    for bad in ("+1 415 555 0100", "+44 20 7946 0958", "12345", "0212345678",
                "08123456789012", "087-777-777x"):  # fmt: skip
        assert "phone" in _error_of(_open311(office, phone=bad)), bad
    assert "phone" in _error_of(_open311(office, phone=""))
    assert OutageReport.objects.count() == 1


# 3. Bad input: 400 with a message, never 500; columns hold ------------------------


@pytest.mark.parametrize("params, word", [
    ({"end_date": "0001-01-01T00:00:00"}, "end_date"),
    ({"start_date": "0001-01-01T00:00:00", "end_date": "0001-02-01T00:00:00"},
     "end_date"),
    ({"end_date": "9999-12-31T23:59:59"}, "end_date"),
    ({"start_date": "yesterday"}, "start_date"),
    ({"end_date": "2026-01-01T00:00:00\x00"}, "character"),
    ({"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"},
     "start_date"),
    ({"status": "bogus"}, "status"),
    ({"service_request_id": "abc"}, "service_request_id"),
    ({"service_request_id": "1,\x00"}, "character"),
        ({"service_request_id": "1,,2"}, "service_request_id"),
    ({"service_request_id": "9" * 40}, "service_request_id"),
])  # fmt: skip
def test_bad_open311_queries_are_a_400_in_its_own_shape(client, offices, params, word):
    assert word in _error_of(client.get(OPEN311, params))


def test_bad_open311_ids_are_a_400(client, office):
    assert "number" in _error_of(client.get("/open311/v2/requests/abc.json"))
    assert _error_of(client.get("/open311/v2/requests/1%00.json"), 404)
    assert _error_of(client.get("/open311/v2/requests/9876.json"), 404)


def test_open311_refuses_nul_and_texts_longer_than_their_columns(office):
    cases = [
        ({"address_string": "ซอย 5\x00; DROP"}, "address"),
        ({"first_name": "ส" * 5000}, "name"),
        ({"address_string": "x" * (2 * 1024 * 1024 - 4096)}, "address"),
        ({"description": "ไฟดับ" * 200}, "note"),
        ({"last_name": "\x00"}, "name"),
        ({"attribute[ca_number]": "1234\x00"}, "ca_number"),
        ({"attribute[office]": "B\x00"}, "attribute[office]"),
        ({"lat": "nan", "long": "1"}, "lat"),
        ({"lat": "1e400", "long": "1"}, "lat"),
    ]
    for extra, word in cases:
        assert word in _error_of(_open311(office, **extra)), extra
    assert not OutageReport.objects.exists()


@hsettings(max_examples=60, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "service_request_id",
                "service_code",
                "start_date",
                "end_date",
                "status",
                "jurisdiction_id",
            ]
        ),
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(
                [
                    "0001-01-01T00:00:00",
                    "9999-12-31T23:59:59+14:00",
                    "2026-01-01",
                    "1,2,x",
                    "open,closed",
                    "-1",
                    "1e9",
                ]
            ),
        ),
        max_size=4,
    )  # fmt: skip
)
def test_no_open311_query_is_a_500(offices, params):
    response = Client(raise_request_exception=False).get(OPEN311, params)
    assert response.status_code in (200, 400), (params, response.status_code)
    body = response.json()
    assert isinstance(body, list)
    if response.status_code == 400:
        assert set(body[0]) == {"code", "description"}


def test_the_web_form_refuses_nul_and_over_long_texts_keeping_the_input(office):
    for extra, shown in (({"address": "x" * 5000}, "x" * 5000),
                         ({"name": "ส" * 5000}, "ส" * 5000)):  # fmt: skip
        response = _web(office, **extra)
        html = response.content.decode()
        assert response.status_code == 200, extra
        assert "Ensure this value has at most" in html and shown in html  # kept
        assert 'value="0877777777"' in html
    response = _web(office, address="ซอย 5\x00")
    assert "Null characters are not allowed" in response.content.decode()
    assert not OutageReport.objects.exists()


def test_the_api_refuses_nul_and_over_long_texts(office):
    api = APIClient()
    for extra in ({"address": "x" * 5000}, {"name": "n" * 5000},
                  {"address": "ซอย\x00"}, {"phone": "+1 415 555 0100"}):  # fmt: skip
        response = api.post(reverse("api:outages"), {
            "symptom": "area_dark", "office": office.pk, "address": "ซอย 5",
            "phone": PHONE, **extra,
        }, format="json")  # fmt: skip
        assert response.status_code == 400, extra
        assert set(response.json()["error"]["fields"]) & set(extra), response.json()
    assert not OutageReport.objects.exists()


def test_the_service_itself_holds_the_column_lengths(office):
    from django.core.exceptions import ValidationError

    for kw in ({"name": "n" * 121}, {"address": "a" * 501}, {"note": "\x00"}):
        with pytest.raises(ValidationError):
            o.outage_report(symptom="area_dark", office=office, phone=PHONE,
                            **{"address": "ซอย 5", **kw})  # fmt: skip
    assert not OutageReport.objects.exists()


def test_splitting_with_a_bad_report_id_is_a_400_with_the_message(
    client, office, counter
):
    report = o.outage_report(symptom="area_dark", office=office, phone=PHONE,
                             address="ซอย 5")  # fmt: skip
    client.force_login(counter)
    url = reverse("staff:outage", args=[report.incident.number])
    for bad in ("abc", "1\x00", "9" * 30):
        response = client.post(url, {"action": "split", "reports": [bad]})
        assert response.status_code == 400, bad
        assert "Tick the reports to move." in response.content.decode()
    response = client.post(url, {"action": "merge", "other": "OUT\x00"})
    assert response.status_code == 404
    response = client.post(url, {"action": "restore", "message": "ซ่อม\x00"})
    assert response.status_code == 400
    assert "not allowed" in response.content.decode()
    assert OutageReport.objects.get().incident_id == report.incident_id
    assert report.incident.__class__.objects.get(pk=report.incident_id).is_open


def test_assigning_a_work_order_to_abc_is_a_clear_message(
    client, submitted_request, counter
):
    r = rs.request_accept(request=submitted_request, user=counter)
    rs.request_book_survey(
        request=r, user=counter, scheduled_for=timezone.now() + timedelta(days=1)
    )
    order = Appointment.objects.get(request=r)
    client.force_login(counter)
    url = reverse("staff:work_order_assign", args=[order.pk])
    for bad in ("abc", "1\x00", "9" * 40):
        response = client.post(url, {"assignee": bad, "next": "/staff/work-orders/"},
                               follow=True)  # fmt: skip
        assert response.status_code == 200, bad
        assert "Choose field staff of this request" in response.content.decode()
    order.refresh_from_db()
    assert order.assignee is None


# 4. No published tokens; CA numbers not revealed ----------------------------------


def test_open311_never_publishes_the_reporters_status_token(client, office):
    posted = _open311(office)
    assert posted.status_code == 201
    report = OutageReport.objects.get()
    (answer,) = posted.json()
    assert answer["service_request_id"] == str(report.pk)
    listed = client.get(OPEN311)
    one = client.get(f"/open311/v2/requests/{report.pk}.json")
    for response in (posted, listed, one):
        assert report.token not in response.content.decode()
    assert [r["service_request_id"] for r in listed.json()] == [str(report.pk)]
    assert one.json()[0]["service_request_id"] == str(report.pk)
    # The token still opens the reporter's own page (the SMS link).
    assert client.get(reverse("outages:status", args=[report.token])).status_code == 200


def _strip_csrf(html: str) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_form_answers_alike_for_a_known_and_an_unknown_ca_number(office, customer):
    account = factories.account_for(customer, office)
    account.feeder = "KKN-04"
    account.save(update_fields=["feeder"])
    known, unknown = account.ca_number, "9" * len(account.ca_number)

    # A CA number alone does not place a visitor's report, known or not.
    only = [
        Client().post(reverse("outages:report"),
                      {"symptom": "area_dark", "ca_number": ca, "phone": PHONE})
        for ca in (known, unknown)
    ]  # fmt: skip
    assert only[0].status_code == only[1].status_code == 200
    assert _strip_csrf(only[0].content.decode()).replace(known, unknown) == (
        _strip_csrf(only[1].content.decode())
    )
    assert "not" not in "".join(
        e for e in only[0].context["form"].errors.get("ca_number", [])
    )
    assert "Choose the PEA office" in only[0].content.decode()

    # With the office both are filed, into the same office, alike.
    filed = [_web(office, ca_number=ca) for ca in (known, unknown)]
    assert [f.status_code for f in filed] == [302, 302]
    mine, stranger = OutageReport.objects.order_by("pk")
    assert (mine.account, mine.ca_number, mine.incident.area) == (
        account, known, "KKN-04",
    )  # fmt: skip
    assert (stranger.account, stranger.ca_number) == (None, unknown)
    assert mine.incident.office == stranger.incident.office == office


def test_the_api_answers_alike_for_a_known_and_an_unknown_ca_number(office, customer):
    known = factories.account_for(customer, office).ca_number
    api = APIClient()
    answers = []
    for ca in (known, "9" * len(known)):
        alone = api.post(reverse("api:outages"),
                         {"symptom": "area_dark", "ca_number": ca, "phone": PHONE},
                         format="json")  # fmt: skip
        placed = api.post(reverse("api:outages"), {
            "symptom": "area_dark", "ca_number": ca, "phone": PHONE,
            "office": office.pk,
        }, format="json")  # fmt: skip
        answers.append((alone.status_code, json.dumps(alone.json()),
                        placed.status_code, set(placed.json())))  # fmt: skip
    assert answers[0] == answers[1]
    assert answers[0][0] == 400 and answers[0][2] == 201
    assert "Choose the PEA office" in answers[0][1]


def test_open311_answers_alike_for_a_known_and_an_unknown_ca_number(office, customer):
    known = factories.account_for(customer, office).ca_number
    codes = [
        _open311(office, **{"attribute[ca_number]": ca}).status_code
        for ca in (known, "9" * len(known))
    ]
    assert codes == [201, 201]


def test_a_customer_places_a_report_by_their_own_ca_number_alone(
    client, office, customer
):
    account = factories.account_for(customer, office)
    client.force_login(customer)
    response = client.post(reverse("outages:report"),
                           {"symptom": "house_only", "ca_number": account.ca_number})  # fmt: skip
    assert response.status_code == 302
    report = OutageReport.objects.get()
    assert (report.account, report.incident.office) == (account, office)

"""Issue 16, the charter's parts: what is charged and when (case 7), the wiring
standard as the surveyor's checklist, and the documents the charter asks for
(with the company certificate's age checked on the date staff read off it).

Thai wording is looked up through gettext, so the tests hold whether or not
the catalogue is compiled."""

import html
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import CustomerProfile
from meters.models import MeterSize
from notifications.models import OutboxMessage
from requests_app import services as rs
from requests_app.models import (
    Document,
    RequestEvent,
    ServiceType,
    SurveyCheck,
    SurveyResult,
)
from requests_app.services import required_document_types
from tests import factories

pytestmark = pytest.mark.django_db
BANGKOK = ZoneInfo("Asia/Bangkok")


def thai(message: str) -> str:
    with translation.override("th"):
        return gettext(message)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _fees_section(page: str) -> str:
    """What the page says under its Fees heading (to the next heading)."""
    for label in ("Fees", thai("Fees")):
        start = page.find(f"<h2>{html.escape(label)}</h2>")
        if start >= 0:
            body = page[start:].split("</h2>", 1)[1]
            return _text(body.split("<h2", 1)[0])
    raise AssertionError("no Fees heading")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _charter(client, code) -> str:
    response = client.get(reverse("charter_detail", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


# Case 7: what is charged and when ----------------------------------------------


@pytest.mark.parametrize(
    "code", ["grid-extension", "dedicated-extension-pea", "dedicated-extension-self"]
)
def test_an_extension_page_says_the_estimate_is_charged_after_the_survey(english, code):
    fees = _fees_section(_charter(english, code))

    assert "No charge." not in fees
    # What: an estimate for the site; when: from the survey, paid on accepting it.
    assert "After the survey PEA sends you a cost estimate" in fees
    assert "(within 5 working days from the survey)" in fees
    assert "You pay only if you accept it, the amount on the PEA invoice" in fees
    build = {
        "grid-extension": "within 30 working days from payment",
        "dedicated-extension-pea": "within 10 working days from payment",
        "dedicated-extension-self": "within 10 working days from payment",
    }[code]
    assert f"the work starts from payment ({build})" in fees


def test_the_customer_built_extension_also_names_the_inspection_fees(english):
    self_built = _fees_section(_charter(english, "dedicated-extension-self"))
    by_pea = _fees_section(_charter(english, "dedicated-extension-pea"))

    assert "fees for inspecting the part you build" in self_built
    assert "inspecting" not in by_pea


def test_the_broken_meter_page_charges_damage_by_the_user_and_not_wear(english):
    fees = _fees_section(_charter(english, "broken-meter"))

    assert "No charge." not in fees
    assert (
        "no charge; the meter is replaced within 3 working days from the report"
    ) in fees
    assert "Damage caused by the user" in fees
    assert "price in force on the day of your report" in fees
    assert "the meter is replaced within 3 working days from payment" in fees
    # The 2015 price list has expired: the page says so instead of a table.
    assert "No meter price list is in force" in fees
    assert "1,448.00" not in fees


def test_the_broken_meter_page_is_in_thai_by_default(client):
    fees = _fees_section(_charter(client, "broken-meter"))

    assert thai("No charge.") not in fees
    assert "ชำรุดจากการกระทำของผู้ใช้ไฟ" in fees
    assert "ภายใน 3 วันทำการ นับจากวันที่ชำระเงิน" in fees


@pytest.mark.parametrize("code", ["correction-public", "correction-premises"])
def test_a_free_service_still_says_no_charge(english, code):
    assert _fees_section(_charter(english, code)) == "No charge."


# The wiring standard, published and checked ------------------------------------


def _wiring_rows(page: str) -> dict[str, list[str]]:
    table = re.search(r'<table class="dense wiring-standard">(.*?)</table>', page, re.S)
    assert table, "no wiring standard table"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>")[1], re.S)
    out = {}
    for row in rows:
        cells = [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        out[cells[0].rstrip("* ")] = cells[1:]
    return out


@pytest.mark.parametrize("code", ["new-connection", "meter-upgrade"])
def test_the_wiring_standard_is_published_from_the_meter_sizes(english, code):
    size = MeterSize.objects.get(code="15(45)-1")

    rows = _wiring_rows(_charter(english, code))

    assert rows[size.label] == ["30", "10–16 mm²", "10 mm²", "45 A"]
    assert rows["5(15) A 1φ"] == ["10", "4 mm²", "10 mm²", "15 A"]
    assert "50(150) A 1φ" not in rows  # no standard recorded for it
    # Corrected in the admin: the page follows.
    size.main_breaker_a = 50
    size.save()
    assert _wiring_rows(_charter(english, code))[size.label][-1] == "50 A"


def test_a_service_without_a_wiring_inspection_shows_no_standard(english):
    assert "wiring-standard" not in _charter(english, "meter-test")


@pytest.fixture
def booked(customer, office, counter, surveyor):
    req = factories.submit_request(customer=customer, office=office)
    req = rs.request_accept(request=req, user=counter)
    return rs.request_book_survey(
        request=req, user=counter, assignee=surveyor,
        scheduled_for=timezone.now() + timedelta(days=1),
    )  # fmt: skip


def test_the_surveyor_records_each_item_and_the_customer_is_told_which_failed(
    booked, surveyor
):
    req = rs.request_record_survey(
        request=booked, user=surveyor, passed=False, findings="",
        checks={"main_conductor": True, "ground_conductor": True,
                "main_breaker": False},
    )  # fmt: skip

    assert req.state == "wiring_failed"
    survey = SurveyResult.objects.get(request=req)
    assert [(c.item, c.standard, c.passed) for c in survey.checks.all()] == [
        ("main_conductor", "4 mm²", True),
        ("ground_conductor", "10 mm²", True),
        ("main_breaker", "15 A", False),
    ]
    # The customer's language is Thai: the timeline and the SMS name the item.
    failed = thai("Not to standard: %(items)s.") % {
        "items": thai("%(item)s (standard %(standard)s)")
        % {"item": thai("Main breaker"), "standard": "15 A"}
    }
    event = RequestEvent.objects.get(request=req, action="record_survey_failed")
    assert event.message == failed
    sms = OutboxMessage.objects.filter(request=req, channel="sms").last()
    assert failed in sms.body
    assert thai("Main conductor") not in sms.body


def test_an_english_customer_reads_the_failed_items_in_english(booked, surveyor):
    booked.applicant.preferred_language = "en"
    booked.applicant.save()

    req = rs.request_record_survey(
        request=booked, user=surveyor, passed=False, findings="Earth rod missing",
        checks={"main_conductor": False, "ground_conductor": False,
                "main_breaker": True},
    )  # fmt: skip

    told = RequestEvent.objects.get(request=req, action="record_survey_failed")
    assert told.message == (
        "Not to standard: Main conductor (standard 4 mm²), Ground conductor "
        "(standard 10 mm²). Earth rod missing"
    )


def test_a_pass_with_an_item_below_the_standard_is_refused(booked, surveyor):
    with pytest.raises(ValidationError) as refused:
        rs.request_record_survey(
            request=booked, user=surveyor, passed=True,
            checks={"main_conductor": True, "ground_conductor": False,
                    "main_breaker": True},
        )  # fmt: skip

    assert list(refused.value.message_dict) == ["check_ground_conductor"]
    booked.refresh_from_db()
    assert booked.state == "survey_booked"
    assert not SurveyCheck.objects.exists()


def test_every_item_must_be_answered(booked, surveyor):
    with pytest.raises(ValidationError) as refused:
        rs.request_record_survey(
            request=booked, user=surveyor, passed=True,
            checks={"main_conductor": True},
        )  # fmt: skip

    assert set(refused.value.message_dict) == {
        "check_ground_conductor",
        "check_main_breaker",
    }


def test_the_surveyors_form_is_the_checklist_of_the_meter_size(
    client, booked, surveyor
):
    client.force_login(surveyor)
    url = reverse("staff:act", args=[booked.reference, "record_survey_failed"])

    page = client.get(booked.staff_url())
    form = next(
        a["form_obj"]
        for a in page.context["actions"]
        if a["name"] == "record_survey_failed"
    )
    labels = [str(f.label) for f in form]
    assert labels[:3] == [
        thai("%(item)s: standard %(standard)s") % {"item": thai(name), "standard": std}
        for name, std in [
            ("Main conductor", "4 mm²"),
            ("Ground conductor", "10 mm²"),
            ("Main breaker", "15 A"),
        ]
    ]
    response = client.post(url, {
        "expected_state": "survey_booked",
        "record_survey_failed-check_main_conductor": "no",
        "record_survey_failed-check_ground_conductor": "yes",
        "record_survey_failed-check_main_breaker": "yes",
        "record_survey_failed-findings": "",
    })  # fmt: skip

    assert response.status_code == 302
    check = SurveyCheck.objects.get(item="main_conductor")
    assert check.passed is False and check.survey.recorded_by == surveyor
    page = client.get(booked.staff_url()).content.decode()
    assert "check-fail" in page


# Documents ---------------------------------------------------------------------


def _codes(service_code, kind="individual", rep=False) -> set[str]:
    service = ServiceType.objects.get(code=service_code)
    return {
        dt.code
        for dt in required_document_types(
            service=service, applicant_kind=kind, by_representative=rep
        )
    }


def test_the_charter_documents_are_asked_for():
    assert "sketch-map" in _codes("meter-upgrade")
    assert "premises-right" in _codes("broken-meter")
    refund = _codes("deposit-refund", rep=True)
    assert {"house-registration", "representative-house-registration"} <= refund
    assert "company-certificate" in _codes("deposit-refund", kind="juristic")


def test_the_charter_page_lists_them_with_the_certificates_age(english):
    page = _text(_charter(english, "deposit-refund"))

    assert "House registration of the current residence" in page
    assert "Representative's house registration" in page
    assert (
        "Company registration certificate (issued no more than 1 month before "
        "we check it)"
    ) in page
    assert "Sketch map of the location" in _text(_charter(english, "meter-upgrade"))
    assert "Proof of right to the premises" in _text(_charter(english, "broken-meter"))


@pytest.fixture
def company(db):
    user = factories.CustomerFactory(username="co", profile=None)
    CustomerProfile.objects.create(
        user=user, kind="juristic", company_name="บริษัท ทดสอบ จำกัด",
        juristic_registration_no="0105555000111",
    )  # fmt: skip
    return user


@pytest.fixture
def juristic_refund(company, office):
    account = factories.account_for(company, office)
    return factories.submit_account_request(
        service_code="deposit-refund", account=account
    )


@pytest.fixture
def on_3_dec_2026(monkeypatch):
    moment = datetime(2026, 12, 3, 10, 0, tzinfo=BANGKOK)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_a_certificate_older_than_one_month_is_refused(
    juristic_refund, counter, on_3_dec_2026
):
    with translation.override("th"), pytest.raises(ValidationError) as refused:
        rs.request_accept(
            request=juristic_refund, user=counter,
            issued_on={"company-certificate": date(2026, 11, 2)},
        )  # fmt: skip

    [message] = next(iter(refused.value.message_dict.values()))
    assert "2 พ.ย. 2569" in message and "3 พ.ย. 2569" in message
    juristic_refund.refresh_from_db()
    assert juristic_refund.state == "submitted"


def test_a_certificate_of_one_month_is_accepted_and_its_date_kept(
    juristic_refund, counter, on_3_dec_2026
):
    with translation.override("th"):
        req = rs.request_accept(
            request=juristic_refund, user=counter,
            issued_on={"company-certificate": date(2026, 11, 3)},
        )  # fmt: skip

    assert req.state == "accepted"
    certificate = Document.objects.get(
        request=req, document_type__code="company-certificate"
    )
    assert certificate.issued_on == date(2026, 11, 3)
    event = RequestEvent.objects.get(request=req, action="accept")
    with translation.override("th"):
        assert "3 พ.ย. 2569" in event.shown_note
    with translation.override("en"):  # the portal's note, in the reader's language
        assert "issued on 3 Nov 2026" in event.shown_note


def test_the_issue_date_is_required_and_not_in_the_future(
    juristic_refund, counter, on_3_dec_2026
):
    with pytest.raises(ValidationError):
        rs.request_accept(request=juristic_refund, user=counter)
    with pytest.raises(ValidationError):
        rs.request_accept(
            request=juristic_refund, user=counter,
            issued_on={"company-certificate": date(2026, 12, 4)},
        )  # fmt: skip


def test_an_individual_refund_asks_for_no_date(customer, office, counter):
    account = factories.account_for(customer, office)
    req = factories.submit_account_request(
        service_code="deposit-refund", account=account
    )

    assert rs.request_accept(request=req, user=counter).state == "accepted"


def test_staff_enter_the_date_on_the_accept_form_and_read_the_refusal(
    client, english, juristic_refund, counter, on_3_dec_2026
):
    client.force_login(counter)
    cert = Document.objects.get(
        request=juristic_refund, document_type__code="company-certificate"
    )
    field = f"accept-issued_{cert.document_type_id}"

    page = client.get(juristic_refund.staff_url()).content.decode()
    assert f'name="{field}"' in page
    response = client.post(
        reverse("staff:act", args=[juristic_refund.reference, "accept"]),
        {"expected_state": "submitted", field: "2026-10-20", "accept-note": ""},
    )

    assert response.status_code == 400
    assert (
        "Company registration certificate issued on 20 Oct 2026 is more than 1 "
        "month old. Ask the customer for one issued on 3 Nov 2026 or later."
    ) in html.unescape(response.content.decode())
    juristic_refund.refresh_from_db()
    assert juristic_refund.state == "submitted"

    response = client.post(
        reverse("staff:act", args=[juristic_refund.reference, "accept"]),
        {"expected_state": "submitted", field: "2026-11-20", "accept-note": ""},
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.issued_on == date(2026, 11, 20)

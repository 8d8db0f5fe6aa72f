"""The charter page's "If we are late": the head the charter names (the same
department the SLA sweep sends a breach to), with the contact the customer's
office publishes for that department, or the nearest office above it that
does, or 1129 when none does. The office is the one picked (?office=CODE) or
that of the customer's electricity account."""

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import OfficeContact
from requests_app.models import ServiceType
from tests import factories

pytestmark = pytest.mark.django_db


def _late(client, code="meter-test", query="", language="en") -> str:
    """The text of the page's "If we are late" section, and its HTML."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("charter_detail", args=[code]) + query
    page = client.get(url)
    assert page.status_code == 200
    section = re.search(
        r'<section id="if-late".*?</section>', page.content.decode(), re.S
    )
    assert section, "no 'If we are late' section"
    return section.group(0)


def _text(fragment: str) -> str:
    inline = re.sub(r"</?a\b[^>]*>", "", fragment)  # a link is part of its words
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def _said(fragment: str) -> str:
    """The sentence, without the office picker's option list."""
    return _text(fragment.split("<form", 1)[0])


@pytest.fixture
def contacts(offices):
    """The branch publishes its meter department's number, the province its
    billing one; nobody publishes customer service."""
    return {
        "meter": OfficeContact.objects.create(
            office=offices["branch"], department="metering", phone="043-241-112"
        ),
        "billing": OfficeContact.objects.create(
            office=offices["province"], department="billing", phone="043 236 001"
        ),
    }


def test_the_branch_page_gives_its_own_meter_head_and_phone(client, contacts):
    section = _late(client, query="?office=B111")
    assert _said(section) == (
        "If we are late If PEA does not follow these steps and times, contact the "
        "Head of the meter department, Branch One, tel. 043-241-112."
    )
    assert 'href="tel:043241112"' in section
    assert "1129" not in _said(section)


def test_a_branch_without_its_own_contact_gives_the_province_one(client, contacts):
    section = _late(client, code="reconnection", query="?office=B111")
    assert 'data-office="P11"' in section
    assert _said(section).endswith(
        "contact the Head of accounting and billing, Test Province, tel. 043 236 001."
    )


def test_with_no_contact_up_the_tree_the_page_names_the_office_and_1129(
    client, contacts
):
    section = _late(client, code="new-connection", query="?office=B111")
    assert _said(section).endswith(
        "contact the Head of customer service of Branch One, or call 1129."
    )
    # Another branch: the meter contact of B111 is not theirs.
    other = _late(client, query="?office=B121")
    assert _said(other).endswith(
        "contact the Head of the meter department of Branch Two, or call 1129."
    )


def test_without_an_office_the_page_keeps_the_generic_1129(client, contacts):
    for query in ("", "?office=NOPE"):
        assert _said(_late(client, query=query)).endswith(
            "contact the Head of the meter department of your PEA office, or call 1129."
        )


def test_a_signed_in_customer_sees_the_contact_of_their_account_office(
    client, customer, office, contacts
):
    factories.account_for(customer, office)
    client.force_login(customer)
    section = _late(client)
    assert "tel. 043-241-112" in _said(section)
    assert 'value="B111" selected' in section  # the picker shows their office
    # Picking another office overrides the account's.
    assert "or call 1129" in _said(_late(client, query="?office=B121"))


def test_the_office_s_own_title_is_shown_in_thai(client, offices, contacts):
    contacts["meter"].title_th = "ผู้ช่วยผู้จัดการสาขา (ด้านมิเตอร์)"
    contacts["meter"].title_en = "Assistant branch manager (meters)"
    contacts["meter"].save()

    thai = _said(_late(client, query="?office=B111", language="th"))
    assert "ผู้ช่วยผู้จัดการสาขา (ด้านมิเตอร์)" in thai
    assert offices["branch"].name_th in thai and "043-241-112" in thai
    with translation.override("th"):
        assert gettext("If we are late") in thai
    english = _said(_late(client, query="?office=B111"))
    assert "contact the Assistant branch manager (meters), Branch One" in english


def test_the_page_and_the_sweep_read_the_same_department(client, offices):
    """Changing the service's department changes the head the page names and
    the contact it picks (the sweep reads the same field)."""
    OfficeContact.objects.create(
        office=offices["branch"], department="network", phone="043-241-199"
    )
    ServiceType.objects.filter(code="meter-test").update(
        escalation_department="network"
    )
    assert _said(_late(client, query="?office=B111")).endswith(
        "contact the Head of operations and maintenance, Branch One, tel. 043-241-199."
    )


def test_an_office_publishes_one_contact_per_department(offices):
    from django.db import IntegrityError, transaction

    OfficeContact.objects.create(
        office=offices["branch"], department="metering", phone="1"
    )
    with transaction.atomic(), pytest.raises(IntegrityError):
        OfficeContact.objects.create(
            office=offices["branch"], department="metering", phone="2"
        )

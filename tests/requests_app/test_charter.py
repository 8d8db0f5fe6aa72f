"""The published charter (SPEC: one source of truth): the index of every
service and each service's page are generated from the catalog the workflow
runs on, so changing a step's time, a fee or a required document changes both
what the page promises and what the request does.

The default language is Thai; a visitor who chose English carries the
`pea_language` cookie. Expected Thai wording is looked up through gettext, so
the tests hold whether or not the Thai catalogue is compiled.
"""

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core import calendar
from meters.models import MeterSize
from payments.models import FeeItem
from payments.services import payment_record_cash, request_quote_fees
from requests_app import services as rs
from requests_app.display import step_time_text
from requests_app.models import (
    DocumentType,
    ServiceDocument,
    ServiceRequest,
    ServiceStep,
    ServiceType,
)
from tests import factories

pytestmark = pytest.mark.django_db


def thai(message: str) -> str:
    with translation.override("th"):
        return gettext(message)


def _text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _items(page: str, tag: str, css_class: str) -> list[str]:
    """The text of each <li> of every <tag class="css_class"> list."""
    blocks = re.findall(rf'<{tag} class="{css_class}"[^>]*>(.*?)</{tag}>', page, re.S)
    return [
        _text(li) for b in blocks for li in re.findall(r"<li[^>]*>(.*?)</li>", b, re.S)
    ]


def steps_shown(page: str) -> list[str]:
    return _items(page, "ol", "steps")


def documents_shown(page: str) -> list[str]:
    return _items(page, "ul", "checklist")


def fee_rows(page: str) -> list[list[str]]:
    """The fee table's rows as [meter, item, amount] texts."""
    match = re.search(r"<table[^>]*>.*?<tbody>(.*?)</tbody>", page, re.S)
    if match is None:
        return []
    return [
        [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", match.group(1), re.S)
    ]


@pytest.fixture
def meter_test(db):
    return ServiceType.objects.get(code="meter-test")


@pytest.fixture
def size_1p(db):
    return MeterSize.objects.get(code="5(15)-1")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def counter_only(db):
    """A service of the charter that is handled at the office only (no flow)."""
    return ServiceType.objects.create(
        code="pole-relocation",
        prefix="ZP",
        flow="",
        charter_section="9.1",
        sort_order=900,
        name_th="การขอย้ายเสาไฟฟ้า",
        name_en="Moving a pole",
        description_th="ย้ายเสาไฟฟ้าที่กีดขวางทางเข้าออก",
        description_en="Moving a pole that blocks the way in",
        escalation_th="หัวหน้าแผนกปฏิบัติการและบำรุงรักษา",
        escalation_en="Head of operations and maintenance",
    )


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _charter(client, code="meter-test") -> str:
    return _page(client, reverse("charter_detail", args=[code]))


# The index ------------------------------------------------------------------------


def _index_entries(page: str) -> dict[str, str]:
    """{charter link: text of its entry} for each service listed."""
    block = re.search(r'<ol class="charter-list">(.*?)</ol>', page, re.S).group(1)
    return {
        href: _text(li)
        for li in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)
        for href in re.findall(r'href="([^"]+)"', li)
    }


def test_the_index_lists_every_active_service_in_thai_with_its_section(
    client, counter_only
):
    hidden = ServiceType.objects.create(
        code="retired", prefix="RT", charter_section="3.99",
        name_th="บริการที่ยกเลิกแล้ว", name_en="A retired service", is_active=False,
    )  # fmt: skip

    page = _page(client, reverse("charter"))

    assert '<html lang="th">' in page
    entries = _index_entries(page)
    active = ServiceType.objects.filter(is_active=True)
    assert active.count() >= 8
    assert set(entries) == {reverse("charter_detail", args=[s.code]) for s in active}
    for s in active:
        entry = entries[reverse("charter_detail", args=[s.code])]
        assert entry.startswith(f"{s.charter_section} {s.name_th}".strip()), entry
    assert hidden.name_th not in page
    # Listed in charter order.
    order = {reverse("charter_detail", args=[s.code]): s.sort_order for s in active}
    listed = [order[href] for href in entries]
    assert listed == sorted(listed)


def test_only_the_charter_s_own_services_are_numbered(client, counter_only):
    """Complaints and feedback are not in the charter: no section number
    (they showed a placeholder "1" each, issue 18)."""
    entries = _index_entries(_page(client, reverse("charter")))
    for s in ServiceType.objects.filter(is_active=True):
        entry = entries[reverse("charter_detail", args=[s.code])]
        if s.code in ("complaint", "feedback"):
            assert s.charter_section == "" and entry.startswith(s.name_th), entry
        else:
            assert re.fullmatch(r"\d+\.\d+", s.charter_section), s.code


def test_the_index_lists_every_active_service_in_english(english, counter_only):
    page = _page(english, reverse("charter"))

    assert '<html lang="en">' in page
    entries = _index_entries(page)
    for s in ServiceType.objects.filter(is_active=True):
        entry = entries[reverse("charter_detail", args=[s.code])]
        assert entry.startswith(f"{s.charter_section} {s.name_en}".strip()), entry
        assert s.name_th not in page


def test_the_index_marks_online_services_and_office_only_ones(client, counter_only):
    entries = _index_entries(_page(client, reverse("charter")))

    office_only = entries[reverse("charter_detail", args=[counter_only.code])]
    online = entries[reverse("charter_detail", args=["meter-test"])]
    assert office_only.endswith(thai("At the office"))
    assert online.endswith(thai("Online"))


def test_the_index_takes_one_query_however_many_services(
    client, django_assert_num_queries
):
    for n in range(5):
        ServiceType.objects.create(
            code=f"extra-{n}", prefix=f"X{n}", charter_section=f"9.{n}",
            name_th=f"บริการ {n}", name_en=f"Service {n}",
        )  # fmt: skip

    with django_assert_num_queries(1):
        response = client.get(reverse("charter"))

    assert "บริการ 4" in response.content.decode()


def test_a_service_page_takes_the_same_queries_however_long_its_lists(
    client, meter_test, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("charter_detail", args=["meter-test"]))
    for n in range(3):
        ServiceStep.objects.create(
            service=meter_test, order=20 + n, code=f"extra-{n}", actor="pea",
            text_th=f"ขั้นตอน {n}", text_en=f"Step {n}", time_value=Decimal(n + 1),
            time_unit="working_days",
        )  # fmt: skip
        FeeItem.objects.create(
            service=meter_test, code=f"extra-{n}", kind="fee", name_th=f"ค่า {n}",
            name_en=f"Fee {n}", amount=Decimal("10.00"),
            effective_from=date(2020, 1, 1),
            meter_size=MeterSize.objects.order_by("pk")[n],
        )  # fmt: skip
    ServiceDocument.objects.create(
        service=meter_test, applicant_kind="individual",
        document_type=DocumentType.objects.get(code="id-card"),
    )  # fmt: skip

    with django_assert_num_queries(len(before.captured_queries)):
        page = _charter(client)

    assert len(before.captured_queries) <= 5
    assert len(steps_shown(page)) == 9


# A service's page -----------------------------------------------------------------


def test_the_meter_test_page_shows_steps_times_documents_fee_and_contact(
    english, meter_test, size_1p
):
    page = _charter(english)

    assert html.escape(meter_test.name_en) in page
    assert f'href="{reverse("requests:file", args=["meter-test"])}"' in page
    steps = list(meter_test.steps.all())
    shown = steps_shown(page)
    assert len(shown) == len(steps) == 6
    for step, text in zip(steps, shown, strict=True):
        assert step.text_en in text
    by_code = dict(zip((s.code for s in steps), shown, strict=True))
    assert by_code["book"].endswith("within 1 working day from payment")
    assert by_code["accept"].endswith("within 2 working hours from filing")
    assert by_code["refund"].endswith("within 7 working days from the result")
    assert "within" not in by_code["pay"]  # the customer's step has no set time

    premises = DocumentType.objects.get(code="premises-right")
    documents = documents_shown(page)
    assert premises.name_en in documents
    assert DocumentType.objects.get(code="power-of-attorney").name_en in documents

    assert [size_1p.label, "Meter test fee", "฿107.00"] in fee_rows(page)
    assert (
        "If PEA does not follow these steps and times, contact the Head of the "
        "meter department of your PEA office, or call 1129."
    ) in _text(page)


def test_the_meter_test_page_is_in_thai_by_default(client, meter_test, size_1p):
    page = _charter(client)

    assert '<html lang="th">' in page
    assert html.escape(meter_test.name_th) in page
    shown = steps_shown(page)
    for step, text in zip(meter_test.steps.all(), shown, strict=True):
        assert step.text_th in text
        with translation.override("th"):
            assert text.endswith(step_time_text(step) or step.text_th)
    book = meter_test.steps.get(code="book")
    assert book.time_from_th in " ".join(shown)
    premises = DocumentType.objects.get(code="premises-right")
    assert premises.name_th in documents_shown(page)
    assert [size_1p.label, "ค่าทดสอบมิเตอร์", "107.00 บาท"] in fee_rows(page)
    assert meter_test.escalation_th in page


def test_a_service_without_a_flow_says_at_the_office_and_offers_no_filing(
    client, customer, counter_only
):
    file_url = reverse("requests:file", args=[counter_only.code])

    page = _charter(client, counter_only.code)

    assert html.escape(counter_only.name_th) in page
    assert (
        html.escape(
            thai("File this request at any PEA office; online filing is coming.")
        )
        in page
    )
    assert file_url not in page
    assert html.escape(thai("Start a request")) not in page
    client.force_login(customer)
    assert client.get(file_url).status_code == 404
    assert client.post(file_url, {}).status_code == 404
    assert not ServiceRequest.objects.exists()


def test_an_inactive_or_unknown_service_has_no_page(client, counter_only):
    counter_only.is_active = False
    counter_only.save(update_fields=["is_active"])

    page = reverse("charter_detail", args=["pole-relocation"])
    assert client.get(page).status_code == 404
    assert client.get(reverse("charter_detail", args=["no-such"])).status_code == 404


# One source of truth --------------------------------------------------------------


def _account_filing(account, service, *, skip=()):
    data = {"account": account.pk, "contact_phone": "0812345678", "note": ""}
    for sd in ServiceDocument.objects.filter(
        service=service, applicant_kind__in=["any", "individual"], required=True
    ).select_related("document_type"):
        if sd.document_type.code not in skip:
            data[f"doc_{sd.document_type_id}"] = factories.pdf(
                f"{sd.document_type.code}.pdf"
            )
    return data


def test_changing_the_catalog_changes_the_page_and_the_workflow(
    client, english, customer, office, counter, meter_test, size_1p
):
    """A step's time, a fee and a required document are each changed once,
    in the catalog; the page and the request both follow."""
    account = factories.account_for(customer, office)
    id_card = DocumentType.objects.get(code="id-card")
    book_step = ServiceStep.objects.get(service=meter_test, code="book")
    # the catalog's edit: the SLA policy follows (new version)
    rs.catalog_step_change(step=book_step, time_value=Decimal("3"))
    FeeItem.objects.filter(service=meter_test, code="test", meter_size=size_1p).update(
        amount=Decimal("128.40")
    )
    ServiceDocument.objects.create(
        service=meter_test, document_type=id_card, applicant_kind="any",
        required=True, sort_order=1,
    )  # fmt: skip

    # The page ...
    page = _charter(english)
    book = next(s for s in steps_shown(page) if "comparison meter installation" in s)
    assert book.endswith("within 3 working days from payment")
    assert "within 1 working day" not in page
    assert [size_1p.label, "Meter test fee", "฿128.40"] in fee_rows(page)
    assert id_card.name_en in documents_shown(page)

    # ... and the workflow: filing without the new document is refused,
    client.force_login(customer)
    file_url = reverse("requests:file", args=["meter-test"])
    without = _account_filing(account, meter_test, skip={"id-card"})
    response = client.post(file_url, without)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [f"doc_{id_card.pk}"]
    assert not ServiceRequest.objects.exists()
    premises = DocumentType.objects.get(code="premises-right")
    with pytest.raises(ValidationError) as refused:
        rs.request_submit(
            applicant=customer, service=meter_test, created_by=customer,
            data={"office": office, "premises_address": account.premises_address,
                  "meter_size": size_1p, "account": account,
                  "contact_phone": "0812345678"},
            documents={premises.pk: factories.pdf()},
        )  # fmt: skip
    assert list(refused.value.message_dict) == [f"doc_{id_card.pk}"]

    # ... the invoice charges the new amount,
    response = client.post(file_url, _account_filing(account, meter_test))
    assert response.status_code == 302
    req = ServiceRequest.objects.get()
    assert req.documents.count() == 2
    req = rs.request_accept(request=req, user=counter)
    invoice = request_quote_fees(request=req, user=counter)
    assert invoice.total == Decimal("128.40")
    assert [line.amount for line in invoice.lines.all()] == [Decimal("128.40")]

    # ... and the booking promise counts 3 working days from payment.
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    req.refresh_from_db()
    assert req.state == "paid"
    assert req.due_at == calendar.end_of_working_day(req.paid_at, 3)
    assert req.due_at > calendar.end_of_working_day(req.paid_at, 1)


def test_a_fee_no_longer_in_force_is_neither_shown_nor_charged(
    english, customer, office, counter, meter_test
):
    today = timezone.localdate()
    FeeItem.objects.create(
        service=meter_test,
        code="old-surcharge",
        kind="fee",
        name_th="ค่าธรรมเนียมเดิม",
        name_en="Old surcharge",
        amount=Decimal("321.00"),
        effective_from=date(2019, 1, 1),
        effective_to=today - timedelta(days=1),
    )
    FeeItem.objects.create(
        service=meter_test,
        code="new-surcharge",
        kind="fee",
        name_th="ค่าธรรมเนียมใหม่",
        name_en="New surcharge",
        amount=Decimal("45.00"),
        effective_from=today + timedelta(days=1),
    )

    page = _charter(english)
    assert "Old surcharge" not in page
    assert "฿321.00" not in page

    req = factories.submit_account_request(
        service_code="meter-test", account=factories.account_for(customer, office)
    )
    req = rs.request_accept(request=req, user=counter)
    invoice = request_quote_fees(request=req, user=counter)
    assert [line.name_en for line in invoice.lines.all()] == ["Meter test fee"]
    assert invoice.total == Decimal("107.00")

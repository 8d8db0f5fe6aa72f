"""The meter accuracy test (charter §3.6) through its screens: the customer
files about one of their own electricity accounts; staff record the comparison
meter, the verdict and the refund through the action forms, each prefixed
with the action's name as the page sends them.

Expected Thai wording is looked up through gettext under Thai, so the tests
hold whether or not the Thai catalogue is compiled.
"""

import html
from datetime import timedelta
from decimal import Decimal
from functools import partial
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from meters.models import MeterTest
from payments.models import Refund
from payments.services import payment_record_cash, refund_approve, request_quote_fees
from requests_app import services as rs
from requests_app.models import (
    Document,
    DocumentType,
    RequestEvent,
    ServiceRequest,
    ServiceType,
    State,
)
from tests import factories

pytestmark = pytest.mark.django_db

SIGN_ERROR = "The customer (or their representative) must check the readings and sign."


def thai(message: str) -> str:
    with translation.override("th"):
        return gettext(message)


@pytest.fixture
def meter_test(db):
    return ServiceType.objects.get(code="meter-test")


@pytest.fixture
def file_url():
    return reverse("requests:file", args=["meter-test"])


@pytest.fixture
def account(customer, office):
    return factories.account_for(customer, office)


def _filing(account, **extra):
    premises = DocumentType.objects.get(code="premises-right")
    return {
        "account": account.pk,
        "contact_phone": "0812345678",
        "note": "มิเตอร์หมุนเร็วผิดปกติ",
        f"doc_{premises.pk}": factories.pdf("premises-right.pdf"),
        **extra,
    }


def _fresh(req) -> ServiceRequest:
    return ServiceRequest.objects.get(pk=req.pk)


def act(client, req, action, fields=None, expected_state=None, follow=False):
    """POST a staff action form as the page would, with its prefix."""
    req = _fresh(req)
    data = {"expected_state": expected_state or req.state}
    for name, value in (fields or {}).items():
        data[f"{action}-{name}"] = value
    return client.post(
        reverse("staff:act", args=[req.reference, action]), data, follow=follow
    )


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Filing ---------------------------------------------------------------------------


def test_the_form_offers_only_the_customers_own_accounts(
    client, customer, other_customer, office, account, file_url
):
    theirs = factories.account_for(other_customer, office)
    client.force_login(customer)

    response = client.get(file_url)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["account"].queryset) == [account]
    for name in ("office", "premises_address", "premises_province", "meter_size"):
        assert name not in form.fields
    page = response.content.decode()
    assert f'<option value="{account.pk}">{account.ca_number} · ' in page
    assert theirs.ca_number not in page


def test_filing_takes_premises_meter_and_office_from_the_chosen_account(
    client, customer, office, other_office, file_url, meter_test
):
    first = factories.account_for(customer, office)
    second = factories.account_for(customer, other_office, meter_code="15(45)-1")
    second.premises_address = "77 ถ.ศรีจันทร์ อ.เมือง"
    second.save(update_fields=["premises_address"])
    client.force_login(customer)

    response = client.post(file_url, _filing(second))

    req = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == req.get_absolute_url()
    assert req.service == meter_test
    assert req.state == State.SUBMITTED
    assert (req.account, req.office) == (second, other_office)
    assert req.premises_address == "77 ถ.ศรีจันทร์ อ.เมือง"
    assert req.meter_size == second.meter.size != first.meter.size
    assert req.applicant == customer and req.channel == "web"
    assert req.note == "มิเตอร์หมุนเร็วผิดปกติ"
    assert [d.document_type.code for d in req.documents.all()] == ["premises-right"]
    detail = client.get(response["Location"]).content.decode()
    assert second.ca_number in detail


def test_a_customer_cannot_file_about_someone_elses_account(
    client, customer, other_customer, office, account, file_url
):
    theirs = factories.account_for(other_customer, office)
    client.force_login(customer)

    response = client.post(file_url, _filing(theirs))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["account"]
    page = response.content.decode()
    assert 'id="id_account_error"' in page
    assert theirs.ca_number not in page
    assert not ServiceRequest.objects.exists()
    assert not Document.objects.exists()


def test_filing_without_the_proof_of_right_names_the_document(
    client, customer, account, file_url
):
    premises = DocumentType.objects.get(code="premises-right")
    client.force_login(customer)

    response = client.post(file_url, _filing(account, **{f"doc_{premises.pk}": ""}))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [f"doc_{premises.pk}"]
    assert f'id="id_doc_{premises.pk}_error"' in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_customer_with_no_account_is_told_so_and_gets_no_form(
    client, customer, other_customer, office, file_url, meter_test
):
    theirs = factories.account_for(other_customer, office)
    client.force_login(customer)

    response = client.get(file_url)

    assert response.status_code == 200
    assert response.context["no_account"] is True
    assert "form" not in response.context
    page = response.content.decode()
    assert (
        html.escape(
            thai(
                "This service is about an electricity account, and you have none in "
                "your name yet."
            )
        )
        in page
    )
    assert 'enctype="multipart/form-data"' not in page
    assert reverse("charter_detail", args=["meter-test"]) in page
    # Posting anyway files nothing.
    response = client.post(file_url, _filing(theirs))
    assert response.status_code == 200
    assert not ServiceRequest.objects.exists()


# Staff actions --------------------------------------------------------------------


@pytest.fixture
def booked(account, counter, technician):
    """A meter test paid for, the comparison meter booked with the technician."""
    req = factories.submit_account_request(service_code="meter-test", account=account)
    req = rs.request_accept(request=req, user=counter)
    invoice = request_quote_fees(request=req, user=counter)
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    return rs.request_book_test(
        request=_fresh(req), user=counter, assignee=technician,
        scheduled_for=timezone.now() + timedelta(days=1),
    )  # fmt: skip


COMPARISON = {
    "comparison_serial": "cmp-0042",
    "meter_start": "1000.0",
    "comparison_start": "0.0",
    "customer_signed": "on",
}
FAULTY = {"meter_end": "1115.0", "comparison_end": "100.0", "customer_signed": "on"}


@pytest.fixture
def installed(booked, client, technician):
    client.force_login(technician)
    assert act(client, booked, "install_comparison", COMPARISON).status_code == 302
    client.logout()
    return _fresh(booked)


def test_the_technician_records_the_comparison_meter_then_a_faulty_verdict(
    client, booked, technician, counter
):
    client.force_login(technician)

    response = act(client, booked, "install_comparison", COMPARISON)

    assert response.status_code == 302
    assert response["Location"] == booked.staff_url()
    test = MeterTest.objects.get(request=booked)
    assert test.comparison_serial == "CMP-0042"
    assert (test.meter_start, test.comparison_start) == (Decimal("1000.0"), 0)
    assert test.installed_by == technician and test.customer_signed_install
    assert _fresh(booked).state == State.COMPARISON_INSTALLED

    response = act(client, booked, "record_test_faulty", FAULTY)

    assert response.status_code == 302
    req = _fresh(booked)
    assert req.state == State.REFUND_PENDING
    assert req.due_at is not None  # the 7-working-day refund promise
    test.refresh_from_db()
    assert test.result == MeterTest.Result.FAULTY
    assert test.error_percent == Decimal("15.00")
    assert test.removed_by == technician and test.customer_signed_removal
    refund = Refund.objects.get(invoice__request=req)
    assert (refund.amount, refund.status) == (Decimal("107.00"), Refund.Status.DUE)

    page = client.get(req.staff_url()).content.decode()
    assert "badge-refund_pending" in page
    assert "15.00 %" in page
    # Paying the refund is the counter's step, not the technician's.
    assert "/act/record_refund/" not in page


def _approve(req, supervisor):
    return refund_approve(
        refund=Refund.objects.get(invoice__request=req), user=supervisor
    )


def test_counter_staff_record_the_refund_and_the_request_closes(
    client, installed, technician, counter, supervisor
):
    client.force_login(technician)
    act(client, installed, "record_test_faulty", FAULTY)
    client.force_login(counter)
    # Not before a supervisor approved it: told so, nothing changes.
    refused = act(client, installed, "record_refund", follow=True)
    assert page_messages(refused)[-1] == thai(
        "A supervisor must approve the refund first."
    )
    assert _fresh(installed).state == State.REFUND_PENDING
    refund = _approve(installed, supervisor)
    assert refund.number.startswith("RF") and refund.approved_by == supervisor

    response = act(client, installed, "record_refund", {"note": "คืนเงินสด"})

    assert response.status_code == 302
    req = _fresh(installed)
    assert req.state == State.CLOSED
    assert req.closed_at is not None and req.due_at is None
    refund = Refund.objects.get(invoice__request=req)
    assert refund.status == Refund.Status.PAID and refund.paid_by == counter
    assert list(
        RequestEvent.objects.filter(request=req, kind="transition").values_list(
            "action", flat=True
        )
    )[-3:] == ["install_comparison", "record_test_faulty", "record_refund"]


def test_a_normal_meter_closes_the_request_without_a_refund(
    client, installed, technician
):
    client.force_login(technician)

    response = act(
        client, installed, "record_test_normal",
        {"meter_end": "1100.0", "comparison_end": "100.0", "customer_signed": "on"},
    )  # fmt: skip

    assert response.status_code == 302
    assert _fresh(installed).state == State.CLOSED
    assert MeterTest.objects.get(request=installed).result == MeterTest.Result.NORMAL
    assert not Refund.objects.exists()


def test_installing_without_the_signature_shows_the_error_by_the_box(
    client, booked, technician
):
    client.force_login(technician)

    response = act(
        client, booked, "install_comparison", {**COMPARISON, "customer_signed": ""}
    )

    assert response.status_code == 400
    page = response.content.decode()
    box = "id_install_comparison-customer_signed"
    error = f'id="{box}_error">{html.escape(thai(SIGN_ERROR))}</p>'

    assert error in page
    assert response.context["open_action"] == "install_comparison"
    assert _fresh(booked).state == State.TEST_BOOKED
    assert not MeterTest.objects.exists()


def test_the_faulty_verdict_without_the_signature_shows_the_error_by_the_box(
    client, installed, technician
):
    client.force_login(technician)

    response = act(
        client, installed, "record_test_faulty", {**FAULTY, "customer_signed": ""}
    )

    assert response.status_code == 400
    page = response.content.decode()
    box = "id_record_test_faulty-customer_signed"
    error = f'id="{box}_error">{html.escape(thai(SIGN_ERROR))}</p>'

    assert error in page
    assert _fresh(installed).state == State.COMPARISON_INSTALLED
    test = MeterTest.objects.get(request=installed)
    assert (test.result, test.meter_end, test.removed_at) == ("", None, None)
    assert not Refund.objects.exists()


def test_end_readings_below_the_start_show_the_error_by_the_field(
    client, installed, technician
):
    client.force_login(technician)

    response = act(
        client, installed, "record_test_faulty", {**FAULTY, "meter_end": "900.0"}
    )

    assert response.status_code == 400
    assert 'id="id_record_test_faulty-meter_end_error"' in response.content.decode()
    assert _fresh(installed).state == State.COMPARISON_INSTALLED
    assert not Refund.objects.exists()


@pytest.fixture
def other_technician(other_office):
    return factories.StaffFactory(
        username="tim", role="technician", office=other_office
    )


@pytest.mark.parametrize(
    "action, fields",
    [("install_comparison", COMPARISON), ("record_test_faulty", FAULTY),
     ("record_refund", {})],
)  # fmt: skip
def test_staff_of_another_office_get_404_and_change_nothing(
    client, booked, other_counter, other_technician, action, fields
):
    for user in (other_counter, other_technician):
        client.force_login(user)

        assert client.get(booked.staff_url()).status_code == 404
        assert act(client, booked, action, fields).status_code == 404

    assert _fresh(booked).state == State.TEST_BOOKED
    assert not MeterTest.objects.exists()


def test_who_may_record_the_refund(
    client, installed, technician, counter, supervisor, customer, other_counter
):
    client.force_login(technician)
    act(client, installed, "record_test_faulty", FAULTY, follow=True)
    _approve(installed, supervisor)

    # The technician's role never pays out: told so, nothing changes.
    response = act(client, installed, "record_refund", follow=True)
    assert response.status_code == 403
    assert thai("You may not do this on this request.") in response.content.decode()
    assert _fresh(installed).state == State.REFUND_PENDING
    # The customer is not staff at all.
    client.force_login(customer)
    assert act(client, installed, "record_refund").status_code == 403
    assert _fresh(installed).state == State.REFUND_PENDING
    # A supervisor of the province covers the branch.
    client.force_login(supervisor)
    assert act(client, installed, "record_refund").status_code == 302
    assert _fresh(installed).state == State.CLOSED
    assert Refund.objects.get().paid_by == supervisor


# What the customer reads ----------------------------------------------------------


def test_the_customer_sees_the_readings_the_error_and_the_refund_paid_out(
    client, installed, technician, counter, customer, supervisor
):
    client.force_login(technician)
    act(client, installed, "record_test_faulty", FAULTY)
    _approve(installed, supervisor)
    client.force_login(counter)
    act(client, installed, "record_refund")
    client.force_login(customer)

    response = client.get(installed.get_absolute_url())

    page = response.content.decode()
    assert 'class="badge badge-closed"' in page
    assert "CMP-0042" in page
    assert "15.00 %" in page
    with translation.override("th"):
        paid_out = str(Refund.Status.PAID.label)
    assert f"107.00 บาท · {html.escape(paid_out)}" in page


def test_the_customer_is_never_told_of_a_wiring_inspection_or_a_new_account(
    client, account, customer, counter, technician, supervisor
):
    """The step texts are the new connection's: after acceptance the customer
    of a meter test reads that PEA will book a wiring inspection, after paying
    that it will book a meter installation, and at the end that their
    electricity account is open."""
    client.force_login(customer)
    req = factories.submit_account_request(service_code="meter-test", account=account)

    def step_shown():
        return client.get(req.get_absolute_url()).context["step"]

    shown = {}
    req = rs.request_accept(request=req, user=counter)
    shown["accepted"] = step_shown()
    invoice = request_quote_fees(request=req, user=counter)
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    shown["paid"] = step_shown()
    req = rs.request_book_test(
        request=_fresh(req), user=counter, assignee=technician,
        scheduled_for=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    for action, fields in [
        ("install_comparison", COMPARISON),
        ("record_test_faulty", FAULTY),
    ]:
        client.force_login(technician)
        act(client, req, action, fields)
    _approve(req, supervisor)
    client.force_login(counter)
    act(client, req, "record_refund")
    client.force_login(customer)
    shown["closed"] = step_shown()
    assert _fresh(req).state == State.CLOSED

    new_connection_texts = {
        "accepted": thai("Accepted. We will call you to book the wiring inspection."),
        "paid": thai(
            "Payment received. We will call you to book the meter installation."
        ),
        "closed": thai(
            "Done: your meter is installed and your electricity account is open."
        ),
    }
    assert all(shown.values())
    assert {
        state: text for state, text in shown.items()
        if text == new_connection_texts[state]
    } == {}  # fmt: skip


def test_the_meter_test_labels_have_thai_translations():
    """Thai is the default language: every action, state and step text the
    meter test's screens show must read in Thai, not fall back to English."""
    from requests_app.display import step_text
    from requests_app.flows.meter_test import MeterTestRequest
    from requests_app.forms import ComparisonForm, TestResultForm

    shown = [
        t.custom["label"]
        for attr in vars(MeterTestRequest).values()
        if hasattr(attr, "_django_fsm")
        for t in attr._django_fsm.transitions.values()
    ]
    shown += [
        State.TEST_BOOKED.label, State.COMPARISON_INSTALLED.label,
        State.REFUND_PENDING.label, Refund.Status.DUE.label, Refund.Status.PAID.label,
        MeterTest.Result.FAULTY.label, MeterTest.Result.NORMAL.label,
    ]  # fmt: skip
    shown += [f.label for f in ComparisonForm.base_fields.values()]
    shown += [f.label for f in TestResultForm.base_fields.values()]

    def both(item) -> tuple[str, str]:
        with translation.override("en"):
            english = item() if callable(item) else str(item)
        with translation.override("th"):
            return english, item() if callable(item) else str(item)

    meter_test_flow = SimpleNamespace(flow="meter_test")
    steps = [
        partial(step_text, SimpleNamespace(service=meter_test_flow, state=state))
        for state in (
            "submitted", "accepted", "fees_quoted", "paid", "test_booked",
            "comparison_installed", "refund_pending", "closed",
        )
    ]  # fmt: skip
    errors = [lambda: gettext(SIGN_ERROR)]
    untranslated = sorted(
        {en for en, th in map(both, shown + steps + errors) if en == th}
    )
    assert untranslated == []

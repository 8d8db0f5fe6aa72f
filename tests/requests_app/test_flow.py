"""The new-connection machine, driven only through the services (SPEC §2, §3.1).

Each step is done the way a screen does it: through the service that checks
the state, the role and the office, saves under the concurrency guard and
writes the timeline."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meters.models import Contract, ElectricityAccount, Meter
from meters.services import installation_record
from payments.models import Invoice, InvoiceLine, Payment
from payments.services import payment_record_cash, request_quote_fees
from requests_app.exceptions import TransitionRefused
from requests_app.models import (
    Appointment,
    RequestEvent,
    ServiceRequest,
    State,
    SurveyResult,
)
from requests_app.services import (
    request_accept,
    request_book_installation,
    request_book_survey,
    request_cancel,
    request_record_survey,
    request_reject,
    request_resubmit,
    request_return_for_documents,
)
from tests import factories

pytestmark = pytest.mark.django_db
S = State


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The factories hash a password for every actor; PBKDF2 dominates the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The steps that lead to each state from "submitted", and who does each step.
PATHS = {
    S.SUBMITTED: [],
    S.RETURNED: ["return_for_documents"],
    S.ACCEPTED: ["accept"],
    S.SURVEY_BOOKED: ["accept", "book_survey"],
    S.WIRING_FAILED: ["accept", "book_survey", "record_survey_failed"],
    S.SURVEYED: ["accept", "book_survey", "record_survey_passed"],
    S.FEES_QUOTED: ["accept", "book_survey", "record_survey_passed", "quote_fees"],
    S.PAID: [
        "accept", "book_survey", "record_survey_passed", "quote_fees", "record_payment",
    ],
    S.INSTALLATION_BOOKED: [
        "accept", "book_survey", "record_survey_passed", "quote_fees", "record_payment",
        "book_installation",
    ],
    S.CLOSED: [
        "accept", "book_survey", "record_survey_passed", "quote_fees", "record_payment",
        "book_installation", "record_installation",
    ],
}  # fmt: skip
DEFAULT_ACTOR = {
    "accept": "counter",
    "return_for_documents": "counter",
    "resubmit": "customer",
    "book_survey": "counter",
    "record_survey_passed": "surveyor",
    "record_survey_failed": "surveyor",
    "quote_fees": "counter",
    "record_payment": "counter",
    "book_installation": "counter",
    "record_installation": "technician",
    "cancel": "customer",
    "reject": "counter",
}


def reload(sr) -> ServiceRequest:
    return ServiceRequest.objects.get(pk=sr.pk)


def open_invoice(sr) -> Invoice:
    return Invoice.objects.get(request=sr, status=Invoice.Status.UNPAID)


def later(days: int = 1):
    return timezone.now() + timedelta(days=days)


class Desk:
    """Does one step of the flow through its service, as the named actor."""

    def __init__(self, pytest_request):
        self._fixtures = pytest_request

    def actor(self, name: str):
        return self._fixtures.getfixturevalue(name)

    def do(self, action: str, sr, *, user=None, note: str = "", **kwargs):
        user = user or self.actor(DEFAULT_ACTOR[action])
        if action == "accept":
            request_accept(request=sr, user=user, note=note, **kwargs)
        elif action == "return_for_documents":
            request_return_for_documents(
                request=sr, user=user, reason=note or "Please attach the map", **kwargs
            )
        elif action == "resubmit":
            request_resubmit(request=sr, user=user, note=note, **kwargs)
        elif action == "book_survey":
            request_book_survey(
                request=sr, user=user, scheduled_for=later(1), note=note, **kwargs
            )
        elif action == "record_survey_passed":
            request_record_survey(
                request=sr, user=user, passed=True, findings=note, **kwargs
            )
        elif action == "record_survey_failed":
            request_record_survey(
                request=sr, user=user, passed=False,
                findings=note or "No earth conductor", **kwargs,
            )  # fmt: skip
        elif action == "quote_fees":
            request_quote_fees(request=sr, user=user, note=note, **kwargs)
        elif action == "record_payment":
            invoice = open_invoice(sr)
            payment_record_cash(invoice=invoice, user=user, amount=invoice.total)
        elif action == "book_installation":
            request_book_installation(
                request=sr, user=user, scheduled_for=later(2), note=note, **kwargs
            )
        elif action == "record_installation":
            installation_record(
                request=sr, user=user, serial=f"pea-{sr.pk:06d}",
                first_reading=Decimal("0.0"), **kwargs,
            )  # fmt: skip
        elif action == "cancel":
            request_cancel(request=sr, user=user, reason=note, **kwargs)
        elif action == "reject":
            request_reject(
                request=sr, user=user, reason=note or "Premises outside the area",
                **kwargs,
            )  # fmt: skip
        else:  # pragma: no cover - a typo in a test
            raise AssertionError(action)
        return reload(sr)

    def reach(self, sr, state):
        for action in PATHS[state]:
            sr = self.do(action, sr)
        assert sr.state == state
        return sr


@pytest.fixture
def desk(request, counter, surveyor, technician, customer):
    return Desk(request)


def timeline(sr) -> list[str]:
    return list(
        RequestEvent.objects.filter(request=sr, kind=RequestEvent.Kind.TRANSITION)
        .order_by("id")
        .values_list("action", flat=True)
    )


# The happy path ------------------------------------------------------------


def test_it_walks_a_request_from_submission_to_an_open_electricity_account(
    desk, submitted_request, customer
):
    sr = submitted_request
    assert sr.state == S.SUBMITTED
    for action, state in [
        ("accept", S.ACCEPTED),
        ("book_survey", S.SURVEY_BOOKED),
        ("record_survey_passed", S.SURVEYED),
        ("quote_fees", S.FEES_QUOTED),
        ("record_payment", S.PAID),
        ("book_installation", S.INSTALLATION_BOOKED),
        ("record_installation", S.CLOSED),
    ]:
        sr = desk.do(action, sr)
        assert sr.state == state, action

    assert sr.survey_passed_at and sr.paid_at and sr.installed_at and sr.closed_at
    assert sr.due_at is None
    assert timeline(sr) == [
        "submit", "accept", "book_survey", "record_survey_passed", "quote_fees",
        "record_payment", "book_installation", "record_installation", "close",
    ]  # fmt: skip
    account = ElectricityAccount.objects.get(request=sr)
    assert account.ca_number.startswith("020")
    assert len(account.ca_number) == 12
    assert account.customer == customer
    assert account.meter.serial == f"PEA-{sr.pk:06d}"
    deposit = InvoiceLine.objects.get(invoice__request=sr, kind="deposit")
    contract = Contract.objects.get(account=account)
    assert contract.deposit == deposit.amount == Decimal("300.00")
    assert contract.customer == customer


def test_it_opens_each_account_with_its_own_ca_number(desk, customer, office):
    first = desk.reach(
        factories.submit_request(customer=customer, office=office), S.CLOSED
    )
    second = desk.reach(
        factories.submit_request(customer=customer, office=office), S.CLOSED
    )

    numbers = {
        ElectricityAccount.objects.get(request=first).ca_number,
        ElectricityAccount.objects.get(request=second).ca_number,
    }
    assert len(numbers) == 2
    assert all(n.startswith("020") for n in numbers)


# The timeline: one event per transition ------------------------------------


@pytest.mark.parametrize(
    "action, source, target, takes_note",
    [
        ("accept", S.SUBMITTED, S.ACCEPTED, True),
        ("return_for_documents", S.SUBMITTED, S.RETURNED, True),
        ("resubmit", S.RETURNED, S.SUBMITTED, True),
        ("book_survey", S.ACCEPTED, S.SURVEY_BOOKED, True),
        ("book_survey", S.WIRING_FAILED, S.SURVEY_BOOKED, True),
        ("record_survey_passed", S.SURVEY_BOOKED, S.SURVEYED, True),
        ("record_survey_failed", S.SURVEY_BOOKED, S.WIRING_FAILED, True),
        ("quote_fees", S.SURVEYED, S.FEES_QUOTED, True),
        ("quote_fees", S.ACCEPTED, S.FEES_QUOTED, True),
        ("record_payment", S.FEES_QUOTED, S.PAID, False),
        ("book_installation", S.PAID, S.INSTALLATION_BOOKED, True),
        ("cancel", S.SUBMITTED, S.CANCELLED, True),
        ("cancel", S.FEES_QUOTED, S.CANCELLED, True),
        ("reject", S.SURVEYED, S.REJECTED, True),
    ],
)
def test_each_transition_writes_exactly_one_event(
    desk, submitted_request, action, source, target, takes_note
):
    sr = desk.reach(submitted_request, source)
    before = RequestEvent.objects.filter(request=sr).count()
    actor = desk.actor(DEFAULT_ACTOR[action])
    note = f"note for {action}"

    sr = desk.do(action, sr, user=actor, note=note)

    assert sr.state == target
    events = RequestEvent.objects.filter(request=sr).order_by("id")
    assert events.count() == before + 1
    event = events.last()
    assert event.kind == RequestEvent.Kind.TRANSITION
    assert event.action == action
    assert event.actor == actor
    assert (event.from_state, event.to_state) == (source, target)
    # A reason is what the customer is told; any other note is internal.
    told = action in (
        "return_for_documents",
        "cancel",
        "reject",
        "resubmit",
        "record_survey_passed",  # what the surveyor found, for the customer
        "record_survey_failed",
    )
    assert (event.message if told else event.note) == (note if takes_note else "")
    assert (event.note if told else event.message) == ""


def test_recording_the_installation_writes_one_event_for_installing_and_one_for_closing(
    desk, submitted_request, technician
):
    sr = desk.reach(submitted_request, S.INSTALLATION_BOOKED)
    before = RequestEvent.objects.filter(request=sr).count()

    sr = desk.do("record_installation", sr)

    new = list(RequestEvent.objects.filter(request=sr).order_by("id")[before:])
    assert [(e.action, e.from_state, e.to_state) for e in new] == [
        ("record_installation", S.INSTALLATION_BOOKED, S.INSTALLED),
        ("close", S.INSTALLED, S.CLOSED),
    ]
    assert all(e.actor == technician for e in new)
    assert f"PEA-{sr.pk:06d}" in new[0].shown_note
    assert ElectricityAccount.objects.get(request=sr).ca_number in new[1].shown_note


# Side branches ----------------------------------------------------------------


def test_it_returns_a_request_for_documents_and_takes_it_back_when_resubmitted(
    desk, submitted_request, customer
):
    sr = desk.do(
        "return_for_documents", submitted_request, note="Sketch map unreadable"
    )
    assert sr.state == S.RETURNED
    assert sr.waits_on_customer
    assert sr.due_at is None

    sr = desk.do("resubmit", sr, user=customer, note="New map attached")
    assert sr.state == S.SUBMITTED
    assert sr.due_at is not None

    sr = desk.do("accept", sr)
    assert sr.state == S.ACCEPTED
    assert timeline(sr) == ["submit", "return_for_documents", "resubmit", "accept"]


def test_it_refuses_to_return_a_request_without_saying_what_is_missing(
    submitted_request, counter
):
    with pytest.raises(ValidationError) as exc:
        request_return_for_documents(
            request=submitted_request, user=counter, reason="  "
        )

    assert "reason" in exc.value.message_dict
    assert reload(submitted_request).state == S.SUBMITTED
    assert timeline(submitted_request) == ["submit"]


def test_failed_wiring_is_surveyed_again_and_then_passes(desk, submitted_request):
    sr = desk.reach(submitted_request, S.SURVEY_BOOKED)

    sr = desk.do("record_survey_failed", sr, note="Breaker too large")
    assert sr.state == S.WIRING_FAILED
    assert sr.survey_passed_at is None
    sr = desk.do("book_survey", sr)
    assert sr.state == S.SURVEY_BOOKED
    sr = desk.do("record_survey_passed", sr)
    assert sr.state == S.SURVEYED
    assert sr.survey_passed_at is not None

    assert list(
        SurveyResult.objects.filter(request=sr).values_list("passed", flat=True)
    ) == [
        False,
        True,
    ]
    assert Appointment.objects.filter(request=sr, kind="survey").count() == 2


def test_it_refuses_a_failed_survey_without_findings(desk, submitted_request, surveyor):
    sr = desk.reach(submitted_request, S.SURVEY_BOOKED)

    with pytest.raises(ValidationError) as exc:
        request_record_survey(request=sr, user=surveyor, passed=False, findings="")

    assert "findings" in exc.value.message_dict
    assert reload(sr).state == S.SURVEY_BOOKED
    assert not SurveyResult.objects.filter(request=sr).exists()


def test_a_customer_who_pays_before_the_inspection_is_installed_after_it_passes(
    desk, submitted_request
):
    sr = desk.reach(submitted_request, S.ACCEPTED)
    sr = desk.do("quote_fees", sr)
    assert sr.state == S.FEES_QUOTED
    sr = desk.do("record_payment", sr)
    assert sr.state == S.PAID
    assert sr.survey_passed_at is None

    # Paid but not inspected: no installation yet.
    with pytest.raises(TransitionRefused):
        desk.do("book_installation", sr)

    sr = desk.do("book_survey", sr)
    assert sr.state == S.SURVEY_BOOKED
    sr = desk.do("record_survey_passed", sr)
    assert sr.state == S.PAID
    assert sr.survey_passed_at is not None
    passed = RequestEvent.objects.get(request=sr, action="record_survey_passed")
    assert (passed.from_state, passed.to_state) == (S.SURVEY_BOOKED, S.PAID)

    sr = desk.do("book_installation", sr)
    assert sr.state == S.INSTALLATION_BOOKED
    sr = desk.do("record_installation", sr)
    assert sr.state == S.CLOSED
    contract = Contract.objects.get(account__request=sr)
    assert contract.deposit == Decimal("300.00")


def test_it_refuses_a_second_survey_once_the_wiring_has_passed(desk, submitted_request):
    sr = desk.reach(submitted_request, S.PAID)

    with pytest.raises(TransitionRefused):
        desk.do("book_survey", sr)

    assert reload(sr).state == S.PAID
    assert Appointment.objects.filter(request=sr, kind="survey").count() == 1


def test_it_refuses_a_second_quote_once_paid(desk, submitted_request):
    sr = desk.reach(submitted_request, S.ACCEPTED)
    sr = desk.do("quote_fees", sr)
    sr = desk.do("record_payment", sr)
    sr = desk.do("book_survey", sr)
    sr = desk.do("record_survey_passed", sr)

    with pytest.raises(TransitionRefused):
        desk.do("quote_fees", sr)

    assert Invoice.objects.filter(request=sr).count() == 1


# Cancellation and rejection ----------------------------------------------------


@pytest.mark.parametrize("who", ["customer", "counter"])
def test_it_cancels_before_payment_and_cancels_the_open_invoice(
    desk, submitted_request, who
):
    sr = desk.reach(submitted_request, S.FEES_QUOTED)
    invoice = open_invoice(sr)

    sr = desk.do("cancel", sr, user=desk.actor(who), note="Moved house")

    assert sr.state == S.CANCELLED
    assert not sr.is_open
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
    assert not Payment.objects.exists()


@pytest.mark.parametrize("state", [S.SUBMITTED, S.RETURNED, S.WIRING_FAILED])
def test_a_customer_may_cancel_in_any_state_before_payment(
    desk, submitted_request, state
):
    sr = desk.reach(submitted_request, state)

    sr = desk.do("cancel", sr)

    assert sr.state == S.CANCELLED


@pytest.mark.parametrize("state", [S.PAID, S.INSTALLATION_BOOKED])
def test_it_refuses_to_cancel_after_payment(desk, submitted_request, state):
    sr = desk.reach(submitted_request, state)
    before = timeline(sr)

    with pytest.raises(TransitionRefused):
        desk.do("cancel", sr)

    assert reload(sr).state == state
    assert timeline(sr) == before
    assert Invoice.objects.get(request=sr).status == Invoice.Status.PAID


def test_it_refuses_to_cancel_a_paid_request_that_is_back_in_survey(
    desk, submitted_request
):
    """Paid before inspection: the state is survey_booked again, but money was
    taken, so only a refund process (not a cancel) may undo it."""
    sr = desk.reach(submitted_request, S.ACCEPTED)
    for action in ("quote_fees", "record_payment", "book_survey"):
        sr = desk.do(action, sr)
    assert sr.state == S.SURVEY_BOOKED

    with pytest.raises(TransitionRefused):
        desk.do("cancel", sr)

    assert reload(sr).state == S.SURVEY_BOOKED


def test_it_rejects_a_request_with_the_reason_and_cancels_the_open_invoice(
    desk, submitted_request
):
    sr = desk.reach(submitted_request, S.FEES_QUOTED)

    sr = desk.do("reject", sr, note="Premises outside PEA's area")

    assert sr.state == S.REJECTED
    assert sr.rejection_reason == "Premises outside PEA's area"
    assert Invoice.objects.get(request=sr).status == Invoice.Status.CANCELLED


def test_it_refuses_a_rejection_without_a_reason(submitted_request, counter):
    with pytest.raises(ValidationError) as exc:
        request_reject(request=submitted_request, user=counter, reason=" ")

    assert "reason" in exc.value.message_dict
    assert reload(submitted_request).state == S.SUBMITTED
    assert timeline(submitted_request) == ["submit"]


def test_it_refuses_to_reject_after_payment(desk, submitted_request):
    sr = desk.reach(submitted_request, S.PAID)

    with pytest.raises(TransitionRefused):
        desk.do("reject", sr)

    assert reload(sr).state == S.PAID


# Refusals: wrong state -------------------------------------------------------


@pytest.mark.parametrize(
    "action, state",
    [
        ("accept", S.ACCEPTED),
        ("accept", S.RETURNED),
        ("return_for_documents", S.ACCEPTED),
        ("resubmit", S.SUBMITTED),
        ("book_survey", S.SUBMITTED),
        ("book_survey", S.SURVEYED),
        ("record_survey_passed", S.ACCEPTED),
        ("record_survey_failed", S.SURVEYED),
        ("quote_fees", S.SUBMITTED),
        ("quote_fees", S.FEES_QUOTED),
        ("book_installation", S.SURVEYED),
        ("book_installation", S.FEES_QUOTED),
        ("record_installation", S.PAID),
        ("cancel", S.CLOSED),
        ("reject", S.CLOSED),
    ],
)
def test_it_refuses_a_step_in_the_wrong_state(desk, submitted_request, action, state):
    sr = desk.reach(submitted_request, state)
    events = RequestEvent.objects.count()
    appointments = Appointment.objects.count()
    surveys = SurveyResult.objects.count()
    invoices = Invoice.objects.count()
    meters = Meter.objects.count()

    with pytest.raises(TransitionRefused):
        desk.do(action, sr)

    assert reload(sr).state == state
    # Nothing the service wrote before the refusal survives.
    assert RequestEvent.objects.count() == events
    assert Appointment.objects.count() == appointments
    assert SurveyResult.objects.count() == surveys
    assert Invoice.objects.count() == invoices
    assert Meter.objects.count() == meters


def test_it_refuses_a_payment_on_a_cancelled_invoice(desk, submitted_request, counter):
    from core.errors import ServiceError

    sr = desk.reach(submitted_request, S.FEES_QUOTED)
    invoice = open_invoice(sr)
    desk.do("cancel", sr)

    with pytest.raises(ServiceError):
        payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)

    assert not Payment.objects.exists()
    assert reload(sr).state == S.CANCELLED


# Refusals: wrong role ----------------------------------------------------------


@pytest.mark.parametrize(
    "action, state, who",
    [
        ("accept", S.SUBMITTED, "customer"),
        ("accept", S.SUBMITTED, "surveyor"),
        ("accept", S.SUBMITTED, "technician"),
        ("return_for_documents", S.SUBMITTED, "customer"),
        ("resubmit", S.RETURNED, "counter"),
        ("resubmit", S.RETURNED, "other_customer"),
        ("book_survey", S.ACCEPTED, "technician"),
        ("book_survey", S.ACCEPTED, "surveyor"),
        ("book_survey", S.ACCEPTED, "customer"),
        ("record_survey_passed", S.SURVEY_BOOKED, "technician"),
        ("record_survey_passed", S.SURVEY_BOOKED, "customer"),
        ("record_survey_failed", S.SURVEY_BOOKED, "technician"),
        ("quote_fees", S.SURVEYED, "surveyor"),
        ("quote_fees", S.SURVEYED, "customer"),
        ("record_payment", S.FEES_QUOTED, "surveyor"),
        ("record_payment", S.FEES_QUOTED, "customer"),
        ("book_installation", S.PAID, "technician"),
        ("record_installation", S.INSTALLATION_BOOKED, "surveyor"),
        ("record_installation", S.INSTALLATION_BOOKED, "customer"),
        ("cancel", S.SUBMITTED, "other_customer"),
        ("cancel", S.SUBMITTED, "surveyor"),
        ("reject", S.SUBMITTED, "customer"),
        ("reject", S.SUBMITTED, "technician"),
    ],
)
def test_it_refuses_a_step_to_the_wrong_role(
    desk, submitted_request, action, state, who
):
    sr = desk.reach(submitted_request, state)
    events = RequestEvent.objects.count()

    with pytest.raises(PermissionDenied):
        desk.do(action, sr, user=desk.actor(who))

    assert reload(sr).state == state
    assert RequestEvent.objects.count() == events
    assert Meter.objects.count() == 0


# Refusals and rights by office ---------------------------------------------------


@pytest.fixture
def other_supervisor(offices):
    return factories.StaffFactory(
        username="frank", role="supervisor", office=offices["other_province"]
    )


@pytest.fixture
def other_surveyor(other_office):
    return factories.StaffFactory(username="gina", role="surveyor", office=other_office)


@pytest.fixture
def other_technician(other_office):
    return factories.StaffFactory(
        username="hank", role="technician", office=other_office
    )


@pytest.mark.parametrize(
    "action, state, who",
    [
        ("accept", S.SUBMITTED, "other_counter"),
        ("accept", S.SUBMITTED, "other_supervisor"),
        ("return_for_documents", S.SUBMITTED, "other_counter"),
        ("book_survey", S.ACCEPTED, "other_counter"),
        ("record_survey_passed", S.SURVEY_BOOKED, "other_surveyor"),
        ("record_survey_passed", S.SURVEY_BOOKED, "other_counter"),
        ("quote_fees", S.SURVEYED, "other_counter"),
        ("record_payment", S.FEES_QUOTED, "other_counter"),
        ("record_payment", S.FEES_QUOTED, "other_supervisor"),
        ("book_installation", S.PAID, "other_counter"),
        ("record_installation", S.INSTALLATION_BOOKED, "other_technician"),
        ("cancel", S.SUBMITTED, "other_counter"),
        ("reject", S.SUBMITTED, "other_counter"),
    ],
)
def test_it_refuses_staff_of_another_office(
    desk, submitted_request, action, state, who
):
    sr = desk.reach(submitted_request, state)
    events = RequestEvent.objects.count()

    with pytest.raises(PermissionDenied):
        desk.do(action, sr, user=desk.actor(who))

    assert reload(sr).state == state
    assert RequestEvent.objects.count() == events
    assert Payment.objects.count() == (
        1 if state in (S.PAID, S.INSTALLATION_BOOKED) else 0
    )


@pytest.mark.parametrize(
    "action, state, target",
    [
        ("accept", S.SUBMITTED, S.ACCEPTED),
        ("return_for_documents", S.SUBMITTED, S.RETURNED),
        ("book_survey", S.ACCEPTED, S.SURVEY_BOOKED),
        ("record_survey_passed", S.SURVEY_BOOKED, S.SURVEYED),
        ("quote_fees", S.SURVEYED, S.FEES_QUOTED),
        ("record_payment", S.FEES_QUOTED, S.PAID),
        ("book_installation", S.PAID, S.INSTALLATION_BOOKED),
        ("record_installation", S.INSTALLATION_BOOKED, S.CLOSED),
        ("reject", S.SUBMITTED, S.REJECTED),
    ],
)
def test_the_supervisor_of_the_province_above_may_act(
    desk, submitted_request, supervisor, action, state, target
):
    sr = desk.reach(submitted_request, state)

    sr = desk.do(action, sr, user=supervisor)

    assert sr.state == target
    assert RequestEvent.objects.filter(request=sr).last().actor == supervisor

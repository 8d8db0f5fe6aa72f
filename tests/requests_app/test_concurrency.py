"""Two people acting on the same request: a stale form, a real race on the
state machine, a double counter payment. The loser always gets a clear
refusal and nothing is written twice."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from core.errors import ServiceError
from payments.models import Invoice, Payment
from payments.services import payment_record_cash, request_quote_fees
from requests_app.exceptions import ConcurrentChange
from requests_app.flows import as_flow
from requests_app.models import (
    Appointment,
    RequestEvent,
    ServiceRequest,
    State,
    SurveyResult,
)
from requests_app.services import (
    request_accept,
    request_book_survey,
    request_record_survey,
    request_return_for_documents,
)

# Transactional tests: conftest reloads the catalog and fee schedule that the
# flush between them removes.
transactional = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """Committed transitions schedule delivery on commit; keep the broker out."""
    monkeypatch.setattr("notifications.services._schedule", lambda pk: None)


def load(sr) -> ServiceRequest:
    """What a second browser tab or a second clerk holds: its own copy."""
    return as_flow(ServiceRequest.objects.get(pk=sr.pk))


def later():
    return timezone.now() + timedelta(days=1)


def to_surveyed(sr, counter, surveyor):
    request_accept(request=sr, user=counter)
    request_book_survey(request=load(sr), user=counter, scheduled_for=later())
    request_record_survey(request=load(sr), user=surveyor, passed=True)
    return load(sr)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks across connections (PostgreSQL)",
)


# (1) A stale form ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("seen", [State.ACCEPTED, State.RETURNED, State.CANCELLED])
def test_it_refuses_an_action_taken_on_a_stale_form(submitted_request, counter, seen):
    with pytest.raises(ConcurrentChange):
        request_accept(request=submitted_request, user=counter, expected_state=seen)

    assert load(submitted_request).state == State.SUBMITTED
    assert not RequestEvent.objects.filter(action="accept").exists()


@pytest.mark.django_db
def test_a_stale_booking_form_leaves_no_appointment_behind(submitted_request, counter):
    request_accept(request=submitted_request, user=counter)

    with pytest.raises(ConcurrentChange):
        request_book_survey(
            request=load(submitted_request), user=counter, scheduled_for=later(),
            expected_state=State.SUBMITTED,
        )  # fmt: skip

    assert load(submitted_request).state == State.ACCEPTED
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_a_form_showing_the_current_state_goes_through(submitted_request, counter):
    sr = request_accept(
        request=submitted_request, user=counter, expected_state=State.SUBMITTED
    )

    assert sr.state == State.ACCEPTED
    assert load(sr).state == State.ACCEPTED


# (2) A real race on the state machine ----------------------------------------------


@transactional
def test_the_second_of_two_clerks_accepting_at_once_is_refused(
    submitted_request, counter
):
    first, second = load(submitted_request), load(submitted_request)

    request_accept(request=first, user=counter)
    with pytest.raises(ConcurrentChange):
        request_accept(request=second, user=counter)

    assert load(submitted_request).state == State.ACCEPTED
    assert (
        RequestEvent.objects.filter(request=submitted_request, action="accept").count()
        == 1
    )


@transactional
def test_a_return_racing_an_accept_is_refused(submitted_request, counter, supervisor):
    first, second = load(submitted_request), load(submitted_request)

    request_accept(request=first, user=counter)
    with pytest.raises(ConcurrentChange):
        request_return_for_documents(
            request=second, user=supervisor, reason="Map missing"
        )

    assert load(submitted_request).state == State.ACCEPTED
    assert not RequestEvent.objects.filter(action="return_for_documents").exists()
    assert not Appointment.objects.exists()


@transactional
def test_a_racing_double_booking_writes_one_appointment(submitted_request, counter):
    request_accept(request=submitted_request, user=counter)
    first, second = load(submitted_request), load(submitted_request)

    request_book_survey(request=first, user=counter, scheduled_for=later())
    with pytest.raises(ConcurrentChange):
        request_book_survey(request=second, user=counter, scheduled_for=later())

    assert Appointment.objects.filter(request=submitted_request).count() == 1
    assert RequestEvent.objects.filter(action="book_survey").count() == 1


@transactional
def test_a_racing_double_survey_result_writes_one_result(
    submitted_request, counter, surveyor
):
    request_accept(request=submitted_request, user=counter)
    request_book_survey(
        request=load(submitted_request), user=counter, scheduled_for=later()
    )
    first, second = load(submitted_request), load(submitted_request)

    request_record_survey(request=first, user=surveyor, passed=True)
    with pytest.raises(ConcurrentChange):
        request_record_survey(request=second, user=surveyor, passed=False, findings="x")

    assert load(submitted_request).state == State.SURVEYED
    assert list(SurveyResult.objects.values_list("passed", flat=True)) == [True]


@transactional
def test_a_racing_double_quote_writes_one_invoice(
    submitted_request, counter, surveyor, supervisor
):
    sr = to_surveyed(submitted_request, counter, surveyor)
    first, second = load(sr), load(sr)

    request_quote_fees(request=first, user=counter)
    with pytest.raises(ConcurrentChange):
        request_quote_fees(request=second, user=supervisor)

    assert Invoice.objects.filter(request=sr).count() == 1
    assert RequestEvent.objects.filter(action="quote_fees").count() == 1


@transactional
@postgres_only
def test_two_threads_accepting_at_once_make_one_transition(submitted_request, counter):
    copies = [load(submitted_request), load(submitted_request)]
    barrier = threading.Barrier(2)
    outcomes = []

    def clerk(sr):
        try:
            barrier.wait(timeout=10)
            request_accept(request=sr, user=counter)
            outcomes.append("accepted")
        except ConcurrentChange:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(c,)) for c in copies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["accepted", "refused"]
    assert RequestEvent.objects.filter(action="accept").count() == 1
    assert load(submitted_request).state == State.ACCEPTED


# (3) A double counter payment ------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_a_second_cash_payment_of_the_same_invoice(
    submitted_request, counter, surveyor
):
    sr = to_surveyed(submitted_request, counter, surveyor)
    invoice = request_quote_fees(request=sr, user=counter)

    payment_record_cash(invoice=invoice, user=counter, amount=Decimal("728.00"))
    with pytest.raises(ServiceError):
        payment_record_cash(invoice=invoice, user=counter, amount=Decimal("728.00"))

    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert RequestEvent.objects.filter(action="record_payment").count() == 1
    assert load(sr).state == State.PAID


@transactional
def test_two_clerks_taking_the_same_cash_make_one_payment(
    submitted_request, counter, surveyor, supervisor
):
    sr = to_surveyed(submitted_request, counter, surveyor)
    invoice = request_quote_fees(request=sr, user=counter)
    # Each clerk's screen loaded the invoice before either pressed the button.
    first, second = (
        Invoice.objects.get(pk=invoice.pk),
        Invoice.objects.get(pk=invoice.pk),
    )

    payment_record_cash(invoice=first, user=counter, amount=Decimal("728.00"))
    with pytest.raises(ServiceError):
        payment_record_cash(invoice=second, user=supervisor, amount=Decimal("728.00"))

    assert Payment.objects.count() == 1
    assert Payment.objects.get().received_by == counter
    assert RequestEvent.objects.filter(action="record_payment").count() == 1


@transactional
@postgres_only
def test_two_threads_taking_the_same_cash_make_one_payment(
    submitted_request, counter, surveyor, supervisor
):
    sr = to_surveyed(submitted_request, counter, surveyor)
    invoice = request_quote_fees(request=sr, user=counter)
    barrier = threading.Barrier(2)
    outcomes = []

    def clerk(user):
        try:
            barrier.wait(timeout=10)
            payment_record_cash(invoice=invoice, user=user, amount=Decimal("728.00"))
            outcomes.append("paid")
        except ServiceError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(u,)) for u in (counter, supervisor)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["paid", "refused"]
    assert Payment.objects.count() == 1
    assert RequestEvent.objects.filter(action="record_payment").count() == 1

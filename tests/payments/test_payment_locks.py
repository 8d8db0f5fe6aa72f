"""A payment locks its invoice and its request, never the office's row. The
soak (scripts/soak.sh) found a deadlock: a cash payment locked the branch's
`accounts_office` row through `select_related` (FOR UPDATE without OF) and
then waited for a dashboard tally that a fee quote at the same branch held,
while the quote waited at its commit on the foreign-key check of that office
row: one of the two counters got a 500. Cash at the counter, the provider's
callback and a settlement row posted by finance lock the same way."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from payments import settlement as s
from payments.provider import CallbackEvent
from payments.services import (
    payment_record_cash,
    provider_event_apply,
    provider_event_store,
    request_quote_fees,
    settlement_reconcile,
    settlement_row_post,
    settlement_upload,
)
from requests_app import services as rs
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(customer, office, counter):
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    return request_quote_fees(request=r, user=counter)


def _assert_invoice_locked_not_office(queries):
    """Every lock taken joins no office row into it; the invoice's is taken."""
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    for sql in locks:
        locked = sql.rpartition("FOR UPDATE")[2]
        if '"accounts_office"' in sql:
            assert locked.lstrip().startswith("OF ") and "accounts_office" not in locked
    if connection.vendor == "postgresql":  # SQLite has no row locks
        assert any(
            'FOR UPDATE OF "payments_invoice", "requests_app_servicerequest"' in sql
            for sql in locks
        )


def test_cash_at_the_counter_locks_the_invoice_and_request_only(invoice, counter):
    with CaptureQueriesContext(connection) as queries:
        payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    _assert_invoice_locked_not_office(queries)


def test_the_providers_callback_locks_the_invoice_and_request_only(invoice):
    event, _ = provider_event_store(CallbackEvent(
        event_id="e1", kind="charge.succeeded", transaction_id="t1",
        invoice_number=invoice.number, amount=invoice.total, currency="THB",
        payload={},
    ))  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        assert provider_event_apply(event_pk=event.pk) == "applied"
    _assert_invoice_locked_not_office(queries)


def test_posting_a_settlement_row_locks_the_invoice_and_request_only(
    invoice, supervisor
):
    line = s.Line(
        seq=0, paid_at=timezone.now() - timedelta(hours=3), name="SOMCHAI",
        ref1=invoice.payment_ref, ref2="", channel="ATM", amount=invoice.total,
    )  # fmt: skip
    data = s.write(bank="014", account="1234567890", effective=timezone.localdate(),
                   lines=[line])  # fmt: skip
    uploader = factories.StaffFactory(role="supervisor", office=supervisor.office)
    settlement = settlement_upload(filename="day.txt", data=data, user=uploader,
                                   schedule=False)  # fmt: skip
    settlement_reconcile(settlement_id=settlement.pk)
    row = settlement.rows.get(result="missing_here")
    with CaptureQueriesContext(connection) as queries:
        settlement_row_post(row=row, user=supervisor)
    _assert_invoice_locked_not_office(queries)

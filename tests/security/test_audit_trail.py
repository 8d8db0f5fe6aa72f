"""An immutable audit trail: the transition log and the money records cannot
be edited or deleted through the admin, the API or the staff pages, and on
PostgreSQL the database itself refuses it — while the updates the app makes
on purpose (rendering a receipt, approving and paying out a refund, resolving
a settlement line) still go through."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import PersonalDataAccess
from payments.models import (
    DepositSettlement,
    Estimate,
    Invoice,
    InvoiceLine,
    Payment,
    ProviderEvent,
    Receipt,
    Refund,
    Settlement,
    SettlementRow,
)
from payments.services import payment_record_cash, request_quote_fees
from requests_app import services as rs
from requests_app.models import RequestEvent, ServiceRequest
from tests import factories

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="the triggers are PostgreSQL's (a no-op on SQLite)",
)


@pytest.fixture
def paid(customer, office, counter):
    """A request paid in cash at the counter: its timeline, invoice, lines,
    payment and receipt."""
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    invoice = request_quote_fees(request=r, user=counter)
    payment = payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    return payment


@pytest.fixture
def records(paid, customer, counter, supervisor):
    """One row of every model of the audit trail."""
    invoice = paid.invoice
    req = invoice.request
    settlement = Settlement.objects.create(
        filename="day.txt", content=b"x", sha256="0" * 64, uploaded_by=supervisor
    )
    refund = Refund.objects.create(
        request=req, kind=Refund.Kind.OVERPAYMENT, amount=Decimal("100.00"),
        reason="paid twice",
    )  # fmt: skip
    return {
        RequestEvent: req.events.first(),
        ServiceRequest: req,
        Invoice: invoice,
        InvoiceLine: invoice.lines.first(),
        Payment: paid,
        Receipt: paid.receipts.get(),
        Refund: refund,
        DepositSettlement: DepositSettlement.objects.create(
            request=req, final_reading=Decimal("10.0"), meter_removed_at=timezone.now()
        ),
        Estimate: Estimate.objects.create(
            request=req, amount=Decimal("5000.00"), created_by=counter
        ),
        ProviderEvent: ProviderEvent.objects.create(
            event_id="evt_x",
            kind="charge.succeeded",
            transaction_id="txn_x",
            invoice_number=invoice.number,
            amount=invoice.total,
            currency="THB",
            payload={"id": "evt_x"},
        ),  # fmt: skip
        Settlement: settlement,
        SettlementRow: SettlementRow.objects.create(
            settlement=settlement,
            result=SettlementRow.Result.MATCHED,
            line_seq=1,
            ref1=invoice.payment_ref,
            file_amount=invoice.total,
            payment=paid,
        ),  # fmt: skip
        PersonalDataAccess: PersonalDataAccess.objects.create(
            accessed_by=counter,
            office=counter.office,
            subject=customer,
            field="national_id",
            reason="identity",
            source="test",
        ),  # fmt: skip
    }


ADMIN_MODELS = [
    RequestEvent, ServiceRequest, Invoice, Payment, Receipt, Refund, DepositSettlement,
    Estimate, ProviderEvent, Settlement, SettlementRow, PersonalDataAccess,
]  # fmt: skip


def _url(model, view, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


# Admin ------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_the_admin_shows_but_never_adds_changes_or_deletes_even_for_a_superuser(
    admin_client, records, model
):
    obj = records[model]
    listing = admin_client.get(_url(model, "changelist"))
    assert listing.status_code == 200
    assert b"delete_selected" not in listing.content
    shown = admin_client.get(_url(model, "change", obj.pk))
    assert shown.status_code == 200  # read-only view
    assert b'name="_save"' not in shown.content
    assert admin_client.post(_url(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.get(_url(model, "delete", obj.pk)).status_code == 403
    assert (
        admin_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code
        == 403
    )
    assert admin_client.get(_url(model, "add")).status_code == 403
    # The bulk delete action is gone: posting it deletes nothing.
    admin_client.post(
        _url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert model.objects.filter(pk=obj.pk).exists()


def test_the_invoice_lines_and_timeline_inlines_are_read_only(admin_client, records):
    page = admin_client.get(_url(Invoice, "change", records[Invoice].pk))
    for formset in page.context["inline_admin_formsets"]:
        assert not formset.has_add_permission
        assert not formset.has_change_permission
        assert not formset.has_delete_permission
    page = admin_client.get(_url(ServiceRequest, "change", records[ServiceRequest].pk))
    assert [f.opts.model for f in page.context["inline_admin_formsets"]] == [
        RequestEvent
    ]
    assert not page.context["inline_admin_formsets"][0].has_change_permission


# API --------------------------------------------------------------------------------

# The API's only edits and deletes are of the caller's own settings, never of money
# or timelines: their token (log out), an account's name and bill notices, and
# the link to an account (unlinking keeps the account, its bills and payments).
API_WRITES_ALLOWED = {
    ("api:token_revoke", "delete"),
    ("api:bill_account_update", "patch"),
    ("api:bill_account_unlink", "delete"),
}


def _api_patterns():
    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace == "api":
                yield f"api:{p.name}", p.callback

    return list(walk(get_resolver().url_patterns, None))


def test_no_api_operation_puts_patches_or_deletes_but_own_settings():
    operations = _api_patterns()
    assert len(operations) > 20
    for name, callback in operations:
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        for method in ("put", "patch", "delete"):
            if view is not None and hasattr(view, method):
                assert (name, method) in API_WRITES_ALLOWED, (name, method)


def test_the_api_answers_405_to_edits_of_money_and_timelines(
    records, customer, counter
):
    invoice, receipt = records[Invoice], records[Receipt]
    ref = invoice.request.reference
    as_customer, as_staff = APIClient(), APIClient()
    as_customer.force_authenticate(customer)
    as_staff.force_authenticate(counter)
    routes = [
        (as_customer, reverse("api:invoices")),
        (as_customer, reverse("api:invoice", args=[invoice.number])),
        (as_customer, reverse("api:invoice_pay", args=[invoice.number])),
        (as_customer, reverse("api:receipt_pdf", args=[receipt.number])),
        (as_customer, reverse("api:request", args=[ref])),
        (as_customer, reverse("api:request_rating", args=[ref])),
        (as_staff, reverse("api:queue")),
        (as_staff, reverse("api:transitions", args=[ref])),
        (as_staff, reverse("api:transition", args=[ref, "record_payment"])),
    ]
    for client, url in routes:
        for method in ("put", "patch", "delete"):
            response = getattr(client, method)(url, {"amount": "1.00"}, format="json")
            assert response.status_code == 405, (method, url, response.status_code)
            assert response.json()["error"]["code"]
    assert Payment.objects.get(pk=records[Payment].pk).amount == invoice.total


def test_the_staff_pages_have_no_edit_or_delete_of_money_or_timelines():
    """Money moves only forward, by a new record through a service: a credit
    note cancels a receipt, a refund gives money back, a settlement line is
    resolved once (see payments.services)."""
    names = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                walk(p.url_patterns, prefix + str(p.pattern))
            else:
                names.append((prefix + str(p.pattern), p.name or ""))

    walk(get_resolver().url_patterns, "")
    for path, name in names:
        text = f"{path} {name}".lower()
        assert not any(w in text for w in ("edit", "delete", "remove", "void")), path


# The database -----------------------------------------------------------------------


def _refused(queryset_call):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset_call()


@postgresql_only
def test_the_database_refuses_any_edit_or_delete_of_the_transition_log(records):
    event = records[RequestEvent]
    rows = RequestEvent.objects.filter(pk=event.pk)
    _refused(lambda: rows.update(note="rewritten"))
    _refused(lambda: rows.update(created_at=event.created_at - timedelta(days=1)))
    _refused(lambda: rows.delete())
    _refused(lambda: _sql_delete(RequestEvent, event.pk))
    _refused(lambda: PersonalDataAccess.objects.all().update(reason="other"))
    _refused(lambda: PersonalDataAccess.objects.all().delete())
    assert RequestEvent.objects.get(pk=event.pk).note == event.note


@postgresql_only
@pytest.mark.parametrize(
    "model, changes",
    [
        (Payment, {"amount": Decimal("1.00")}),
        (Payment, {"received_at": timezone.now() - timedelta(days=3)}),
        (InvoiceLine, {"amount": Decimal("1.00"), "net": Decimal("1.00"),
                       "vat": Decimal("0.00")}),
        (Invoice, {"total": Decimal("1.00")}),
        (Invoice, {"number": "INV-FORGED"}),
        (Invoice, {"paid_at": timezone.now() - timedelta(days=3)}),
        (Receipt, {"total": Decimal("1.00")}),
        (Receipt, {"number": "RC-FORGED"}),
        (Receipt, {"issued_at": timezone.now() - timedelta(days=3)}),
        (Refund, {"amount": Decimal("1.00")}),
        (DepositSettlement, {"final_reading": Decimal("1.0")}),
        (Estimate, {"amount": Decimal("1.00")}),
        (ProviderEvent, {"amount": Decimal("1.00")}),
        (Settlement, {"content": b"forged"}),
        (SettlementRow, {"file_amount": Decimal("1.00")}),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else ",".join(v),
)  # fmt: skip
def test_the_database_refuses_to_change_a_money_fact(records, model, changes):
    obj = records[model]
    _refused(lambda: model.objects.filter(pk=obj.pk).update(**changes))


@postgresql_only
@pytest.mark.parametrize(
    "model", [Payment, Invoice, Receipt, Refund, DepositSettlement, Estimate,
              ProviderEvent, Settlement, InvoiceLine],
    ids=lambda m: m.__name__,
)  # fmt: skip
def test_the_database_refuses_to_delete_a_money_record(records, model):
    obj = records[model]
    _refused(lambda: model.objects.filter(pk=obj.pk).delete())
    # Below the ORM (whose PROTECT foreign keys refuse some of these already):
    # the table itself.
    _refused(lambda: _sql_delete(model, obj.pk))
    assert model.objects.filter(pk=obj.pk).exists()


def _sql_delete(model, pk):
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE id = %s', [pk])


@postgresql_only
def test_the_apps_own_updates_still_go_through(records, supervisor, counter):
    """Rendering the receipt, counting its downloads, approving and paying out
    a refund, then refusing to rewrite when or by whom it was paid."""
    from payments.receipts import receipt_for_download, receipt_render_one
    from payments.services import refund_approve, refund_record_paid_out

    receipt = records[Receipt]
    assert receipt_render_one(receipt_id=receipt.pk)
    receipt.refresh_from_db()
    assert receipt.pdf and receipt.rendered_at
    receipt_for_download(receipt)
    refund = refund_approve(refund=records[Refund], user=supervisor)
    refund = refund_record_paid_out(refund=refund, user=counter)
    assert (refund.status, refund.number is not None) == ("paid", True)
    rows = Refund.objects.filter(pk=refund.pk)
    _refused(lambda: rows.update(paid_at=timezone.now() + timedelta(days=1)))
    _refused(lambda: rows.update(number="RF-FORGED"))
    _refused(lambda: rows.update(approved_by=counter))
    Invoice.objects.filter(pk=records[Invoice].pk).update(pdf="invoices/x.pdf")


@postgresql_only
def test_a_settlement_line_is_deleted_only_while_unresolved(records, supervisor):
    row = records[SettlementRow]
    other = SettlementRow.objects.create(
        settlement=row.settlement, result=SettlementRow.Result.DUPLICATE, line_seq=2,
        ref1=row.ref1, file_amount=row.file_amount,
    )  # fmt: skip
    SettlementRow.objects.filter(pk=row.pk).delete()  # a re-run rebuilds it
    SettlementRow.objects.filter(pk=other.pk).update(
        resolution="refund", resolved_by=supervisor, resolved_at=timezone.now()
    )
    rows = SettlementRow.objects.filter(pk=other.pk)
    _refused(lambda: rows.update(resolution="posted"))
    _refused(lambda: rows.delete())


def test_the_triggers_are_installed_on_postgresql_only():
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            return
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name LIKE %s",
            ["%\\_immutable"],
        )
        tables = {row[0] for row in cursor.fetchall()}
    assert {
        "requests_app_requestevent", "payments_payment", "payments_invoice",
        "payments_invoiceline", "payments_receipt", "payments_refund",
        "payments_depositsettlement", "payments_estimate", "payments_providerevent",
        "payments_settlement", "payments_settlementrow", "core_personaldataaccess",
    } <= tables  # fmt: skip

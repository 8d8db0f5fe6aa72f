"""PostgreSQL refuses edits of the audit trail: the transition log whole, and
the amounts, references, parties and times of the money records (see
core/immutable.py for the rule and why each listed column is safe to freeze).
A no-op on SQLite."""

from django.db import migrations

from core.immutable import Rule, install, uninstall

# Field names. Not frozen, because the app updates them: Invoice.status and
# pdf; Receipt.pdf, pdf_copy, rendered_at, downloads; Refund.status and pdf;
# ProviderEvent.status and outcome; Settlement.bank, effective, status, error,
# total_lines, processed, counts.
RULES = {
    "requests_app.RequestEvent": Rule(),
    "payments.InvoiceLine": Rule(),
    "payments.Payment": Rule(),
    "core.PersonalDataAccess": Rule(),
    "payments.Invoice": Rule(
        frozen=("number", "request", "office", "customer", "total", "due_date",
                "created_by", "created_at"),
        once=("paid_at",),
    ),
    "payments.Receipt": Rule(
        frozen=("number", "kind", "office", "be_year", "seq", "payment", "invoice",
                "total", "net", "vat", "issued_at", "issued_by", "cancels",
                "reason"),
    ),
    "payments.Refund": Rule(
        frozen=("invoice", "request", "kind", "amount", "reason", "created_at"),
        once=("number", "approved_by", "approved_at", "paid_at", "paid_by"),
    ),
    "payments.DepositSettlement": Rule(
        frozen=("request", "final_reading", "meter_removed_at"),
        once=("deposit", "final_bill", "refund_amount", "method", "cheque_number",
              "paid_out_at", "paid_out_by"),
    ),
    "payments.Estimate": Rule(
        frozen=("request", "amount", "details", "created_by", "created_at"),
        once=("accepted", "decided_at"),
    ),
    "payments.ProviderEvent": Rule(
        frozen=("event_id", "kind", "transaction_id", "invoice_number", "amount",
                "currency", "payload", "received_at"),
        once=("processed_at",),
    ),
    "payments.Settlement": Rule(
        frozen=("filename", "content", "sha256", "uploaded_by", "uploaded_at"),
    ),
    # A report line: the bank's facts frozen, finance's resolution set once.
    # Unresolved lines may be deleted (a re-run of the matching rebuilds them);
    # resolved ones never.
    "payments.SettlementRow": Rule(
        frozen=("settlement", "result", "line_seq", "ref1", "ref2", "file_amount",
                "paid_at"),
        once=("payment", "resolution", "refund", "resolved_by", "resolved_at"),
        deletable_while="resolution",
    ),
}


def forwards(apps, schema_editor):
    install(apps, schema_editor, RULES)


def backwards(apps, schema_editor):
    uninstall(apps, schema_editor, RULES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_personal_data_access"),
        ("payments", "0016_refund_kind_voucher_settlement_resolution"),
        ("requests_app", "0026_backfill_province_region"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

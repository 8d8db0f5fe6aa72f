"""A refund's reason may now be the portal's own words as a key and
parameters (payments 0021, shown in the reader's language): they are frozen
with the reason, as core 0003 freezes it."""

from django.db import migrations

from core.immutable import Rule, install

ONCE = ("number", "approved_by", "approved_at", "paid_at", "paid_by")
BEFORE = {
    "payments.Refund": Rule(
        frozen=("invoice", "request", "kind", "amount", "reason", "created_at"),
        once=ONCE,
    )
}
AFTER = {
    "payments.Refund": Rule(
        frozen=("invoice", "request", "kind", "amount", "reason", "reason_key",
                "reason_params", "created_at"),
        once=ONCE,
    )
}  # fmt: skip


def forwards(apps, schema_editor):
    install(apps, schema_editor, AFTER)


def backwards(apps, schema_editor):
    install(apps, schema_editor, BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_document_downloads"),
        ("payments", "0021_refund_reason_key"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

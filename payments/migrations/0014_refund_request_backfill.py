from django.db import migrations


def load(apps, schema_editor):
    Refund = apps.get_model("payments", "Refund")
    for refund in Refund.objects.filter(request__isnull=True, invoice__isnull=False):
        refund.request_id = refund.invoice.request_id
        refund.save(update_fields=["request"])


class Migration(migrations.Migration):
    dependencies = [("payments", "0013_refund_request")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

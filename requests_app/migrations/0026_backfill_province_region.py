"""Copy each request's province and region from its office's ancestors (the
requests filed before the fields existed)."""

from django.db import migrations

SQL = """
UPDATE requests_app_servicerequest SET
  province_id = (SELECT b.parent_id FROM accounts_office b
                 WHERE b.id = requests_app_servicerequest.office_id
                   AND b.kind = 'branch'),
  region_id = (SELECT p.parent_id FROM accounts_office b
               JOIN accounts_office p ON p.id = b.parent_id
               WHERE b.id = requests_app_servicerequest.office_id
                 AND b.kind = 'branch')
WHERE province_id IS NULL
"""


def backfill(apps, schema_editor):
    schema_editor.execute(SQL)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0025_request_province_region")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from payments.models import Settlement
from payments.services import settlement_reconcile, settlement_upload


class Command(BaseCommand):
    help = "Import a bank settlement file (BOT bill payment, 256-char records) and reconcile it."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", default="admin", help="who imports it")

    def handle(self, *args, path, user, **options):
        data = Path(path).read_bytes()
        importer = User.objects.filter(username=user).first()
        if importer is None:
            raise CommandError(f"no user {user!r}")
        from django.core.exceptions import ValidationError

        try:
            with transaction.atomic():
                settlement = settlement_upload(
                    filename=Path(path).name, data=data, user=importer, schedule=False
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        counts = settlement_reconcile(settlement_id=settlement.pk)
        settlement.refresh_from_db()
        if settlement.status == Settlement.Status.FAILED:
            raise CommandError(settlement.error)
        self.stdout.write(f"{settlement.filename}: {settlement.total_lines} lines")
        for result, n in sorted(counts.items()):
            self.stdout.write(f"  {result}: {n}")

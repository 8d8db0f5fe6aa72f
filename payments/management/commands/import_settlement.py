from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from payments.models import Settlement
from payments.services import settlement_reconcile, settlement_upload


class Command(BaseCommand):
    help = (
        "Import a bank settlement file (BOT bill payment, 256-char records) and "
        "reconcile it, for the importer's office tree: a supervisor's office, or "
        "for an administrator the office given with --office (default: every "
        "office). Lines of invoices of other offices are left out of the report."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", default="admin", help="who imports it")
        parser.add_argument(
            "--office", default="", help="office code (administrators only)"
        )

    def handle(self, *args, path, user, office, **options):
        from django.core.exceptions import PermissionDenied, ValidationError

        from accounts.models import Office

        data = Path(path).read_bytes()
        importer = User.objects.filter(username=user).first()
        if importer is None:
            raise CommandError(f"no user {user!r}")
        tree = None
        if office:
            if importer.role != User.Role.ADMIN:
                raise CommandError("--office is for administrators")
            tree = Office.objects.filter(code=office).first()
            if tree is None:
                raise CommandError(f"no office {office!r}")
        try:
            with transaction.atomic():
                settlement = settlement_upload(
                    filename=Path(path).name,
                    data=data,
                    user=importer,
                    office=tree,
                    schedule=False,
                )
        except PermissionDenied as exc:
            raise CommandError(f"{user!r} may not import settlement files") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        counts = settlement_reconcile(settlement_id=settlement.pk)
        settlement.refresh_from_db()
        if settlement.status == Settlement.Status.FAILED:
            raise CommandError(settlement.error)
        self.stdout.write(f"{settlement.filename}: {settlement.total_lines} lines")
        if settlement.other_lines:
            self.stdout.write(f"  of other offices, left out: {settlement.other_lines}")
        for result, n in sorted(counts.items()):
            self.stdout.write(f"  {result}: {n}")

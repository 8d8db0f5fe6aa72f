from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from bills.importer import (
    CHUNK,
    billing_import_run,
    billing_import_upload,
    reason_text,
)
from bills.models import BillingImport


class Command(BaseCommand):
    help = (
        "Import export files of the billing system (accounts or bills, CSV, "
        "UTF-8 or TIS-620; docs/billing-import.md), in the order given: the "
        "accounts file before the bills that name them. Each file is read in "
        "chunks and upserted; bad lines are reported and the rest imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--chunk", type=int, default=CHUNK, help="lines per chunk")
        parser.add_argument(
            "--show", type=int, default=20, help="rejected lines to print per file"
        )
        parser.add_argument(
            "--async",
            dest="queue",
            action="store_true",
            help="copy each file to the private storage and queue it for the "
            "worker (as an upload does) instead of importing it here",
        )
        parser.add_argument(
            "--user", default="admin", help="the administrator who uploads (--async)"
        )

    def handle(self, *args, files, chunk, show, queue, user, **options):
        translation.activate("en")
        paths = [Path(f) for f in files]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
        if queue:
            return self._queue(paths, user)
        failed = 0
        for path in paths:
            bi = BillingImport.objects.create(
                filename=path.name[:200], size=path.stat().st_size
            )
            bi = billing_import_run(billing_import=bi, path=path, chunk=chunk)
            self.stdout.write(
                f"{path.name}: {bi.get_status_display().lower()}, "
                f"{bi.kind or '?'}, {bi.encoding or '?'}, {bi.lines} lines: "
                f"{bi.created} created, {bi.updated} updated, "
                f"{bi.unchanged} unchanged, {bi.rejected} rejected "
                f"(import {bi.pk})"
            )
            if bi.status == BillingImport.Status.FAILED:
                failed += 1
                self.stderr.write(f"  {reason_text(bi.error)}")
            for r in bi.rejections.all()[:show]:
                self.stdout.write(f"  line {r.line_no}: {reason_text(r.reason)}")
            if bi.rejected > show:
                self.stdout.write(f"  … and {bi.rejected - show} more rejected lines")
        if failed:
            raise CommandError(f"{failed} of {len(paths)} files could not be imported")

    def _queue(self, paths, username):
        from accounts.models import User

        admin = User.objects.filter(username=username, role=User.Role.ADMIN).first()
        if admin is None:
            raise CommandError(f"no administrator {username!r}")
        for path in paths:
            with path.open("rb") as f:
                upload = File(f, name=path.name)
                bi = billing_import_upload(upload=upload, user=admin)
            self.stdout.write(f"{path.name}: queued as import {bi.pk}")

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Sequence(models.Model):
    """A named counter for numbers people read: request references, CA numbers,
    invoice numbers. Taken with a row lock, so numbers never repeat and, inside
    a committed transaction, never skip."""

    key = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class PersonalDataAccess(models.Model):
    """One look at a customer's full identity number, or one download of a
    customer's document by staff (PDPA): who looked, at whose, when (stored
    in UTC), why or which document, and from which page. Written in the same
    request that shows the number or sends the file, before it does. Never edited or
    deleted: the admin is read-only and, on PostgreSQL, a trigger refuses
    UPDATE and DELETE (core/migrations/0003_immutable_records.py)."""

    class Kind(models.TextChoices):
        REVEAL = "reveal", _("Full ID number shown")
        DOWNLOAD = "download", _("Document downloaded")

    class Reason(models.TextChoices):
        IDENTITY = "identity", _("Identity check at the counter")
        DOCUMENTS = "documents", _("Checking documents against the ID")
        CONTRACT = "contract", _("Contract, deposit or refund paperwork")
        CORRECTION = "correction", _("Correcting the customer's details")

    accessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The staff member's office at the time: a supervisor sees the accesses
    # made by staff of the offices they supervise.
    office = models.ForeignKey(
        "accounts.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.REVEAL)
    # Which identifier was shown ("national_id" or "juristic_registration_no"),
    # or, for a download, "document".
    field = models.CharField(max_length=40)
    # A download: the document type's code (requests_app.DocumentType.code).
    document_type = models.CharField(max_length=40, blank=True)
    # Why, for a reveal (asked each time); a download is asked no reason.
    reason = models.CharField(max_length=12, choices=Reason.choices, blank=True)
    # Where from: the page and the request it was opened on.
    source = models.CharField(max_length=200)
    reference = models.CharField(max_length=20, blank=True)
    accessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accessed_at", "-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [
            # The supervisors' audit page: accesses by staff of an office,
            # newest first.
            models.Index(
                fields=["office", "-accessed_at", "-id"], name="pda_office_idx"
            ),
            # A data subject's request (PDPA s.30): who saw this customer's ID.
            models.Index(fields=["subject", "-accessed_at"], name="pda_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.accessed_by_id} → {self.subject_id} {self.field} {self.accessed_at:%Y-%m-%d %H:%M}"

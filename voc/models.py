"""The voice of the customer: complaints, suggestions and compliments (each a
request of the "complaint" service, so its clocks escalate like any other),
and the 1-5 rating a customer gives a closed request."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from core.language import localized


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLIMENT = "compliment", _("Compliment")


class Category(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    # Where feedback of this category goes in the office.
    department = models.CharField(max_length=12, choices=Department.choices)
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Voice(models.Model):
    """What the customer said, on its request."""

    request = models.OneToOneField(
        "requests_app.ServiceRequest", on_delete=models.CASCADE, related_name="voice"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    department = models.CharField(max_length=12, choices=Department.choices)
    subject = models.CharField(max_length=200)
    # The request it is about, if any (e.g. opened from a low rating).
    about = models.ForeignKey(
        "requests_app.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voices_about",
    )

    class Meta:
        indexes = [models.Index(fields=["department"], name="voice_department_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}"


class Rating(models.Model):
    """A customer's 1-5 rating of a closed request, kept with the office,
    service and staff member it rates (the one who closed it)."""

    request = models.OneToOneField(
        "requests_app.ServiceRequest", on_delete=models.CASCADE, related_name="rating"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "requests_app.ServiceType", on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings_received",
    )
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The complaint opened from this rating, if one was.
    complaint = models.OneToOneField(
        "requests_app.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_1_to_5"
            )
        ]
        indexes = [
            models.Index(fields=["office", "created_at"], name="rating_office_idx"),
            models.Index(fields=["score", "created_at"], name="rating_low_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.score}"

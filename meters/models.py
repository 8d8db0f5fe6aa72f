from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Office


class MeterSize(models.Model):
    """Reference data: meter ratings and the wiring standard (SPEC §3.1).

    Values the seed's OCR damaged are flagged `uncertain` and stay editable.
    """

    class Phase(models.TextChoices):
        SINGLE = "1", _("Single phase")
        THREE = "3", _("Three phase")

    code = models.CharField(max_length=16, unique=True)  # "5(15)-1"
    rating = models.CharField(max_length=12)  # "5(15)"
    phase = models.CharField(max_length=1, choices=Phase.choices)
    max_load_a = models.PositiveSmallIntegerField(null=True, blank=True)
    main_conductor_mm2 = models.CharField(max_length=16, blank=True)
    ground_conductor_mm2 = models.CharField(max_length=16, blank=True)
    main_breaker_a = models.PositiveSmallIntegerField(null=True, blank=True)
    uncertain = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """5(15) A 1φ for sizes; fee classes (CT, CT/VT) by their name alone."""
        if "(" not in self.rating:
            return self.rating
        return f"{self.rating} A {self.phase}φ"

    def wiring_standard(self) -> list["WiringItem"]:
        """The wiring standard for this size as the surveyor's checklist (SPEC
        §3.1): one item per value the reference data holds. The charter's
        table and the inspection form both read it, so a value corrected in
        the admin changes what is published and what is checked."""
        items = []
        if self.main_conductor_mm2:
            items.append(
                WiringItem(
                    "main_conductor",
                    _("Main conductor"),
                    f"{self.main_conductor_mm2}",
                    "mm²",
                )
            )
        if self.ground_conductor_mm2:
            items.append(
                WiringItem(
                    "ground_conductor",
                    _("Ground conductor"),
                    f"{self.ground_conductor_mm2}",
                    "mm²",
                )
            )
        if self.main_breaker_a:
            items.append(
                WiringItem(
                    "main_breaker", _("Main breaker"), f"{self.main_breaker_a}", "A"
                )
            )
        return items


class WiringItem(NamedTuple):
    """One line of the wiring checklist: what is checked and the standard."""

    code: str
    label: str
    value: str
    unit: str

    @property
    def standard(self) -> str:
        return f"{self.value} {self.unit}"


class Meter(models.Model):
    serial = models.CharField(max_length=32, unique=True)
    size = models.ForeignKey(MeterSize, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.serial


class Installation(models.Model):
    request = models.OneToOneField(
        "requests_app.ServiceRequest",
        on_delete=models.PROTECT,
        related_name="installation",
    )
    meter = models.OneToOneField(Meter, on_delete=models.PROTECT)
    first_reading = models.DecimalField(max_digits=10, decimal_places=1)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    installed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.meter} @ {self.request_id}"


class ElectricityAccount(models.Model):
    """A customer account (CA): created by the automatic Move-In, or imported
    from the billing system (customer database ECS / c-Service) and linked
    to a portal customer who proves it is theirs (bills.linking)."""

    class Source(models.TextChoices):
        PORTAL = "portal", _("Opened through the portal")
        BILLING = "billing", _("Imported from the billing system")

    ca_number = models.CharField(max_length=12, unique=True)
    # The portal customer the account is linked to; none for an imported
    # account nobody has linked yet.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    source = models.CharField(
        max_length=8, choices=Source.choices, default=Source.PORTAL
    )
    # The holder as the billing system knows them: the name, and the national
    # ID of a person or the registration number of a juristic person.
    holder_name = models.CharField(max_length=200, blank=True)
    holder_id = models.CharField(max_length=13, blank=True)
    tariff = models.CharField(max_length=12, blank=True)
    # The meter as the billing system knows it (an imported account has no
    # Meter row of the portal's own).
    meter_serial = models.CharField(max_length=32, blank=True)
    meter_size_code = models.CharField(max_length=16, blank=True)
    deposit_held = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    # What the linked customer calls it ("home", "shop"), and whether they
    # want an SMS and e-mail for its bills.
    nickname = models.CharField(max_length=40, blank=True)
    bill_notices = models.BooleanField(default=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    office = models.ForeignKey(Office, on_delete=models.PROTECT)
    request = models.OneToOneField(
        "requests_app.ServiceRequest",
        null=True,
        on_delete=models.PROTECT,
        related_name="electricity_account",
    )
    premises_address = models.TextField()
    meter = models.OneToOneField(Meter, null=True, on_delete=models.PROTECT)
    # The feeder the premises hang on: outage reports on one feeder are one
    # incident.
    feeder = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # "My accounts" for a customer.
            models.Index(
                fields=["customer", "created_at"], name="account_customer_idx"
            ),
            # The automatic link: unlinked accounts of a holder's national ID
            # or registration number.
            models.Index(
                fields=["holder_id"],
                name="account_holder_idx",
                condition=~models.Q(holder_id=""),
            ),
        ]

    def __str__(self) -> str:
        return self.ca_number


class Contract(models.Model):
    account = models.OneToOneField(
        ElectricityAccount, on_delete=models.PROTECT, related_name="contract"
    )
    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contracts"
    )
    deposit = models.DecimalField(max_digits=12, decimal_places=2)
    starts_on = models.DateField()

    def __str__(self) -> str:
        return self.number


class MeterTest(models.Model):
    """A meter accuracy test with a comparison meter (charter §3.6): installed
    and removed in front of the customer, who signs the test document."""

    class Result(models.TextChoices):
        NORMAL = "normal", _("Normal")
        FAULTY = "faulty", _("Faulty")

    request = models.OneToOneField(
        "requests_app.ServiceRequest",
        on_delete=models.PROTECT,
        related_name="meter_test",
    )
    comparison_serial = models.CharField(max_length=32)
    meter_start = models.DecimalField(max_digits=10, decimal_places=1)
    comparison_start = models.DecimalField(max_digits=10, decimal_places=1)
    installed_at = models.DateTimeField()
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    customer_signed_install = models.BooleanField()
    meter_end = models.DecimalField(max_digits=10, decimal_places=1, null=True)
    comparison_end = models.DecimalField(max_digits=10, decimal_places=1, null=True)
    removed_at = models.DateTimeField(null=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    customer_signed_removal = models.BooleanField(default=False)
    result = models.CharField(max_length=8, choices=Result.choices, blank=True)

    def __str__(self) -> str:
        return f"{self.request_id} {self.result or 'testing'}"

    @property
    def error_percent(self):
        """How far the customer's meter ran from the comparison meter, in %."""
        if self.meter_end is None or self.comparison_end is None:
            return None
        reference = self.comparison_end - self.comparison_start
        if reference <= 0:
            return None
        measured = self.meter_end - self.meter_start
        return ((measured - reference) / reference * 100).quantize(Decimal("0.01"))


class Disconnection(models.Model):
    """A disconnection as DMSx records it: the date and what was owed. The
    reconnection rules (charter §3.7) read the days since `disconnected_on`."""

    account = models.ForeignKey(
        ElectricityAccount, on_delete=models.PROTECT, related_name="disconnections"
    )
    disconnected_on = models.DateField()
    outstanding = models.DecimalField(max_digits=12, decimal_places=2)
    # The old deposit was set against the unpaid bills: a new one is due
    # when reconnecting after 30 days or more.
    deposit_offset = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reconnected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outstanding__gte=0), name="outstanding_not_negative"
            ),
            # One open disconnection per account at a time.
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(reconnected_at__isnull=True),
                name="one_open_disconnection",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} off since {self.disconnected_on}"


class CoverRental(models.Model):
    """Line-insulation covers rented for work near the lines (charter §3.13)."""

    request = models.OneToOneField(
        "requests_app.ServiceRequest",
        on_delete=models.PROTECT,
        related_name="cover_rental",
    )
    covers = models.PositiveSmallIntegerField()
    days = models.PositiveSmallIntegerField()
    line_length_m = models.PositiveIntegerField(null=True, blank=True)
    installed_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(covers__gte=1) & models.Q(days__gte=1),
                name="cover_rental_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.covers} × {self.days} d"


class MeterReplacement(models.Model):
    """Form มต.75: the removed and the new meter with their readings (§3.8),
    handed to the customer or left in the mailbox when nobody is home."""

    class Cause(models.TextChoices):
        NATURAL = "natural", _("Natural wear (free)")
        USER = "user", _("Caused by the user (charged)")

    request = models.OneToOneField(
        "requests_app.ServiceRequest",
        on_delete=models.PROTECT,
        related_name="replacement",
    )
    cause = models.CharField(max_length=8, choices=Cause.choices)
    cause_details = models.TextField(blank=True)
    old_serial = models.CharField(max_length=32, blank=True)
    old_reading = models.DecimalField(max_digits=10, decimal_places=1, null=True)
    new_meter = models.OneToOneField(
        Meter, null=True, on_delete=models.PROTECT, related_name="+"
    )
    new_reading = models.DecimalField(max_digits=10, decimal_places=1, null=True)
    replaced_at = models.DateTimeField(null=True)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    left_in_mailbox = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"มต.75 {self.request_id}"

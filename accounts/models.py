from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import (
    mask_national_id,
    mask_phone,
    mask_username,
    validate_juristic_registration,
    validate_national_id,
    validate_thai_mobile,
)
from core.language import localized


class Office(models.Model):
    """A PEA office: region → province office → branch (materialised path)."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        PROVINCE = "province", _("Province office")
        BRANCH = "branch", _("Branch")

    code = models.CharField(max_length=16, unique=True)
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "R1/P101/B10101/": lets "this office and everything under it" be one
    # indexed prefix query (supervisor scopes, roll-ups).
    path = models.CharField(max_length=255, db_index=True, editable=False)
    phone = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True)
    # Where the office is: a location-only outage report goes to the nearest
    # branch (no map service is needed for that).
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class Department(models.TextChoices):
    """The departments of an office that customers' complaints are routed to."""

    SERVICE = "service", _("Customer service")
    BILLING = "billing", _("Billing and finance")
    NETWORK = "network", _("Operations and maintenance")
    METERING = "metering", _("Metering")
    CONSTRUCTION = "construction", _("Construction and planning")


# The charter names a department head as each service's escalation owner
# ("contact the head of the meter department …"): the title a head goes by.
HEAD_TITLES = {
    Department.SERVICE: _("Head of customer service"),
    Department.BILLING: _("Head of accounting and billing"),
    Department.NETWORK: _("Head of operations and maintenance"),
    Department.METERING: _("Head of the meter department"),
    Department.CONSTRUCTION: _("Head of construction and planning"),
}

# The inactive system account that takes the steps a payment provider's
# callback causes (payments.services.online_payments_user): the timeline says
# "Paid online" for it, never a person.
ONLINE_PAYMENTS_USERNAME = "system-online-payments"


class User(AbstractUser):
    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        COUNTER = "counter", _("Counter staff")
        SURVEYOR = "surveyor", _("Surveyor")
        TECHNICIAN = "technician", _("Meter technician")
        SUPERVISOR = "supervisor", _("Supervisor")
        ADMIN = "admin", _("Administrator")

    class Language(models.TextChoices):
        TH = "th", "ไทย"
        EN = "en", "English"

    role = models.CharField(max_length=12, choices=Role.choices, default=Role.CUSTOMER)
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    phone = models.CharField(
        _("mobile number"), max_length=10, blank=True, validators=[validate_thai_mobile]
    )
    preferred_language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.TH
    )
    # Staff: the department of their office they work in (complaints routed).
    department = models.CharField(max_length=12, choices=Department.choices, blank=True)
    # Heads that department at their office: the escalation owner a breach of
    # the services the charter puts under that department is sent to.
    is_department_head = models.BooleanField(_("department head"), default=False)

    objects = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="customer")
                | models.Q(office__isnull=False)
                | models.Q(role="admin"),
                name="staff_has_office",
            ),
            models.CheckConstraint(
                condition=models.Q(is_department_head=False)
                | (models.Q(office__isnull=False) & ~models.Q(department="")),
                name="head_has_office_and_department",
            ),
        ]
        indexes = [
            # Counter search "find the customer by phone".
            models.Index(fields=["phone"], name="user_phone_idx"),
            # The SLA sweep: the heads of a department at a few offices (the
            # request's and those above it), among millions of customers.
            models.Index(
                fields=["department", "office"],
                name="user_department_head_idx",
                condition=models.Q(is_department_head=True),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_customer(self) -> bool:
        return self.role == self.Role.CUSTOMER

    @property
    def is_office_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_field_staff(self) -> bool:
        """Surveyors and technicians: no cash, refunds or walk-in filing."""
        return self.role in FIELD_ROLES

    @property
    def is_online_payments(self) -> bool:
        return self.username == ONLINE_PAYMENTS_USERNAME and not self.is_active

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def username_masked(self) -> str:
        """A customer's username is their mobile number: masked in lists."""
        return mask_username(self.username)


STAFF_ROLES = frozenset(
    {
        User.Role.COUNTER,
        User.Role.SURVEYOR,
        User.Role.TECHNICIAN,
        User.Role.SUPERVISOR,
        User.Role.ADMIN,
    }
)
FIELD_ROLES = frozenset({User.Role.SURVEYOR, User.Role.TECHNICIAN})


class OfficeContact(models.Model):
    """Whom a customer of this office contacts when PEA is late on a service
    of `department`: the department head's title and phone, printed on the
    charter page. Offices below without their own contact use the nearest
    office above that has one."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="contacts"
    )
    department = models.CharField(max_length=12, choices=Department.choices)
    # Blank: the charter's generic title ("Head of the meter department").
    title_th = models.CharField(max_length=200, blank=True)
    title_en = models.CharField(max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20)

    class Meta:
        ordering = ["office__path", "department"]
        verbose_name = _("escalation contact")
        verbose_name_plural = _("escalation contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "department"], name="office_contact_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id}:{self.department} {self.phone}"

    @property
    def title(self) -> str:
        return localized(self, "title") or str(HEAD_TITLES[self.department])


class CustomerProfile(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        JURISTIC = "juristic", _("Juristic person")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.INDIVIDUAL
    )
    national_id = models.CharField(
        max_length=13, blank=True, validators=[validate_national_id]
    )
    company_name = models.CharField(max_length=255, blank=True)
    juristic_registration_no = models.CharField(
        max_length=13, blank=True, validators=[validate_juristic_registration]
    )
    vat_number = models.CharField(max_length=13, blank=True)
    address = models.TextField(blank=True)
    # Staff saw the ID card (or the company's registration) and it is the
    # one above: only then does the profile's ID vouch for the customer, e.g.
    # to link the electricity accounts held in that ID without a bill's
    # detail (bills.linking). Self-declared at sign-up until then.
    id_verified_at = models.DateTimeField(_("ID card checked"), null=True, blank=True)
    id_verified_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="individual", national_id__regex=r"^[0-9]{13}$")
                    | models.Q(
                        kind="juristic", juristic_registration_no__regex=r"^[0-9]{13}$"
                    )
                ),
                name="profile_has_identifier",
            ),
            # One customer account per person: the checksummed national ID
            # of an individual (a juristic profile carries none).
            models.UniqueConstraint(
                fields=["national_id"],
                condition=models.Q(kind="individual"),
                name="profile_national_id_once",
            ),
        ]
        indexes = [
            # Counter look-up of a walk-in customer by ID card.
            models.Index(fields=["national_id"], name="profile_national_id_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.JURISTIC and self.company_name:
            return self.company_name
        return self.user.get_full_name() or self.user.username

    @property
    def national_id_masked(self) -> str:
        return mask_national_id(self.national_id)

    @property
    def juristic_registration_masked(self) -> str:
        return mask_national_id(self.juristic_registration_no)


class PasswordResetCode(models.Model):
    """A one-time code sent by SMS to reset a customer's password.

    A row is written for every request, also when no account has the number
    (`user` is then empty and nothing is sent): the hourly limits count rows,
    so they answer the same whether or not the number is known. Only an HMAC
    of the code is kept."""

    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="password_reset_codes",
    )
    phone = models.CharField(max_length=10)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Throttle: codes asked for this number in the last hour.
            models.Index(fields=["phone", "created_at"], name="reset_code_phone_idx"),
            # Throttle: codes asked from this address in the last hour.
            models.Index(fields=["ip_address", "created_at"], name="reset_code_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} {self.created_at:%Y-%m-%d %H:%M}"

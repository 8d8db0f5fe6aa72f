import secrets
from datetime import datetime, timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string

from accounts.models import CustomerProfile, PasswordResetCode, User


@transaction.atomic
def customer_create(*, data: dict, password: str | None) -> User:
    """A customer and their profile. `password=None` (counter walk-in) makes an
    account that cannot log in until the customer sets a password."""
    user = User(
        username=data["phone"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data.get("email", ""),
        phone=data["phone"],
        role=User.Role.CUSTOMER,
        preferred_language=data.get("preferred_language") or "th",
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    kind = data["kind"]
    CustomerProfile.objects.create(
        user=user,
        kind=kind,
        national_id=data.get("national_id", "") if kind == "individual" else "",
        company_name=data.get("company_name", "") if kind == "juristic" else "",
        juristic_registration_no=(
            data.get("juristic_registration_no", "") if kind == "juristic" else ""
        ),
        vat_number=data.get("vat_number", ""),
    )
    return user


# Password reset by SMS code ---------------------------------------------------------


class ResetThrottled(Exception):
    """Too many codes asked for this number or from this address."""

    def __init__(self, retry_at: datetime):
        self.retry_at = retry_at
        super().__init__(f"retry at {retry_at.isoformat()}")


class ResetCodeExpired(Exception):
    """The code is past its time, used, or has had all its tries."""


class ResetCodeWrong(Exception):
    def __init__(self, tries_left: int):
        self.tries_left = tries_left
        super().__init__(f"{tries_left} tries left")


def _code_hash(salt: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone cannot be searched
    # through the million possible codes.
    return salted_hmac(
        "accounts.PasswordResetCode", f"{salt}:{code}", algorithm="sha256"
    ).hexdigest()


def _throttle_retry_at(rows, now: datetime) -> datetime:
    oldest = rows.order_by("created_at").values_list("created_at", flat=True).first()
    return (oldest or now) + timedelta(hours=1)


@transaction.atomic
def password_reset_request(*, phone: str, ip_address: str | None) -> PasswordResetCode:
    """Ask for a code for `phone` (normalised). If an active customer has the
    number, a 6-digit code goes to it by SMS through the outbox; either way a
    row is written and the same happens for the caller, so the answer does not
    tell whether the number has an account. Raises ResetThrottled past
    PASSWORD_RESET_PER_PHONE_HOUR codes for the number or
    PASSWORD_RESET_PER_IP_HOUR from the address in the last hour."""
    now = timezone.now()
    recent = PasswordResetCode.objects.filter(created_at__gt=now - timedelta(hours=1))
    by_phone = recent.filter(phone=phone)
    if by_phone.count() >= settings.PASSWORD_RESET_PER_PHONE_HOUR:
        raise ResetThrottled(_throttle_retry_at(by_phone, now))
    if ip_address:
        by_ip = recent.filter(ip_address=ip_address)
        if by_ip.count() >= settings.PASSWORD_RESET_PER_IP_HOUR:
            raise ResetThrottled(_throttle_retry_at(by_ip, now))
    user = (
        User.objects.filter(phone=phone, role=User.Role.CUSTOMER, is_active=True)
        .order_by("pk")
        .first()
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    salt = secrets.token_hex(16)
    row = PasswordResetCode.objects.create(
        user=user,
        phone=phone,
        ip_address=ip_address,
        salt=salt,
        code_hash=_code_hash(salt, code),
        created_at=now,
        expires_at=now + timedelta(minutes=settings.PASSWORD_RESET_CODE_MINUTES),
    )
    if user is not None:
        from notifications.services import notification_enqueue_sms

        notification_enqueue_sms(
            phone=user.phone,
            language=user.preferred_language,
            event="password_reset_code",
            recipient=user,
            context={"minutes": settings.PASSWORD_RESET_CODE_MINUTES},
            secret=code,
            secret_until=row.expires_at,
        )
    return row


def password_reset_verify(*, reset_id: int, code: str) -> PasswordResetCode:
    """Check a code typed by the customer. Each call spends one of the
    code's PASSWORD_RESET_CODE_TRIES tries (committed before a wrong code is
    reported); a code for a number with no account never matches."""
    tries = settings.PASSWORD_RESET_CODE_TRIES
    with transaction.atomic():
        now = timezone.now()
        row = PasswordResetCode.objects.select_for_update().filter(pk=reset_id).first()
        if (
            row is None
            or row.used_at is not None
            or row.expires_at <= now
            or row.attempts >= tries
        ):
            row = None
        else:
            row.attempts += 1
            matches = constant_time_compare(_code_hash(row.salt, code), row.code_hash)
            if matches and row.user_id is not None:
                row.verified_at = now
            row.save(update_fields=["attempts", "verified_at"])
    if row is None:
        raise ResetCodeExpired()
    if row.verified_at is None:
        raise ResetCodeWrong(tries_left=tries - row.attempts)
    return row


def _verified(reset_id: int):
    since = timezone.now() - timedelta(minutes=settings.PASSWORD_RESET_CODE_MINUTES)
    return PasswordResetCode.objects.filter(
        pk=reset_id, user__isnull=False, used_at=None, verified_at__gt=since
    )


def password_reset_verified(*, reset_id: int) -> PasswordResetCode | None:
    """The verified, unused code the customer may now choose a password with
    (for PASSWORD_RESET_CODE_MINUTES after it was verified), or None."""
    return _verified(reset_id).select_related("user").first()


@transaction.atomic
def password_reset_complete(*, reset_id: int, password: str) -> User:
    """Set the new password. Every other session of the user ends (Django
    checks the password hash a session was opened with on each request),
    every API token is revoked, every other code is spent, and the login
    lockouts of the username are lifted: the customer proved they hold the
    phone. The tokens are revoked by settings.CREDENTIALS_CHANGED_HOOKS, in
    this transaction."""
    now = timezone.now()
    row = _verified(reset_id).select_for_update().first()
    if row is None:
        raise ResetCodeExpired()
    user = User.objects.get(pk=row.user_id)
    user.set_password(password)
    user.save(update_fields=["password"])
    PasswordResetCode.objects.filter(user=user, used_at=None).update(used_at=now)
    for hook in settings.CREDENTIALS_CHANGED_HOOKS:
        import_string(hook)(user=user, at=now)
    axes_reset(username=user.get_username())
    return user


def profile_id_verify(*, profile: CustomerProfile, staff: User) -> bool:
    """Staff saw the customer's ID card (or company registration) and it is
    the profile's: from now on the profile's ID vouches for them. True when
    this marked it (it may have been checked before)."""
    updated = CustomerProfile.objects.filter(
        pk=profile.pk, id_verified_at__isnull=True
    ).update(id_verified_at=timezone.now(), id_verified_by=staff)
    profile.refresh_from_db(fields=["id_verified_at", "id_verified_by"])
    return bool(updated)

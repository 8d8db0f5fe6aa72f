from django.db import transaction

from accounts.models import CustomerProfile, User


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

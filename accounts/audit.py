"""Who saw a customer's full identity number (PDPA).

Pages show national IDs and juristic registration numbers masked
(accounts.validators.mask_national_id). Staff whose work needs the full number
ask for it with a reason; `identity_reveal` writes the audit record in the same
transaction that reads the number, so no number is shown without its record.
Staff downloads of customers' documents are recorded beside them
(`document_download_record`). Supervisors read the records of the offices
they supervise."""

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import CustomerProfile, User
from core.models import PersonalDataAccess

# Counter work needs the number (identity checks, contracts, refunds); field
# staff never do. Admins act for every office.
REVEAL_ROLES = frozenset({User.Role.COUNTER, User.Role.SUPERVISOR, User.Role.ADMIN})
AUDIT_ROLES = frozenset({User.Role.SUPERVISOR, User.Role.ADMIN})


def may_reveal_identity(user) -> bool:
    return bool(user.is_authenticated and user.role in REVEAL_ROLES)


def may_read_audit(user) -> bool:
    return bool(user.is_authenticated and user.role in AUDIT_ROLES)


def identity_field(profile: CustomerProfile) -> str:
    """The identifier a profile is known by."""
    if profile.kind == CustomerProfile.Kind.JURISTIC:
        return "juristic_registration_no"
    return "national_id"


def identity_reveal(
    *,
    user: User,
    profile: CustomerProfile,
    reason: str,
    source: str,
    reference: str = "",
) -> tuple[str, PersonalDataAccess]:
    """The full identifier of `profile` for `user`, and the audit record of
    that look. The caller has checked that `user` may see the customer (the
    request selector) and has a role in REVEAL_ROLES."""
    if not may_reveal_identity(user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if reason not in PersonalDataAccess.Reason.values:
        from django.core.exceptions import ValidationError

        raise ValidationError({"reason": "unknown reason"})
    field = identity_field(profile)
    with transaction.atomic():
        record = PersonalDataAccess.objects.create(
            accessed_by=user,
            office_id=user.office_id,
            subject_id=profile.user_id,
            field=field,
            reason=reason,
            source=source[:200],
            reference=reference[:20],
        )
    return getattr(profile, field), record


def document_download_record(
    *,
    user: User,
    subject_id: int,
    document_type: str,
    source: str,
    reference: str = "",
) -> PersonalDataAccess:
    """The audit record of staff downloading a customer's document (any
    kind: an ID card scan, a house registration, a deed, a map), written
    before the file is sent. The caller has checked that `user` may have
    the file (requests_app.selectors.document_get_for_user). A customer's
    own downloads are not recorded: PDPA asks who else saw their data, and
    the subject's own look at what they sent tells nobody anything."""
    return PersonalDataAccess.objects.create(
        accessed_by=user,
        office_id=user.office_id,
        subject_id=subject_id,
        kind=PersonalDataAccess.Kind.DOWNLOAD,
        field="document",
        document_type=document_type[:40],
        source=source[:200],
        reference=reference[:20],
    )


def accesses_for_user(user: User) -> QuerySet:
    """The audit records a supervisor may read: accesses by staff of their
    office and the offices below it (pda_office_idx); an admin reads all."""
    qs = PersonalDataAccess.objects.select_related(
        "accessed_by", "subject__profile", "office"
    ).order_by("-accessed_at", "-id")
    if user.role == User.Role.ADMIN:
        return qs
    if user.role != User.Role.SUPERVISOR or user.office_id is None:
        return qs.none()
    return qs.filter(office__path__startswith=user.office.path)

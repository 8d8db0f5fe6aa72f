"""Which offices a member of staff acts for: the rule, and the same rule as a
query. Used by every app that checks an office (requests, payments, meters,
outages, voice of the customer), so it lives with the roles and offices."""

from django.db.models import Q

from accounts.models import User


def covers_office(user, office) -> bool:
    """Staff act on their own office; supervisors also on the offices below it."""
    if not user.is_authenticated:
        return False
    if user.role == User.Role.ADMIN:
        return True
    if user.office_id is None:
        return False
    if user.office_id == office.pk:
        return True
    return user.role == User.Role.SUPERVISOR and office.path.startswith(
        user.office.path
    )


def offices_covered(user, offices):
    """`offices` narrowed to those `user` acts for (covers_office as a query):
    their own office, and for a supervisor the offices below it."""
    if user.role == User.Role.ADMIN:
        return offices
    if user.office_id is None:
        return offices.none()
    if user.role == User.Role.SUPERVISOR:
        return offices.filter(path__startswith=user.office.path)
    return offices.filter(pk=user.office_id)


def office_scope_q(user: User, prefix: str = "office__") -> Q:
    """Requests of the user's office; a supervisor's also covers offices below."""
    if user.role == User.Role.ADMIN:
        return Q()
    if user.office_id is None:
        return Q(pk__in=[])
    if user.role == User.Role.SUPERVISOR:
        return Q(**{f"{prefix}path__startswith": user.office.path})
    return Q(**{f"{prefix}id": user.office_id})

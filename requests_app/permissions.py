"""Who may act on a request. Used as django-fsm `permission=` callables and by
selectors, so the rule is written once."""

from accounts.models import User
from accounts.offices import covers_office

COUNTER_ROLES = {User.Role.COUNTER, User.Role.SUPERVISOR}
SURVEY_ROLES = {User.Role.COUNTER, User.Role.SURVEYOR, User.Role.SUPERVISOR}
INSTALL_ROLES = {User.Role.COUNTER, User.Role.TECHNICIAN, User.Role.SUPERVISOR}
ANY_STAFF = COUNTER_ROLES | SURVEY_ROLES | INSTALL_ROLES


def may_file_at_counter(user) -> bool:
    """Creating a customer and filing a walk-in is counter work: counter
    staff and supervisors (COUNTER_ROLES, as for every counter step) and
    admins; never field staff."""
    return user.is_authenticated and (
        user.role == User.Role.ADMIN or user.role in COUNTER_ROLES
    )


def staff_may(roles):
    def check(request, user) -> bool:
        if user.role == User.Role.ADMIN:
            return True
        return user.role in roles and covers_office(user, request.office)

    return check


def is_applicant(request, user) -> bool:
    return user.is_authenticated and request.applicant_id == user.pk


def applicant_or_counter(request, user) -> bool:
    return is_applicant(request, user) or staff_may(COUNTER_ROLES)(request, user)

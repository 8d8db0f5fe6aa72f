"""Who may act on a request. Used as django-fsm `permission=` callables and by
selectors, so the rule is written once."""

from accounts.models import User

COUNTER_ROLES = {User.Role.COUNTER, User.Role.SUPERVISOR}
SURVEY_ROLES = {User.Role.COUNTER, User.Role.SURVEYOR, User.Role.SUPERVISOR}
INSTALL_ROLES = {User.Role.COUNTER, User.Role.TECHNICIAN, User.Role.SUPERVISOR}
ANY_STAFF = COUNTER_ROLES | SURVEY_ROLES | INSTALL_ROLES


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


def may_file_at_counter(user) -> bool:
    """Creating a customer and filing a walk-in is counter work: counter
    staff and supervisors (COUNTER_ROLES, as for every counter step) and
    admins; never field staff."""
    return user.is_authenticated and (
        user.role == User.Role.ADMIN or user.role in COUNTER_ROLES
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

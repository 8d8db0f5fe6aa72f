"""Reads about offices and the people who answer for them: the escalation
owner of a department (the SLA sweep) and the contact a customer is given for
it (the charter page). Both look at the office itself first, then up the tree:
a branch without its own head or contact uses the nearest office above."""

from __future__ import annotations

from accounts.models import Office, OfficeContact, User


def office_path_prefixes(office: Office) -> list[str]:
    """The office and every office above it, as the paths they carry:
    "R1/P11/B111/" gives ["R1/", "R1/P11/", "R1/P11/B111/"]."""
    path = office.path
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]


def _nearest(rows, path_of) -> list:
    """The rows of the deepest office among them (the nearest to the request)."""
    if not rows:
        return []
    depth = max(len(path_of(r)) for r in rows)
    return [r for r in rows if len(path_of(r)) == depth]


def department_heads(*, office: Office, department: str) -> list[User]:
    """The active heads of `department` at `office`, or at the nearest office
    above it that has one; empty when no office up the tree has one."""
    if not department:
        return []
    # Served by user_department_head_idx.
    heads = list(
        User.objects.filter(
            is_department_head=True,
            is_active=True,
            department=department,
            office__path__in=office_path_prefixes(office),
        )
        .select_related("office")
        .order_by("pk")
    )
    return _nearest(heads, lambda u: u.office.path)


def escalation_contact(*, office: Office, department: str) -> OfficeContact | None:
    """The contact for `department` of `office`, or of the nearest office above
    it that publishes one."""
    if not department:
        return None
    contacts = list(
        OfficeContact.objects.filter(
            department=department, office__path__in=office_path_prefixes(office)
        ).select_related("office")
    )
    nearest = _nearest(contacts, lambda c: c.office.path)
    return nearest[0] if nearest else None


def office_for_customer_pick(code: str) -> Office | None:
    """An active office by the code a customer picked (charter pages), or None
    for a code that names none."""
    code = (code or "").strip()
    if not code:
        return None
    return Office.objects.filter(code=code, is_active=True).first()


def offices_to_pick() -> list[Office]:
    """The offices a customer may pick as theirs: province offices and
    branches, in tree order (regions serve no customers at a counter)."""
    return list(
        Office.objects.filter(is_active=True)
        .exclude(kind=Office.Kind.REGION)
        .order_by("path")
    )

"""Linking the electricity accounts customers already have (issue 19).

A customer links an account by its CA number. It is linked at once when the
account's holder ID (from the billing system) is the national ID on the
customer's profile, or for a juristic customer its registration number;
otherwise the customer proves it with a detail printed on a recent bill: the
amount of one of the account's last three bills, or the meter number.

Every refusal of a proof gives the same answer (`LinkRefused`), whether the CA
number is unknown, the proof wrong, or the account someone else's: the answer
never tells which, so it cannot be used to find accounts or to guess their
details one at a time. Each refusal is a `LinkAttempt(succeeded=False)`; after
LINK_FAILURE_LIMIT of them in a row, within LINK_FAILURE_WINDOW_MINUTES, the
customer may not try again for LINK_COOLOFF_MINUTES (`LinkLockedOut`, which
says until when), like the login lockout (accounts.security). Tries while
locked out are not recorded: they neither count nor extend it.

Counter staff link an account for a walk-in customer who shows their ID card:
the ID shown must be the account's holder's. Staff of any PEA office may (a
customer may walk into any office), and are not locked out (they see the
card; each try is in the security log).

Every link, unlink and refusal is a line of the security log (pea.security).
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import CustomerProfile, User
from accounts.services import profile_id_verify
from bills.models import Bill, LinkAttempt
from core.dates import format_date
from core.errors import ServiceError
from core.phones import normalize_digits
from core.security_log import security_event
from meters.models import ElectricityAccount
from meters.selectors import account_meter_serial
from requests_app.models import FINAL_STATES
from requests_app.permissions import COUNTER_ROLES

# How many of the newest bills (by period) a bill amount may come from.
PROOF_BILLS = 3


class LinkRefused(ServiceError):
    """The one answer to an unknown CA number, a wrong proof and someone
    else's account."""

    default_message = gettext_lazy(
        "We could not link this account with these details. Check the CA "
        "number and the detail from your bill, and try again. If the account "
        "is yours and it still does not link, bring your ID card to any PEA "
        "office."
    )


class ProofNeeded(ServiceError):
    """No proof was given and the account did not link by the profile's ID:
    said the same whether the CA number exists or not."""

    default_message = gettext_lazy(
        "To link this account, enter the amount of one of its last three "
        "bills or the meter number printed on the bill."
    )


class AlreadyYours(ServiceError):
    default_message = gettext_lazy("This account is already in your accounts.")


class LinkLockedOut(ServiceError):
    def __init__(self, until: datetime):
        self.until = until
        super().__init__(
            _(
                "Too many tries with details that did not match. To protect "
                "the accounts, linking is paused: try again after %(time)s."
            )
            % {"time": format_date(until, with_time=True)}
        )


@dataclass(frozen=True)
class LinkProof:
    """What the customer read off a bill: its amount and/or the meter
    number. Every detail given must match."""

    bill_amount: Decimal | None = None
    meter_number: str = ""

    def __bool__(self) -> bool:
        return self.bill_amount is not None or bool(self.meter_number.strip())


def normalize_ca(value: str) -> str:
    """A CA number as people type it (spaces, dashes) → its digits."""
    return normalize_digits(value or "").strip()


def _normalize_serial(value: str) -> str:
    return re.sub(r"[\s\-]", "", value or "").upper()


def _safe_ca(value: str) -> str:
    """What of a typed CA number goes into the log and LinkAttempt: digits."""
    return re.sub(r"\D", "", value or "")[:20]


# The lockout ----------------------------------------------------------------------


def link_locked_until(user: User, *, now: datetime | None = None) -> datetime | None:
    """When the user's lockout ends, or None when they may try.

    Locked out: the user's last LINK_FAILURE_LIMIT tries all failed, the
    first of them at most LINK_FAILURE_WINDOW_MINUTES before the last, and
    the last less than LINK_COOLOFF_MINUTES ago. A success ends the run."""
    now = now or timezone.now()
    limit = settings.LINK_FAILURE_LIMIT
    if limit <= 0:
        return None
    # Served by link_attempt_user_idx (user, at).
    recent = list(
        LinkAttempt.objects.filter(user=user)
        .order_by("-at")
        .values_list("succeeded", "at")[:limit]
    )
    if len(recent) < limit or any(ok for ok, _at in recent):
        return None
    last, first = recent[0][1], recent[-1][1]
    if last - first > timedelta(minutes=settings.LINK_FAILURE_WINDOW_MINUTES):
        return None
    until = last + timedelta(minutes=settings.LINK_COOLOFF_MINUTES)
    return until if until > now else None


# Proofs ---------------------------------------------------------------------------


def profile_identifier(user: User, *, verified: bool = True) -> str:
    """The ID the customer's profile vouches for: the national ID of an
    individual, the registration number of a juristic person; with
    `verified` (the default), only once staff checked the ID card (an ID
    typed at sign-up proves nothing: anyone may know someone's number)."""
    profile = getattr(user, "profile", None)
    if profile is None or (verified and profile.id_verified_at is None):
        return ""
    if profile.kind == CustomerProfile.Kind.JURISTIC:
        return profile.juristic_registration_no or ""
    return profile.national_id or ""


def _holder_matches(account: ElectricityAccount, identifier: str) -> bool:
    return (
        bool(account.holder_id)
        and bool(identifier)
        and (normalize_digits(account.holder_id) == normalize_digits(identifier))
    )


def _proof_matches(account: ElectricityAccount, proof: LinkProof) -> bool:
    """Every detail given matches: the amount is one of the last three
    bills' totals, the meter number is the account's meter's."""
    if not proof:
        return False
    if proof.bill_amount is not None:
        try:
            amount = Decimal(proof.bill_amount).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            return False
        # Served by bill_one_per_account_period.
        totals = Bill.objects.filter(account=account).order_by("-period")
        if amount not in set(totals.values_list("total", flat=True)[:PROOF_BILLS]):
            return False
    if proof.meter_number.strip():
        serial = _normalize_serial(account_meter_serial(account))
        if not serial or _normalize_serial(proof.meter_number) != serial:
            return False
    return True


# Services -------------------------------------------------------------------------


def _link(account: ElectricityAccount, *, customer: User, nickname: str) -> None:
    account.customer = customer
    account.linked_at = timezone.now()
    account.nickname = (nickname or "").strip()[:40]
    account.save(update_fields=["customer", "linked_at", "nickname"])


def _account_for_update(ca_number: str) -> ElectricityAccount | None:
    if not ca_number:
        return None
    return (
        ElectricityAccount.objects.select_for_update(of=("self",))
        .filter(ca_number=ca_number)
        .first()
    )


def account_link(
    *,
    user: User,
    ca_number: str,
    proof: LinkProof | None = None,
    nickname: str = "",
) -> ElectricityAccount:
    """Link the account `ca_number` names to the customer `user`.

    Raises LinkLockedOut, AlreadyYours, ProofNeeded (no proof, and the
    profile's ID is not the holder's: nothing recorded) or LinkRefused (a
    failure, recorded and counted towards the lockout)."""
    if not user.is_authenticated or user.is_office_staff:
        raise PermissionDenied
    proof = proof or LinkProof()
    ca = normalize_ca(ca_number)
    with transaction.atomic():
        # One customer's tries one at a time, so parallel tries cannot slip
        # past the lockout.
        User.objects.select_for_update().filter(pk=user.pk).first()
        until = link_locked_until(user)
        if until is not None:
            security_event("account_link_locked_out", user=user, reason=_safe_ca(ca))
            raise LinkLockedOut(until)
        account = _account_for_update(ca)
        if account is not None and account.customer_id == user.pk:
            raise AlreadyYours
        free = account is not None and account.customer_id is None
        if free and _holder_matches(account, profile_identifier(user)):
            _link(account, customer=user, nickname=nickname)
            LinkAttempt.objects.create(user=user, ca_number=ca[:20], succeeded=True)
            security_event(
                "account_linked", user=user, reason=f"id_{ca}", level=logging.INFO
            )
            return account
        if not proof:
            raise ProofNeeded
        if free and _proof_matches(account, proof):
            _link(account, customer=user, nickname=nickname)
            LinkAttempt.objects.create(user=user, ca_number=ca[:20], succeeded=True)
            security_event(
                "account_linked", user=user, reason=f"proof_{ca}", level=logging.INFO
            )
            return account
        LinkAttempt.objects.create(user=user, ca_number=_safe_ca(ca), succeeded=False)
    security_event("account_link_failure", user=user, reason=_safe_ca(ca))
    raise LinkRefused


def may_link_at_counter(user) -> bool:
    """Counter staff and supervisors of any office, and admins."""
    return bool(
        user.is_authenticated
        and (user.role == User.Role.ADMIN or user.role in COUNTER_ROLES)
    )


def account_link_for_walk_in(
    *, staff: User, ca_number: str, customer: User, id_shown: str
) -> ElectricityAccount:
    """Counter staff (of any office) link an account for a customer who
    showed their ID card: the ID must be the account's holder's. The answer
    to an unknown CA, a wrong ID and someone else's account is the same."""
    if not may_link_at_counter(staff):
        raise PermissionDenied
    if customer is None or customer.role != User.Role.CUSTOMER:
        raise ValidationError({"phone": _("No customer with this phone number.")})
    ca = normalize_ca(ca_number)
    with transaction.atomic():
        account = _account_for_update(ca)
        if account is not None and account.customer_id == customer.pk:
            raise ServiceError(_("This account is already the customer's."))
        if (
            account is not None
            and account.customer_id is None
            and _holder_matches(account, normalize_digits(id_shown))
        ):
            _link(account, customer=customer, nickname="")
            if _holder_matches(account, profile_identifier(customer, verified=False)):
                # The card shown is the profile's too: it vouches from now on.
                profile_id_verify(profile=customer.profile, staff=staff)
            security_event(
                "account_linked_at_counter",
                user=staff,
                reason=f"{ca}_for_user_{customer.pk}",
                level=logging.INFO,
            )
            return account
    security_event("account_link_at_counter_refused", user=staff, reason=_safe_ca(ca))
    raise ServiceError(
        _(
            "The account could not be linked: the CA number is not on file, "
            "the ID card is not the account holder's, or the account is "
            "already linked to another customer. Check the CA number and the "
            "ID card."
        )
    )


def account_update(
    *,
    user: User,
    account: ElectricityAccount,
    nickname: str | None = None,
    bill_notices: bool | None = None,
) -> ElectricityAccount:
    """Rename one's account and/or turn its bill notices on or off."""
    if account.customer_id != user.pk:
        raise PermissionDenied
    fields = []
    if nickname is not None:
        account.nickname = nickname.strip()[:40]
        fields.append("nickname")
    if bill_notices is not None:
        account.bill_notices = bool(bill_notices)
        fields.append("bill_notices")
    if fields:
        with transaction.atomic():
            account.save(update_fields=fields)
    return account


def account_rename(*, user: User, account: ElectricityAccount, nickname: str):
    return account_update(user=user, account=account, nickname=nickname)


def account_notices_set(*, user: User, account: ElectricityAccount, on: bool):
    return account_update(user=user, account=account, bill_notices=on)


def account_open_requests(account: ElectricityAccount):
    """The customer's requests about the account still in progress."""
    return account.service_requests.exclude(state__in=FINAL_STATES)


class UnlinkRefused(ServiceError):
    default_message = gettext_lazy(
        "This account has a request in progress. You can remove it from your "
        "accounts once the request is finished or cancelled."
    )


def account_unlink(*, user: User, account: ElectricityAccount) -> None:
    """Remove the account from the customer's accounts (it stays in the
    billing system, and can be linked again with a proof).

    Refused while one of its requests is in progress: the request (a meter
    test, a reconnection, a deposit refund) acts on the account for the
    customer who filed it — its fees, visits and refunds would be left with
    an account that is no longer theirs."""
    if account.customer_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        account = ElectricityAccount.objects.select_for_update(of=("self",)).get(
            pk=account.pk
        )
        if account.customer_id != user.pk:
            raise PermissionDenied
        if account_open_requests(account).exists():
            raise UnlinkRefused
        account.customer = None
        account.linked_at = None
        account.nickname = ""
        account.bill_notices = True
        account.save(
            update_fields=["customer", "linked_at", "nickname", "bill_notices"]
        )
    security_event(
        "account_unlinked", user=user, reason=account.ca_number, level=logging.INFO
    )

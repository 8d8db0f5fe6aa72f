"""Reads for paying bills: what a customer may pick, and what a counter sees
of any account (cash is taken at any PEA counter, whatever the account's
office)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from bills.models import Bill
from bills.selectors import bills_unpaid_of_customer
from meters.models import ElectricityAccount

# The most unpaid bills the pay page lists at once (oldest due first).
PAY_PAGE_BILLS = 48


def bills_payable_by_customer(user) -> QuerySet:
    """The customer's unpaid bills across their linked accounts, oldest due
    first (bills.selectors.bills_unpaid_of_customer)."""
    return bills_unpaid_of_customer(user)


def may_take_bill_cash(user) -> bool:
    from requests_app.permissions import COUNTER_ROLES

    return (
        user.is_authenticated
        and user.role in COUNTER_ROLES
        and user.office_id is not None
    )


def account_get_for_counter(user, ca_number: str) -> ElectricityAccount:
    """Any PEA account by its CA number, for counter staff of any office
    (PermissionDenied for anyone else, 404 for no such CA)."""
    if not may_take_bill_cash(user):
        raise PermissionDenied(_("Only counter staff of an office take cash."))
    account = (
        # Served by the unique index on ca_number.
        ElectricityAccount.objects.select_related("office", "customer")
        .filter(ca_number=ca_number.strip())
        .first()
    )
    if account is None:
        raise Http404
    return account


def bills_unpaid_of_account(account) -> QuerySet:
    """An account's unpaid bills, oldest due first (bill_one_per_account_period)."""
    return Bill.objects.filter(account=account, status=Bill.Status.UNPAID).order_by(
        "due_date", "number"
    )

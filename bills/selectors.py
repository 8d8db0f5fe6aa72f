"""Reads of accounts and bills, with who may see them: a customer sees the
accounts linked to them and those accounts' bills; anyone else's is a 404."""

from django.db.models import QuerySet
from django.http import Http404

from bills.models import Bill
from meters.models import ElectricityAccount


def account_get_for_customer(user, ca_number: str) -> ElectricityAccount:
    """One of the customer's linked accounts by its CA number, or 404."""
    try:
        # Served by the unique index on ca_number.
        return ElectricityAccount.objects.select_related("office").get(
            ca_number=ca_number, customer=user, customer__isnull=False
        )
    except ElectricityAccount.DoesNotExist:
        raise Http404 from None


def bills_of_customer(user) -> QuerySet:
    """Every bill of the customer's linked accounts, newest period first."""
    return (
        Bill.objects.filter(account__customer=user, account__customer__isnull=False)
        .select_related("account")
        .order_by("-period", "account__ca_number")
    )


def bills_unpaid_of_customer(user) -> QuerySet:
    """The customer's bills still to pay, oldest due first."""
    return (
        bills_of_customer(user)
        .filter(status=Bill.Status.UNPAID)
        .order_by("due_date", "account__ca_number")
    )


def bill_get_for_customer(user, number: str) -> Bill:
    """A bill of one of the customer's linked accounts by its number, or 404."""
    try:
        return bills_of_customer(user).get(number=number)
    except Bill.DoesNotExist:
        raise Http404 from None

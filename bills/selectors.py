"""Reads of accounts and bills, with who may see them: a customer sees the
accounts linked to them and those accounts' bills; anyone else's is a 404."""

from datetime import date

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from bills.models import Bill
from core.phones import normalize_mobile
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


def accounts_with_current_bill(user) -> QuerySet:
    """The customer's linked accounts (for "My accounts"), each with the id
    of its newest bill (`current_bill_id`) and how many of its bills are
    unpaid (`unpaid_count`); `attach_current_bills` fetches the bills in one
    more query, whatever the number of accounts."""
    newest = Bill.objects.filter(account=OuterRef("pk")).order_by("-period")
    unpaid = (
        Bill.objects.filter(account=OuterRef("pk"), status=Bill.Status.UNPAID)
        .order_by()
        .values("account")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Served by account_customer_idx; the subqueries by bill_one_per_account_period.
    return (
        ElectricityAccount.objects.filter(customer=user, customer__isnull=False)
        .select_related("office")
        .annotate(
            current_bill_id=Subquery(newest.values("pk")[:1]),
            unpaid_count=Coalesce(Subquery(unpaid), 0),
        )
        .order_by("linked_at", "created_at", "pk")
    )


def attach_current_bills(accounts) -> list:
    """Set `current_bill` on each account of a page (one query)."""
    accounts = list(accounts)
    ids = [a.current_bill_id for a in accounts if a.current_bill_id]
    bills = Bill.objects.in_bulk(ids) if ids else {}
    for a in accounts:
        a.current_bill = bills.get(a.current_bill_id)
    return accounts


def customer_by_phone(phone: str):
    """The customer who logs in with this mobile number (counter look-up),
    or None."""
    phone = normalize_mobile(phone or "")
    if not phone:
        return None
    # Served by user_phone_idx.
    return (
        User.objects.filter(role=User.Role.CUSTOMER, phone=phone, is_active=True)
        .select_related("profile")
        .first()
    )


def bills_of_account(account) -> QuerySet:
    """An account's bills, newest period first (bill_one_per_account_period)."""
    return Bill.objects.filter(account=account).order_by("-period", "-pk")


def usage_of_account(account, *, months: int, today=None) -> list[Bill]:
    """The bills of the last `months` months up to this one, oldest first:
    the usage chart's and its table's figures, one query."""
    today = today or timezone.localdate()
    y, m = today.year, today.month - (months - 1)
    while m <= 0:
        y, m = y - 1, m + 12
    since = date(y, m, 1)
    rows = bills_of_account(account).filter(period__gte=since)
    return sorted(rows, key=lambda b: b.period)


def bill_receipt(bill: Bill):
    """The receipt of the portal payment that settled the bill, or None
    (a bill paid elsewhere has none here)."""
    from payments.models import Receipt

    if bill.paid_invoice_id is None:
        return None
    return (
        Receipt.objects.filter(invoice_id=bill.paid_invoice_id, kind="receipt")
        .order_by("pk")
        .first()
    )

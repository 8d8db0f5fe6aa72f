"""The customer's accounts (/bills/accounts/): the list, linking one, naming
it, turning its bill notices off, unlinking; and the counter's link for a
walk-in customer (/staff/bills/link/). The rules are in bills.linking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bills import linking
from bills.forms import AccountEditForm, AccountLinkForm, WalkInLinkForm
from bills.models import Bill
from bills.selectors import (
    account_get_for_customer,
    accounts_with_current_bill,
    attach_current_bills,
    customer_by_phone,
)
from bills.views_common import customer_only
from core.decorators import staff_required
from core.errors import ServiceError

PAGE_SIZE = 20


def _retry_after(response, until):
    seconds = max(int((until - timezone.now()).total_seconds()), 1)
    response["Retry-After"] = str(seconds)
    return response


@login_required
def accounts(request):
    """My accounts: each with its current bill, and how to add one."""
    customer_only(request.user)
    page = Paginator(accounts_with_current_bill(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = attach_current_bills(page.object_list)
    for a in rows:
        bill = a.current_bill
        a.current_unpaid = bool(bill and bill.status == Bill.Status.UNPAID)
        a.current_overdue = a.current_unpaid and bill.due_date < today
        a.other_unpaid = a.unpaid_count - (1 if a.current_unpaid else 0)
    return render(
        request, "bills/accounts.html", {"page": page, "rows": rows, "today": today}
    )


@login_required
def account_add(request):
    """Link an account: by the profile's ID at once, or with a proof."""
    customer_only(request.user)
    form = AccountLinkForm(request.POST or None)
    status = 200
    locked_until = linking.link_locked_until(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account = linking.account_link(
                user=request.user,
                ca_number=form.cleaned_data["ca_number"],
                proof=form.proof(),
                nickname=form.cleaned_data["nickname"],
            )
        except linking.LinkLockedOut as exc:
            form.add_error(None, exc.message)
            locked_until, status = exc.until, 429
        except linking.AlreadyYours as exc:
            messages.info(request, exc.message)
            return redirect("bills:accounts")
        except linking.ProofNeeded as exc:
            form.add_error("bill_amount", exc.message)
        except linking.LinkRefused as exc:
            form.add_error(None, exc.message)
            locked_until = linking.link_locked_until(request.user)
        else:
            messages.success(
                request,
                _("Account %(ca)s is now in your accounts.")
                % {"ca": account.ca_number},
            )
            return redirect("bills:accounts")
    response = render(
        request,
        "bills/account_add.html",
        {"form": form, "locked_until": locked_until},
        status=status,
    )
    if status == 429:
        _retry_after(response, locked_until)
    return response


@login_required
def account_settings(request, ca):
    customer_only(request.user)
    account = account_get_for_customer(request.user, ca)
    form = AccountEditForm(
        request.POST or None,
        initial={"nickname": account.nickname, "bill_notices": account.bill_notices},
    )
    if request.method == "POST" and form.is_valid():
        linking.account_update(
            user=request.user,
            account=account,
            nickname=form.cleaned_data["nickname"],
            bill_notices=form.cleaned_data["bill_notices"],
        )
        messages.success(request, _("Saved."))
        return redirect("bills:accounts")
    return render(
        request, "bills/account_settings.html", {"form": form, "account": account}
    )


@login_required
def account_unlink(request, ca):
    """A confirmation page; the POST from it unlinks."""
    customer_only(request.user)
    account = account_get_for_customer(request.user, ca)
    open_requests = list(linking.account_open_requests(account)[:5])
    if request.method == "POST":
        try:
            linking.account_unlink(user=request.user, account=account)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("bills:account_unlink", ca=account.ca_number)
        messages.success(
            request,
            _("Account %(ca)s is no longer in your accounts.")
            % {"ca": account.ca_number},
        )
        return redirect("bills:accounts")
    return render(
        request,
        "bills/account_unlink.html",
        {"account": account, "open_requests": open_requests},
    )


@staff_required
def walk_in_link(request):
    """Counter staff link an account for a customer showing their ID card:
    a form, a confirmation page (the account and the customer), then the
    link."""
    if not linking.may_link_at_counter(request.user):
        raise PermissionDenied(_("Linking accounts is counter work."))
    form = WalkInLinkForm(request.POST or None)
    confirm = None
    if request.method == "POST" and form.is_valid():
        customer = customer_by_phone(form.cleaned_data["phone"])
        if customer is None:
            form.add_error("phone", _("No customer with this mobile number."))
        elif request.POST.get("confirmed") != "1":
            confirm = {"customer": customer}
        else:
            try:
                account = linking.account_link_for_walk_in(
                    staff=request.user,
                    ca_number=form.cleaned_data["ca_number"],
                    customer=customer,
                    id_shown=form.cleaned_data["id_shown"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Account %(ca)s is now linked to %(name)s.")
                    % {"ca": account.ca_number, "name": customer},
                )
                return redirect("bills_staff:link")
    return render(request, "bills/staff_link.html", {"form": form, "confirm": confirm})

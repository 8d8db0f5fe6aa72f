"""Filing forms of the services about an electricity account or the meter
network (their machines name them as `filing_form`; requests_app.filing)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meters.models import MeterSize
from meters.selectors import (
    account_meter_size,
    accounts_for_customer,
    default_meter_size,
)
from requests_app.forms import RequestForm


def own_account(user, pk):
    """The customer's own account `pk` names (None for anything else)."""
    if not str(pk or "").isdigit():
        return None
    return accounts_for_customer(user).filter(pk=int(pk)).first()


class NewConnectionForm(RequestForm):
    """A new connection; offered from one of the customer's accounts, it
    starts from that account's premises, office and meter size."""

    @classmethod
    def for_filing(cls, service, user, data=None, files=None, from_account=None):
        kwargs = cls.filing_kwargs(service, user)
        source = own_account(user, from_account)
        if source is not None:
            kwargs["initial"].update(
                premises_address=source.premises_address,
                office=source.office_id,
                meter_size=account_meter_size(source).pk,
            )
        return cls(data, files, **kwargs)


class AccountRequestForm(RequestForm):
    """Filing about an existing account (meter test …): the premises, meter
    and office come from the account the customer picks."""

    account = forms.ModelChoiceField(
        label=_("Electricity account (CA number)"),
        queryset=None,
        empty_label=_("Choose an account"),
    )

    @classmethod
    def accounts_for(cls, user):
        return accounts_for_customer(user)

    @classmethod
    def for_filing(cls, service, user, data=None, files=None, from_account=None):
        """None when the customer has no account this service applies to."""
        accounts = cls.accounts_for(user)
        if not accounts.exists():
            return None
        kwargs = cls.filing_kwargs(service, user)
        source = own_account(user, from_account)
        if source is not None and accounts.filter(pk=source.pk).exists():
            kwargs["initial"]["account"] = source.pk
        return cls(data, files, accounts=accounts, **kwargs)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("office", "premises_address", "premises_province", "meter_size"):
            del self.fields[name]
        self.fields["account"].queryset = accounts
        self.fields["account"].label_from_instance = lambda a: (
            f"{a.ca_number} · {a.premises_address}"
        )
        self.order_fields(["account"])

    def request_data(self) -> dict:
        account = self.cleaned_data["account"]
        data = {
            k: self.cleaned_data.get(k)
            for k in ("contact_phone", "preferred_date", "note", "by_representative")
        }
        return {
            **data,
            "account": account,
            "office": account.office,
            "premises_address": account.premises_address,
            "meter_size": account_meter_size(account),
        }


class MeterUpgradeForm(AccountRequestForm):
    """Meter size upgrade: the account, and the larger meter it should get."""

    new_meter_size = forms.ModelChoiceField(
        label=_("New meter size"),
        queryset=MeterSize.objects.filter(is_active=True),
        empty_label=_("Choose a meter size"),
        help_text=_(
            "Have the wiring upgraded to the standard of the new size before paying."
        ),
    )

    def clean(self):
        data = super().clean()
        account, size = data.get("account"), data.get("new_meter_size")
        present = account_meter_size(account) if account else None
        if present and size and size.sort_order <= present.sort_order:
            self.add_error(
                "new_meter_size",
                _("Choose a meter larger than the present one (%(size)s).")
                % {"size": present},
            )
        return data

    def request_data(self) -> dict:
        return {
            **super().request_data(),
            "meter_size": self.cleaned_data["new_meter_size"],
        }


class ReconnectionRequestForm(AccountRequestForm):
    """Reconnection: only a disconnected account, reconnected as soon as it
    is paid (no date to choose)."""

    @classmethod
    def accounts_for(cls, user):
        return (
            accounts_for_customer(user)
            .filter(disconnections__reconnected_at__isnull=True)
            .filter(disconnections__isnull=False)
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["preferred_date"]

    def filing_arguments(self) -> dict:
        data = self.request_data()
        return {"account": data.pop("account"), "data": data}


class CoversRequestForm(RequestForm):
    """Cover rental: how many covers, for how many days (charter §3.13)."""

    covers = forms.IntegerField(label=_("Number of covers"), min_value=1, max_value=500)
    days = forms.IntegerField(label=_("Rental days"), min_value=1, max_value=365)
    line_length_m = forms.IntegerField(
        label=_("Length of line to cover (metres)"), min_value=1, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["meter_size"]
        self.fields["preferred_date"].label = _(
            "Preferred installation date (optional)"
        )

    def filing_arguments(self) -> dict:
        return {
            "data": {**self.request_data(), "meter_size": default_meter_size()},
            "covers": self.cleaned_data["covers"],
            "days": self.cleaned_data["days"],
            "line_length_m": self.cleaned_data.get("line_length_m"),
            "documents": self.documents(),
        }

"""Filing a request from its form, shared by the web page and the API: which
form a service uses, and which service files it. No rules of its own."""

from meters.selectors import default_meter_size
from meters.services import covers_file, reconnection_file
from requests_app import selectors, services
from requests_app.forms import (
    AccountRequestForm,
    CoversRequestForm,
    MeterUpgradeForm,
    RequestForm,
)
from requests_app.models import ACCOUNT_FLOWS


def filing_form(service, user, data=None, files=None, from_account=None):
    """The form for this service and customer; None when the service is about
    an account and the customer has none it applies to. `from_account` (an
    account id, e.g. from a link offering the service) prefills what the
    customer's own account says: the account itself, or for a new connection
    its premises, office and meter size."""
    kwargs = {
        "service": service,
        "applicant_kind": user.profile.kind,
        "initial": {"contact_phone": user.phone},
    }
    source = _own_account(user, from_account)
    if service.flow in ACCOUNT_FLOWS:
        accounts = selectors.accounts_for_customer(user)
        if service.flow == "reconnection":
            accounts = accounts.filter(
                disconnections__reconnected_at__isnull=True
            ).filter(disconnections__isnull=False)
        if not accounts.exists():
            return None
        if source is not None and accounts.filter(pk=source.pk).exists():
            kwargs["initial"]["account"] = source.pk
        form_cls = (
            MeterUpgradeForm if service.flow == "meter_upgrade" else AccountRequestForm
        )
        form = form_cls(data, files, accounts=accounts, **kwargs)
        if service.flow == "reconnection":
            del form.fields["preferred_date"]
        return form
    if service.flow == "covers":
        return CoversRequestForm(data, files, **kwargs)
    if source is not None and service.flow == "new_connection":
        kwargs["initial"].update(
            premises_address=source.premises_address,
            office=source.office_id,
            meter_size=source.meter.size_id if source.meter else None,
        )
    return RequestForm(data, files, **kwargs)


def _own_account(user, pk):
    """The customer's own account `pk` names (None for anything else)."""
    if not str(pk or "").isdigit():
        return None
    return selectors.accounts_for_customer(user).filter(pk=int(pk)).first()


def file_from_form(service, form, user):
    """File a valid form through the service its flow uses."""
    if service.flow == "reconnection":
        data = form.request_data()
        return reconnection_file(
            applicant=user,
            service=service,
            account=data.pop("account"),
            data=data,
            created_by=user,
        )
    if service.flow == "covers":
        return covers_file(
            applicant=user,
            service=service,
            data={**form.request_data(), "meter_size": default_meter_size()},
            covers=form.cleaned_data["covers"],
            days=form.cleaned_data["days"],
            line_length_m=form.cleaned_data.get("line_length_m"),
            documents=form.documents(),
            created_by=user,
        )
    return services.request_submit(
        applicant=user,
        service=service,
        data=form.request_data(),
        documents=form.documents(),
        created_by=user,
    )

"""Filing a request from its form, shared by the web page and the API. Each
machine names the form its service is filed with (`filing_form`) and the
service that files it (`files_with`), as dotted paths; no rules here."""

from django.db import transaction
from django.utils.module_loading import import_string

from requests_app.flows import FLOWS
from requests_app.services import pending_uploads_discard, pending_uploads_keep

FORM = "requests_app.forms.RequestForm"
FILES_WITH = "requests_app.services.request_submit"


def _machine(service):
    return FLOWS.get(service.flow)


def filing_form(service, user, data=None, files=None, from_account=None):
    """The form for this service and customer; None when the customer cannot
    file it (a service about an account, and no account it applies to).
    `from_account` (an account id, e.g. from a link offering the service)
    prefills what the customer's own account says."""
    form_cls = import_string(getattr(_machine(service), "filing_form", FORM))
    return form_cls.for_filing(service, user, data, files, from_account=from_account)


def file_from_form(service, form, user):
    """File a valid form through the service its machine names. The files
    it kept from an earlier try are the request's documents now: their
    pending uploads go in the same transaction."""
    files_with = import_string(getattr(_machine(service), "files_with", FILES_WITH))
    try:
        with transaction.atomic():
            created = files_with(
                applicant=user,
                service=service,
                created_by=user,
                **form.filing_arguments(),
            )
            pending_uploads_discard(owner=user, uploads=form.settled_uploads())
    finally:
        form.close_kept()
    return created


def keep_uploads(form, user) -> None:
    """A filing refused (by its form or by the service): the files that
    passed the checks are kept as the user's pending uploads, and the form
    shown again says so; the kept files replaced or removed go."""
    kept = pending_uploads_keep(
        owner=user, uploads=form.passed_uploads(), drop=form.dropped
    )
    form.dropped = []
    form.show_kept(kept)

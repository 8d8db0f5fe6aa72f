"""Back-office: the billing system's export files (upload, progress, the
rejected lines), for administrators (/staff/bills/imports/)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bills.import_selectors import (
    billing_import_get_for_user,
    billing_imports_for_user,
    import_rejections,
)
from bills.importer import billing_import_upload, reason_text
from core.decorators import staff_required

MAX_FILE = 2 * 1024**3  # a national bills file is about 1.6 GB


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Export file (CSV: accounts or bills)"))


def _admins_only(user) -> None:
    from bills.import_selectors import may_import_billing

    if not may_import_billing(user):
        raise PermissionDenied(_("This page is for administrators."))


@staff_required
def imports(request):
    _admins_only(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE:
            form.add_error("file", _("The file is larger than 2 GB."))
        else:
            with transaction.atomic():
                bi = billing_import_upload(upload=upload, user=request.user)
            messages.success(request, _("File received; the import has started."))
            return redirect("bills_staff:import", pk=bi.pk)
    page = Paginator(billing_imports_for_user(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "bills/imports.html", {"form": form, "page": page})


@staff_required
def billing_import(request, pk):
    _admins_only(request.user)
    bi = billing_import_get_for_user(request.user, pk)
    page = Paginator(import_rejections(bi), 50).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.reason_shown = reason_text(r.reason)
    return render(
        request,
        "bills/import.html",
        {
            "bi": bi,
            "page": page,
            "error": reason_text(bi.error) if bi.error else "",
            "running": bi.status in ("pending", "running"),
            "percent": round(100 * bi.bytes_read / bi.size) if bi.size else 0,
        },
    )

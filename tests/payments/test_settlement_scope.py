"""Settlement files belong to an office tree, and four eyes settle their
lines: the supervisor of another province sees no line of ours, cannot post
one nor pay our invoice with a file of their own; the supervisor who uploads
a file does not post its lines or raise their refunds, another one does; who
raised a refund does not approve it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import ServiceError
from payments import settlement as s
from payments.models import Invoice, Payment, Receipt, Refund, Settlement
from payments.services import (
    refund_approve,
    request_quote_fees,
    settlement_reconcile,
    settlement_row_post,
    settlement_row_refund,
    settlement_upload,
)
from requests_app import services as rs
from tests import factories
from tests.payments.test_settlement import _line, _paid_online

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Refusals are matched by their English text, in services and pages."""
    client.cookies["pea_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def kk_uploader(offices):
    """A second supervisor of the province (the one who uploads)."""
    return factories.StaffFactory(
        username="faye", role="supervisor", office=offices["province"]
    )


@pytest.fixture
def udon_supervisor(offices):
    return factories.StaffFactory(
        username="udon", role="supervisor", office=offices["other_province"]
    )


def _unpaid(customer, office, counter) -> Invoice:
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    return request_quote_fees(request=r, user=counter)


def _line_for(invoice):
    return s.Line(
        seq=0, paid_at=timezone.now() - timedelta(hours=2), name="MALLORY",
        ref1=invoice.payment_ref, ref2="", amount=invoice.total, channel="ATM",
    )  # fmt: skip


def _import(lines, user, name="day.txt"):
    data = s.write(bank="014", account="1234567890", effective=timezone.localdate(),
                   lines=lines)  # fmt: skip
    settlement = settlement_upload(filename=name, data=data, user=user, schedule=False)
    settlement_reconcile(settlement_id=settlement.pk)
    settlement.refresh_from_db()
    return settlement


def test_another_provinces_supervisor_cannot_see_post_or_pay_our_invoice(
    client, customer, office, other_office, counter, other_counter, supervisor,
    kk_uploader, udon_supervisor,
):  # fmt: skip
    """The issue's attack: Udon's supervisor uploads a file they made with a
    line for a Khon Kaen invoice and posts it; and opens Khon Kaen's report."""
    ours = _unpaid(customer, office, counter)
    theirs = _unpaid(customer, other_office, other_counter)

    # Their own file: our invoice's line is not in their report at all.
    forged = _import([_line_for(ours), _line_for(theirs)], udon_supervisor, "mine.txt")
    assert forged.office == udon_supervisor.office
    assert forged.other_lines == 1
    assert {r.ref1 for r in forged.rows.all()} == {theirs.payment_ref}
    client.force_login(udon_supervisor)
    html = client.get(reverse("staff:settlement", args=[forged.pk])).content.decode()
    assert ours.payment_ref not in html and theirs.payment_ref in html

    # Khon Kaen's report of the bank's real file: none of it for Udon.
    real = _import([_line_for(ours), _line_for(theirs)], kk_uploader)
    (row,) = real.rows.all()
    assert row.ref1 == ours.payment_ref and real.other_lines == 1
    listing = client.get(reverse("staff:settlements")).content.decode()
    assert reverse("staff:settlement", args=[real.pk]) not in listing
    report = reverse("staff:settlement", args=[real.pk])
    assert client.get(report).status_code == 404
    assert client.get(report + "?format=csv").status_code == 404
    post = reverse("staff:settlement_row", args=[row.pk, "post"])
    assert client.post(post).status_code == 404
    assert client.post(reverse("staff:settlement_row", args=[row.pk, "refund"])
                       ).status_code == 404  # fmt: skip
    with pytest.raises(PermissionDenied):
        settlement_row_post(row=row, user=udon_supervisor)
    ours.refresh_from_db()
    assert ours.status == "unpaid"
    assert not Payment.objects.filter(invoice=ours).exists()
    assert not Receipt.objects.filter(invoice=ours).exists()

    # The province's supervisor (not the uploader) posts it; the region's sees it.
    assert settlement_row_post(row=row, user=supervisor).invoice == ours
    region = factories.StaffFactory(username="rita", role="supervisor",
                                    office=office.parent.parent)  # fmt: skip
    client.force_login(region)
    assert client.get(report).status_code == 200


def test_the_uploader_may_not_post_or_refund_the_lines_of_their_file(
    client, customer, office, counter, supervisor, kk_uploader
):
    invoice = _unpaid(customer, office, counter)
    (paid,) = _paid_online(customer, office, counter, 1)
    settlement = _import([_line_for(invoice), _line(paid), _line(paid)], kk_uploader)
    missing = settlement.rows.get(result="missing_here")
    duplicate = settlement.rows.get(result="duplicate")
    with pytest.raises(ServiceError, match="You uploaded this file"):
        settlement_row_post(row=missing, user=kk_uploader)
    with pytest.raises(ServiceError, match="You uploaded this file"):
        settlement_row_refund(row=duplicate, user=kk_uploader)

    # Through the page: no buttons for the uploader, and a clear refusal.
    client.force_login(kk_uploader)
    report = reverse("staff:settlement", args=[settlement.pk])
    html = client.get(report).content.decode()
    assert "data-four-eyes" in html and "data-post=" not in html
    page = client.post(
        reverse("staff:settlement_row", args=[missing.pk, "post"]), follow=True
    ).content.decode()
    assert "You uploaded this file" in page
    assert Invoice.objects.get(pk=invoice.pk).status == "unpaid"
    assert not Refund.objects.exists()

    # Another supervisor of the province does it; who did what is kept.
    client.force_login(supervisor)
    assert f'data-post="{missing.pk}"' in client.get(report).content.decode()
    client.post(reverse("staff:settlement_row", args=[missing.pk, "post"]))
    client.post(reverse("staff:settlement_row", args=[duplicate.pk, "refund"]))
    missing.refresh_from_db()
    duplicate.refresh_from_db()
    assert Invoice.objects.get(pk=invoice.pk).status == "paid"
    assert (missing.resolution, missing.resolved_by) == ("posted", supervisor)
    assert (duplicate.resolution, duplicate.resolved_by) == ("refund", supervisor)
    assert settlement.uploaded_by == kk_uploader
    refund = duplicate.refund
    assert refund.raised_by == supervisor

    # ... and who raised the refund does not approve it: someone else does.
    with pytest.raises(ServiceError, match="You raised this refund"):
        refund_approve(refund=refund, user=supervisor)
    client.post(reverse("staff:refund_approve", args=[refund.pk]))
    assert Refund.objects.get(pk=refund.pk).status == "due"
    refund = refund_approve(refund=refund, user=kk_uploader)
    assert (refund.status, refund.approved_by) == ("approved", kk_uploader)


def test_each_tree_imports_the_banks_file_once_and_sees_its_own_lines(
    client, customer, office, other_office, counter, other_counter, kk_uploader,
    udon_supervisor, django_capture_on_commit_callbacks, settings,
):  # fmt: skip
    settings.CELERY_TASK_ALWAYS_EAGER = True
    ours, theirs = (_paid_online(customer, o, c, 1)[0]
                    for o, c in ((office, counter), (other_office, other_counter)))  # fmt: skip
    data = s.write(bank="014", account="1", effective=timezone.localdate(),
                   lines=[_line(ours), _line(theirs)])  # fmt: skip
    for user, mine in ((kk_uploader, ours), (udon_supervisor, theirs)):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("staff:settlements"),
                {"file": SimpleUploadedFile("d.txt", data)},
            )
        assert response.status_code == 302
        settlement = Settlement.objects.get(uploaded_by=user)
        rows = list(settlement.rows.values_list("result", "payment"))
        # The other tree's payment is neither matched nor "missing in file".
        assert rows == [("matched", mine.pk)], rows
        again = client.post(
            reverse("staff:settlements"), {"file": SimpleUploadedFile("d.txt", data)}
        )
        assert "imported already" in again.content.decode()
    assert Settlement.objects.count() == 2


def test_the_command_imports_for_the_importers_tree(
    tmp_path, customer, office, other_office, counter, other_counter, supervisor,
    capsys,
):  # fmt: skip
    ours = _unpaid(customer, office, counter)
    theirs = _unpaid(customer, other_office, other_counter)
    path = tmp_path / "day.txt"
    path.write_bytes(s.write(bank="014", account="1", effective=timezone.localdate(),
                             lines=[_line_for(ours), _line_for(theirs)]))  # fmt: skip
    call_command("import_settlement", str(path), user=supervisor.username)
    assert "of other offices, left out: 1" in capsys.readouterr().out
    settlement = Settlement.objects.get()
    assert settlement.office == supervisor.office
    assert list(settlement.rows.values_list("ref1", flat=True)) == [ours.payment_ref]
    with pytest.raises(CommandError, match="administrators"):
        call_command("import_settlement", str(path), user=supervisor.username,
                     office=other_office.code)  # fmt: skip
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_settlement", str(path), user=counter.username)
    admin = factories.StaffFactory(username="root", role="admin", office=None)
    call_command("import_settlement", str(path), user=admin.username,
                 office=other_office.parent.code)  # fmt: skip
    other = Settlement.objects.get(office=other_office.parent)
    assert list(other.rows.values_list("ref1", flat=True)) == [theirs.payment_ref]

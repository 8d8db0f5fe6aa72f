"""The counter's daily cash per clerk, and the day's takings for finance."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.services import payment_record_cash, request_quote_fees
from requests_app import services as rs
from tests import factories

pytestmark = pytest.mark.django_db


def _paid_by(clerk, customer, office):
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=clerk
    )
    invoice = request_quote_fees(request=r, user=clerk)
    return payment_record_cash(invoice=invoice, user=clerk, amount=invoice.total)


def test_cash_is_summed_per_clerk_of_the_office(
    client, customer, office, other_office, counter, other_counter
):
    second = factories.StaffFactory(office=office)
    mine = [_paid_by(counter, customer, office) for _ in range(2)]
    theirs = _paid_by(second, customer, office)
    _paid_by(other_counter, customer, other_office)  # another office: not shown
    client.force_login(counter)
    response = client.get(reverse("staff:cash"))
    rows = {r["received_by__username"]: r for r in response.context["per_clerk"]}
    assert set(rows) == {counter.username, second.username}
    assert rows[counter.username]["n"] == 2
    assert rows[counter.username]["total"] == sum(p.amount for p in mine)
    assert response.context["total"] == sum(p.amount for p in mine) + theirs.amount
    yesterday = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    empty = client.get(reverse("staff:cash"), {"date": yesterday})
    assert empty.context["per_clerk"] == []


def test_the_takings_file_for_finance_adds_up_to_the_receipts(
    client, customer, office, counter, supervisor
):
    payments = [_paid_by(counter, customer, office) for _ in range(3)]
    client.force_login(counter)
    assert client.get(reverse("staff:finance_daily")).status_code == 404
    client.force_login(supervisor)
    response = client.get(reverse("staff:finance_daily"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["office"], row["document"], row["method"], row["count"]) == (
        office.code, "receipt", "cash", "3",
    )  # fmt: skip
    assert Decimal(row["total"]) == sum(p.amount for p in payments)
    assert Decimal(row["net"]) + Decimal(row["vat"]) == Decimal(row["total"])


def test_field_staff_see_neither_the_cash_nor_the_refunds(
    client, customer, office, counter, surveyor, technician, supervisor
):
    """Cash and refunds are counter work: a surveyor or a technician of the
    office is refused (403, as other roles are refused other pages), the
    counter of the same office is not."""
    from payments.models import Refund
    from payments.services import refund_approve

    paid = _paid_by(counter, customer, office)
    refund = refund_approve(
        refund=Refund.objects.create(
            invoice=paid.invoice, request=paid.invoice.request,
            amount=Decimal("10.00"), reason="test",
        ),
        user=supervisor,
    )  # fmt: skip
    urls = [
        reverse("staff:cash"),
        reverse("staff:refunds"),
        reverse("staff:refunds") + "?status=approved",
        reverse("payments:refund_voucher", args=[refund.number]),
    ]
    for user in (surveyor, technician):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user.role, url)
        menu = client.get(reverse("staff:queue")).content.decode()
        assert reverse("staff:cash") not in menu
        assert reverse("staff:refunds") not in menu
    client.force_login(counter)
    for url in urls:
        assert client.get(url).status_code in (200, 202), url
    assert reverse("staff:cash") in client.get(reverse("staff:queue")).content.decode()


def test_field_staff_are_not_offered_links_their_role_is_refused(
    client, customer, office, counter, technician, supervisor
):
    """Field staff get 403 on refund vouchers and walk-in filing, so the
    request page and the menus do not offer them; the counter still sees both."""
    from payments.models import Refund
    from payments.services import refund_approve

    paid = _paid_by(counter, customer, office)
    refund = refund_approve(
        refund=Refund.objects.create(
            invoice=paid.invoice, request=paid.invoice.request,
            amount=Decimal("10.00"), reason="test",
        ),
        user=supervisor,
    )  # fmt: skip
    voucher = reverse("payments:refund_voucher", args=[refund.number])
    detail = reverse("staff:detail", args=[paid.invoice.request.reference])
    walk_in = reverse("staff:file")
    client.force_login(technician)
    page = client.get(detail).content.decode()
    assert refund.number in page and voucher not in page
    assert walk_in not in client.get(reverse("staff:queue")).content.decode()
    client.force_login(counter)
    assert voucher in client.get(detail).content.decode()
    assert walk_in in client.get(reverse("staff:queue")).content.decode()

"""The fake provider's hosted page expires as a real checkout session does: past
FAKEPAY_CHECKOUT_SECONDS it can no longer be paid, and the merchant is told once,
by a signed `charge.expired` callback (the sweep or a late visit, whichever is
first). The callbacks reach our endpoint through the test client."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fakepay import delivery
from fakepay.models import FakeCharge, FakeDelivery
from payments.models import ProviderEvent
from payments.provider import HEADER, sign
from payments.selectors import online_payment_outcome
from payments.services import request_quote_fees
from requests_app import services as rs
from tests import factories

SECRET = "dev-fakepay-secret"


@pytest.fixture(autouse=True)
def _fake_bank(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PAYMENT_PROVIDER_SECRETS = [SECRET]
    settings.FAKEPAY_SECRET = SECRET
    settings.FAKEPAY_SYNC = True
    settings.FAKEPAY_CHECKOUT_SECONDS = 900
    merchant = Client()

    def post(body, **_kwargs):
        import time

        header = sign(body, secret=SECRET, timestamp=int(time.time()))
        return merchant.post(
            reverse("payments:callback"),
            body,
            content_type="application/json",
            **{HEADER: header},
        ).status_code

    monkeypatch.setattr(delivery, "post", post)


@pytest.fixture
def invoice(db, customer, office, counter):
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    return request_quote_fees(request=r, user=counter)


def checkout(client, invoice) -> FakeCharge:
    response = client.post(reverse("payments:pay", args=[invoice.number]))
    assert "/fakepay/checkout/" in response.url
    return FakeCharge.objects.get(reference=invoice.number)


def age(charge, seconds):
    FakeCharge.objects.filter(pk=charge.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )
    charge.refresh_from_db()


@pytest.mark.django_db
def test_the_sweep_expires_an_unpaid_page_once_and_tells_the_merchant(
    client, invoice, customer, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    charge = checkout(client, invoice)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.expire_due() == 0  # still in time
        age(charge, 901)
        assert delivery.expire_due() == 1
        assert delivery.expire_due() == 0  # told once
    sent = FakeDelivery.objects.get(charge=charge)
    assert (sent.kind, sent.status_code) == ("charge.expired", 200)
    event = ProviderEvent.objects.get()
    assert (event.kind, event.payload["data"]["status"]) == (
        "charge.expired",
        "expired",
    )
    assert event.status == ProviderEvent.Status.IGNORED  # moves no money
    assert online_payment_outcome(invoice).state == "expired"


@pytest.mark.django_db
def test_an_expired_page_cannot_be_paid_and_a_late_visit_tells_the_merchant(
    client, invoice, customer, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    charge = checkout(client, invoice)
    age(charge, 901)
    url = reverse("fakepay:checkout", args=[charge.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "pay"})
    assert response.status_code == 200 and b"data-expired" in response.content
    charge.refresh_from_db()
    assert charge.status == FakeCharge.Status.PENDING and charge.is_expired()
    assert list(ProviderEvent.objects.values_list("kind", flat=True)) == [
        "charge.expired"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)  # again: no second event
        delivery.expire_due()
    assert FakeDelivery.objects.filter(kind="charge.expired").count() == 1
    invoice.refresh_from_db()
    assert invoice.status == "unpaid"


@pytest.mark.django_db
def test_a_paid_or_declined_page_never_expires(client, invoice, customer):
    client.force_login(customer)
    charge = checkout(client, invoice)
    client.post(reverse("fakepay:checkout", args=[charge.pk]), {"action": "decline"})
    age(charge, 901)
    assert not charge.is_expired() and delivery.expire_due() == 0

"""One customer account per national ID (issue 15), and a sign-up form that
does not tell a stranger which mobile number or ID has an account."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import CustomerProfile, User
from tests import factories

pytestmark = pytest.mark.django_db

FRESH_PHONE = "0891234567"


def _signup(client, **overrides):
    data = {
        "kind": "individual", "first_name": "สมหญิง", "last_name": "ใจงาม",
        "phone": FRESH_PHONE, "email": "", "national_id": factories.national_id(77),
        "preferred_language": "th", "password1": "correct-horse-battery",
        "password2": "correct-horse-battery", **overrides,
    }  # fmt: skip
    return client.post(reverse("accounts:signup"), data, HTTP_ACCEPT_LANGUAGE="en")


def _refusal(response):
    assert response.status_code == 200
    form = response.context["form"]
    return {
        field: [e.code for e in errors]
        for field, errors in form.errors.as_data().items()
    }


def test_a_taken_national_id_and_a_taken_mobile_number_get_the_same_answer(
    client, customer
):
    users = User.objects.count()
    by_id = _signup(client, national_id=customer.profile.national_id)
    by_phone = _signup(client, phone=customer.phone)

    assert User.objects.count() == users  # no second account
    assert _refusal(by_id) == _refusal(by_phone) == {"__all__": ["account_exists"]}
    for response in (by_id, by_phone):
        html = response.content.decode()
        assert "If you already have an account, log in or reset your password." in html
        assert f'href="{reverse("accounts:login")}"' in html
        assert f'href="{reverse("accounts:password_reset")}"' in html
        # Neither field is marked: the answer does not say which one is known.
        assert "already exists" not in html
    assert f'value="{customer.profile.national_id}"' in by_id.content.decode()  # kept


def test_a_fresh_national_id_and_number_still_sign_up(client, customer):
    response = _signup(client)

    assert response.status_code == 302
    assert CustomerProfile.objects.filter(
        national_id=factories.national_id(77)
    ).exists()


def test_the_database_holds_one_individual_account_per_national_id(customer):
    other = factories.CustomerFactory(username="bob")

    other.profile.national_id = customer.profile.national_id
    with pytest.raises(IntegrityError):
        other.profile.save()


def test_counter_staff_are_told_plainly_that_the_customer_has_an_account(
    client, counter, customer
):
    """Staff may look the customer up; the walk-in form names the field."""
    from accounts.forms import CustomerDetailsForm

    form = CustomerDetailsForm(
        data={
            "kind": "individual",
            "first_name": "ก",
            "last_name": "ข",
            "phone": FRESH_PHONE,
            "national_id": customer.profile.national_id,
            "preferred_language": "th",
        }  # fmt: skip
    )

    assert not form.is_valid()
    assert list(form.errors) == ["national_id"]

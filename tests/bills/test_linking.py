"""Linking the accounts customers already have (bills.linking)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from accounts.models import CustomerProfile
from bills import linking
from bills.linking import LinkProof
from bills.models import LinkAttempt
from core.errors import ServiceError
from requests_app.filing import file_from_form, filing_form
from requests_app.models import ServiceType
from tests import factories
from tests.bills.accounts_data import imported_account, monthly_bills, verified_id

pytestmark = pytest.mark.django_db


def _link(user, account_or_ca, **proof):
    ca = getattr(account_or_ca, "ca_number", account_or_ca)
    return linking.account_link(
        user=user, ca_number=ca, proof=LinkProof(**proof) if proof else None
    )


# The automatic link ---------------------------------------------------------


def test_an_account_in_the_profiles_national_id_links_without_a_proof(customer, office):
    account = imported_account(office, holder_id=verified_id(customer))
    linked = linking.account_link(
        user=customer, ca_number=account.ca_number, nickname=" บ้าน "
    )
    linked.refresh_from_db()
    assert linked.customer == customer
    assert linked.nickname == "บ้าน"
    assert linked.linked_at is not None
    assert LinkAttempt.objects.get(user=customer).succeeded is True


def test_a_juristic_customer_links_with_the_registration_number(office):
    company = factories.CustomerFactory(username="co", profile=None)
    CustomerProfile.objects.create(
        user=company, kind="juristic", company_name="บริษัท ทดสอบ จำกัด",
        juristic_registration_no="0105555000111",
    )  # fmt: skip
    account = imported_account(office, holder_id=verified_id(company))
    assert _link(company, account).customer == company


def test_the_ca_number_may_be_typed_with_spaces_and_dashes(customer, office):
    account = imported_account(
        office, holder_id=verified_id(customer), ca_number="020012345678"
    )
    linking.account_link(user=customer, ca_number=" 0200-1234 5678 ")
    account.refresh_from_db()
    assert account.customer == customer


def test_an_id_only_typed_at_sign_up_links_nothing_by_itself(customer, office):
    """Anyone may know someone's national ID: until staff checked the card,
    the profile's ID asks for a bill's detail like anyone else's."""
    assert customer.profile.id_verified_at is None
    account = imported_account(
        office, holder_id=customer.profile.national_id, meter_serial="EM-42"
    )
    with pytest.raises(linking.ProofNeeded):
        _link(customer, account)
    account.refresh_from_db()
    assert account.customer is None
    assert _link(customer, account, meter_number="EM-42").customer == customer


def test_someone_elses_id_asks_for_a_proof_and_counts_nothing(customer, office):
    account = imported_account(office, holder_id="3100100123458")
    with pytest.raises(linking.ProofNeeded):
        _link(customer, account)
    account.refresh_from_db()
    assert account.customer is None
    assert not LinkAttempt.objects.exists()


def test_an_unknown_ca_without_a_proof_is_answered_the_same_as_a_known_one(
    customer, office
):
    known = imported_account(office, holder_id="3100100123458")
    with pytest.raises(linking.ProofNeeded) as a:
        _link(customer, known)
    with pytest.raises(linking.ProofNeeded) as b:
        _link(customer, "029999999999")
    assert str(a.value.message) == str(b.value.message)


# Proofs ------------------------------------------------------------------------


@pytest.mark.parametrize("which", [0, 1, 2])
def test_the_amount_of_each_of_the_last_three_bills_links(customer, office, which):
    account = imported_account(office)
    bills = monthly_bills(account, ["411.00", "523.25", "612.50", "705.75"])
    newest_three = bills[1:]
    _link(customer, account, bill_amount=newest_three[which].total)
    account.refresh_from_db()
    assert account.customer == customer
    assert LinkAttempt.objects.get(user=customer).succeeded


def test_the_amount_of_an_older_bill_is_refused(customer, office):
    account = imported_account(office)
    monthly_bills(account, ["411.00", "523.25", "612.50", "705.75"])
    with pytest.raises(linking.LinkRefused):
        _link(customer, account, bill_amount=Decimal("411.00"))
    account.refresh_from_db()
    assert account.customer is None
    assert LinkAttempt.objects.get(user=customer).succeeded is False


def test_the_meter_number_links_typed_in_any_case_and_spacing(customer, office):
    account = imported_account(office, meter_serial="PEA-123456")
    _link(customer, account, meter_number=" pea 123456 ")
    account.refresh_from_db()
    assert account.customer == customer


def test_a_portal_accounts_meter_serial_links_it_again(customer, office):
    account = factories.account_for(customer, office)
    linking.account_unlink(user=customer, account=account)
    _link(customer, account, meter_number=account.meter.serial)
    account.refresh_from_db()
    assert account.customer == customer


def test_every_detail_given_must_match(customer, office):
    account = imported_account(office, meter_serial="M1")
    monthly_bills(account, ["500.00"])
    with pytest.raises(linking.LinkRefused):
        _link(customer, account, bill_amount=Decimal("500.00"), meter_number="M2")


# One answer for every refusal --------------------------------------------------


def _refusal(user, ca, **proof):
    with pytest.raises(linking.LinkRefused) as info:
        _link(user, ca, **proof)
    return str(info.value.message)


def test_wrong_proof_unknown_ca_and_someone_elses_account_get_one_answer(
    customer, other_customer, office
):
    mine = imported_account(office)
    monthly_bills(mine, ["500.00"])
    theirs = imported_account(office, meter_serial="THEIRS-1")
    monthly_bills(theirs, ["321.00"])
    _link(other_customer, theirs, meter_number="THEIRS-1")

    wrong = _refusal(customer, mine, bill_amount=Decimal("501.00"))
    unknown = _refusal(customer, "029999999999", bill_amount=Decimal("500.00"))
    # The right proof of an account someone else has linked.
    taken = _refusal(customer, theirs, meter_number="THEIRS-1")
    assert wrong == unknown == taken
    for word in ("meter", "amount", "linked", "another", "not found", "unknown"):
        assert word not in wrong.split("detail from your bill")[0].lower()
    theirs.refresh_from_db()
    assert theirs.customer == other_customer
    assert list(
        LinkAttempt.objects.filter(user=customer).values_list("succeeded", flat=True)
    ) == [False, False, False]


def test_an_account_already_mine_says_so(customer, office):
    account = imported_account(office, holder_id=verified_id(customer))
    _link(customer, account)
    with pytest.raises(linking.AlreadyYours):
        _link(customer, account)


def test_someone_elses_account_stays_theirs_even_with_my_id_as_holder(
    customer, other_customer, office
):
    account = imported_account(
        office, holder_id=verified_id(customer), meter_serial="X9"
    )
    _link(other_customer, account, meter_number="X9")
    with pytest.raises(linking.ProofNeeded):
        _link(customer, account)
    with pytest.raises(linking.LinkRefused):
        _link(customer, account, meter_number="X9")
    account.refresh_from_db()
    assert account.customer == other_customer


def test_a_customer_links_several_accounts(customer, office):
    home = imported_account(office, holder_id=verified_id(customer))
    shop = imported_account(office, meter_serial="SHOP-1")
    linking.account_link(user=customer, ca_number=home.ca_number, nickname="บ้าน")
    linking.account_link(
        user=customer,
        ca_number=shop.ca_number,
        proof=LinkProof(meter_number="SHOP-1"),
        nickname="ร้าน",
    )
    assert sorted(customer.accounts.values_list("nickname", flat=True)) == [
        "บ้าน",
        "ร้าน",
    ]


def test_staff_cannot_link_for_themselves(counter, office):
    account = imported_account(office)
    with pytest.raises(PermissionDenied):
        _link(counter, account, meter_number="PEA-123456")


# The lockout -------------------------------------------------------------------


def _fail(user, n, ca="029999999999"):
    for _ in range(n):
        with pytest.raises(linking.LinkRefused):
            _link(user, ca, meter_number="nope")


def test_five_wrong_tries_lock_linking_even_with_the_right_proof(
    customer, office, settings
):
    settings.LINK_FAILURE_LIMIT = 5
    settings.LINK_COOLOFF_MINUTES = 30
    account = imported_account(office, meter_serial="RIGHT-1")
    _fail(customer, 5)
    with translation.override("en"), pytest.raises(linking.LinkLockedOut) as info:
        _link(customer, account, meter_number="RIGHT-1")
    last = LinkAttempt.objects.filter(user=customer).latest("at").at
    assert info.value.until == last + timedelta(minutes=30)
    assert "try again after" in str(info.value.message)
    account.refresh_from_db()
    assert account.customer is None
    # Tries while locked out are not recorded: they do not extend it.
    assert LinkAttempt.objects.filter(user=customer).count() == 5


def test_the_lockout_ends_after_the_cool_off(customer, office, settings):
    settings.LINK_FAILURE_LIMIT = 3
    settings.LINK_COOLOFF_MINUTES = 30
    account = imported_account(office, meter_serial="RIGHT-1")
    _fail(customer, 3)
    assert linking.link_locked_until(customer) is not None
    LinkAttempt.objects.filter(user=customer).update(
        at=timezone.now() - timedelta(minutes=31)
    )
    assert linking.link_locked_until(customer) is None
    _link(customer, account, meter_number="RIGHT-1")


def test_failures_spread_wider_than_the_window_do_not_lock(customer, settings):
    settings.LINK_FAILURE_LIMIT = 3
    settings.LINK_FAILURE_WINDOW_MINUTES = 60
    _fail(customer, 3)
    first = LinkAttempt.objects.filter(user=customer).earliest("at")
    LinkAttempt.objects.filter(pk=first.pk).update(
        at=timezone.now() - timedelta(minutes=61)
    )
    assert linking.link_locked_until(customer) is None


def test_a_success_ends_the_run_of_failures(customer, office, settings):
    settings.LINK_FAILURE_LIMIT = 3
    account = imported_account(office, meter_serial="RIGHT-1")
    _fail(customer, 2)
    _link(customer, account, meter_number="RIGHT-1")
    _fail(customer, 2)
    assert linking.link_locked_until(customer) is None


def test_one_customers_lockout_does_not_lock_another(customer, other_customer):
    _fail(customer, 5)
    assert linking.link_locked_until(customer) is not None
    assert linking.link_locked_until(other_customer) is None


# Rename, notices, unlink -------------------------------------------------------


def test_rename_and_notices_off(customer, office):
    account = factories.account_for(customer, office)
    linking.account_rename(user=customer, account=account, nickname="ร้าน")
    linking.account_notices_set(user=customer, account=account, on=False)
    account.refresh_from_db()
    assert (account.nickname, account.bill_notices) == ("ร้าน", False)


def test_only_the_linked_customer_may_rename_or_unlink(
    customer, other_customer, office
):
    account = factories.account_for(customer, office)
    with pytest.raises(PermissionDenied):
        linking.account_rename(user=other_customer, account=account, nickname="x")
    with pytest.raises(PermissionDenied):
        linking.account_unlink(user=other_customer, account=account)


def test_unlink_clears_the_link_and_the_account_stays(customer, office):
    account = imported_account(office, holder_id=verified_id(customer))
    account = linking.account_link(
        user=customer, ca_number=account.ca_number, nickname="บ้าน"
    )
    linking.account_notices_set(user=customer, account=account, on=False)
    linking.account_unlink(user=customer, account=account)
    account.refresh_from_db()
    assert account.customer is None
    assert account.linked_at is None
    assert account.nickname == ""
    assert account.bill_notices is True  # the next holder's choice


def test_unlink_is_refused_while_a_request_on_the_account_is_in_progress(
    customer, office
):
    account = factories.account_for(customer, office)
    factories.submit_account_request(service_code="meter-test", account=account)
    with pytest.raises(linking.UnlinkRefused):
        linking.account_unlink(user=customer, account=account)
    account.refresh_from_db()
    assert account.customer == customer


# The counter ---------------------------------------------------------------------


def test_counter_staff_link_for_a_walk_in_showing_the_holders_id(
    customer, office, other_counter
):
    account = imported_account(office, holder_id="3100100123458")
    # Staff of another office: a customer may walk into any PEA office.
    linking.account_link_for_walk_in(
        staff=other_counter,
        ca_number=account.ca_number,
        customer=customer,
        id_shown="3-1001-00123-45-8",
    )
    account.refresh_from_db()
    assert account.customer == customer
    # The card shown is the account holder's, not the profile's: the
    # profile's own ID stays unchecked.
    customer.profile.refresh_from_db()
    assert customer.profile.id_verified_at is None


def test_the_counter_checking_the_customers_own_card_vouches_for_their_id(
    customer, office, counter
):
    nid = customer.profile.national_id
    at_counter = imported_account(office, holder_id=nid)
    linking.account_link_for_walk_in(
        staff=counter, ca_number=at_counter.ca_number, customer=customer,
        id_shown=nid,
    )  # fmt: skip
    customer.profile.refresh_from_db()
    assert customer.profile.id_verified_at is not None
    assert customer.profile.id_verified_by == counter
    # Another account in the same ID now links online without a proof.
    shop = imported_account(office, holder_id=nid)
    assert _link(customer, shop).customer == customer


def test_the_counter_refuses_an_id_that_is_not_the_holders(customer, office, counter):
    account = imported_account(office, holder_id="3100100123458")
    with pytest.raises(ServiceError) as wrong:
        linking.account_link_for_walk_in(
            staff=counter,
            ca_number=account.ca_number,
            customer=customer,
            id_shown="1100100123450",
        )
    with pytest.raises(ServiceError) as unknown:
        linking.account_link_for_walk_in(
            staff=counter,
            ca_number="029999999999",
            customer=customer,
            id_shown="3100100123458",
        )
    assert str(wrong.value.message) == str(unknown.value.message)
    account.refresh_from_db()
    assert account.customer is None


def test_field_staff_cannot_link_at_the_counter(customer, office, technician):
    account = imported_account(office, holder_id="3100100123458")
    with pytest.raises(PermissionDenied):
        linking.account_link_for_walk_in(
            staff=technician,
            ca_number=account.ca_number,
            customer=customer,
            id_shown="3100100123458",
        )


# Services on existing accounts work for linked ones --------------------------------


def test_a_linked_account_can_be_filed_a_meter_test_for(customer, office):
    account = imported_account(office, holder_id=verified_id(customer))
    service = ServiceType.objects.get(code="meter-test")
    assert filing_form(service, customer) is None  # no account yet
    _link(customer, account)
    form = filing_form(service, customer)
    assert account in form.fields["account"].queryset
    data = {"account": str(account.pk), "contact_phone": "0812345678"}
    files = factories.documents_for(service)
    form = filing_form(
        service, customer, data, {f"doc_{k}": v for k, v in files.items()}
    )
    assert form.is_valid(), form.errors
    created = file_from_form(service, form, customer)
    assert created.account == account
    assert created.meter_size.code == "5(15)-1"  # from the billing system's code

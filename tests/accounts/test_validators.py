"""Thai identifiers: the national ID checksum, PDPA masking, mobile numbers."""

import pytest
from django.core.exceptions import ValidationError

from accounts.validators import (
    mask_national_id,
    mask_phone,
    national_id_checksum_ok,
    normalize_digits,
    normalize_mobile,
    validate_national_id,
    validate_thai_mobile,
)
from tests.factories import national_id

VALID_ID = national_id(42)  # 1000000000424


def _with_digit_changed(value: str, position: int) -> str:
    digit = str((int(value[position]) + 1) % 10)
    return value[:position] + digit + value[position + 1 :]


# National ID ------------------------------------------------------------------------


@pytest.mark.parametrize("seq", [1, 2, 42, 99_999, 12_345_678])
def test_it_accepts_a_national_id_with_a_good_checksum(seq):
    value = national_id(seq)

    assert national_id_checksum_ok(value)
    validate_national_id(value)  # does not raise


# The third digit carries weight 11 in the official algorithm, so a change
# there cannot be caught by any mod-11 check; every other position is.
@pytest.mark.parametrize("position", [0, 1, *range(3, 13)])
def test_it_rejects_a_national_id_with_one_digit_changed(position):
    changed = _with_digit_changed(VALID_ID, position)

    assert not national_id_checksum_ok(changed)
    with pytest.raises(ValidationError) as exc:
        validate_national_id(changed)
    assert exc.value.code == "national_id_checksum"


@pytest.mark.parametrize(
    "value", ["", "100000000042", "10000000004244", "1OOOOOOOOO424", "abcdefghijklm"]
)
def test_it_rejects_a_national_id_that_is_not_13_digits(value):
    with pytest.raises(ValidationError) as exc:
        validate_national_id(value)

    assert exc.value.code == "national_id_length"
    assert not national_id_checksum_ok(value)


@pytest.mark.parametrize(
    "typed",
    ["1-0000-00000-42-4", "1 0000 00000 42 4", " 1000000000424 ", "1-0000 00000-424"],
)
def test_it_accepts_a_national_id_typed_with_dashes_or_spaces(typed):
    assert normalize_digits(typed) == VALID_ID
    validate_national_id(typed)  # does not raise


def test_it_rejects_a_dashed_national_id_with_a_bad_checksum():
    with pytest.raises(ValidationError) as exc:
        validate_national_id("1-0000-00000-42-5")

    assert exc.value.code == "national_id_checksum"


def test_it_masks_all_but_the_last_three_digits_of_a_national_id():
    masked = mask_national_id("1234567890121")

    assert masked == "X-XXXX-XXXXX-12-1"
    assert "".join(c for c in masked if c.isdigit()) == "121"


@pytest.mark.parametrize("seq", [1, 42, 12_345_678])
def test_a_masked_national_id_shows_only_its_last_three_digits(seq):
    value = national_id(seq)

    masked = mask_national_id(value)

    assert "".join(c for c in masked if c.isdigit()) == value[-3:]
    assert value not in masked


def test_masking_an_empty_national_id_gives_an_empty_string():
    assert mask_national_id("") == ""


def test_it_masks_the_middle_of_a_phone_number():
    assert mask_phone("0812345678") == "081-XXX-5678"


# Mobile numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["0612345678", "0812345678", "0912345678", "081-234-5678", "081 234 5678"]
)
def test_it_accepts_a_thai_mobile_number(value):
    validate_thai_mobile(value)  # does not raise

    assert normalize_mobile(value) == value.replace("-", "").replace(" ", "")


@pytest.mark.parametrize("value", ["+66812345678", "+66 81 234 5678", "66812345678"])
def test_it_normalizes_the_international_form_of_a_mobile_number(value):
    assert normalize_mobile(value) == "0812345678"
    validate_thai_mobile(value)  # does not raise


@pytest.mark.parametrize(
    "value, why",
    [
        ("021234567", "Bangkok landline"),
        ("0212345678", "landline prefix with 10 digits"),
        ("+6621234567", "landline in international form"),
        ("081234567", "9 digits"),
        ("08123456789", "11 digits"),
        ("0512345678", "05 is not a mobile prefix"),
        ("", "empty"),
        ("08l2345678", "a letter"),
    ],
)
def test_it_rejects_what_is_not_a_thai_mobile_number(value, why):
    with pytest.raises(ValidationError) as exc:
        validate_thai_mobile(value)

    assert exc.value.code == "mobile", why

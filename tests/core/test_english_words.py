"""Amounts in English words (core.english_words), printed beside the Thai ones
on receipts and invoices: by hand, and read back by an independent parser."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.english_words import baht_words_en, number_words_en


@pytest.mark.parametrize(
    "amount, words",
    [
        ("107.00", "One Hundred Seven Baht Only"),
        ("21.00", "Twenty-One Baht Only"),
        ("0.00", "Zero Baht Only"),
        ("0.50", "Fifty Satang"),
        ("0.01", "One Satang"),
        ("1250.50", "One Thousand Two Hundred Fifty Baht and Fifty Satang"),
        ("15000.01", "Fifteen Thousand Baht and One Satang"),
        ("1000001", "One Million One Baht Only"),
        ("2140000", "Two Million One Hundred Forty Thousand Baht Only"),
        ("90019.99", "Ninety Thousand Nineteen Baht and Ninety-Nine Satang"),
        ("12.345", "Twelve Baht and Thirty-Five Satang"),  # rounded as the Thai
    ],
)
def test_english_words_by_hand(amount, words):
    assert baht_words_en(Decimal(amount)) == words


def test_a_negative_amount_has_no_words():
    with pytest.raises(ValueError):
        baht_words_en(Decimal("-1.00"))


# Read back, by a parser that shares nothing with the writer ----------------------

VALUES = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve "
        "thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
VALUES.update(
    twenty=20, thirty=30, forty=40, fifty=50, sixty=60, seventy=70, eighty=80,
    ninety=90,
)  # fmt: skip
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}


def _read(words: str) -> int:
    total = group = 0
    for word in words.lower().replace("-", " ").split():
        if word in VALUES:
            group += VALUES[word]
        elif word == "hundred":
            group *= 100
        else:
            total += group * SCALES[word]
            group = 0
    return total + group


def _read_baht(words: str) -> Decimal:
    words = words.removesuffix(" Only")
    baht, _, satang = words.partition(" Baht")
    if not _:  # satang alone
        return Decimal(_read(words.removesuffix(" Satang"))) / 100
    satang = satang.removeprefix(" and ").removesuffix(" Satang")
    return _read(baht) + Decimal(_read(satang) if satang else 0) / 100


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999_999_99))
def test_english_words_read_back_as_the_amount(satang):
    amount = Decimal(satang) / 100
    words = baht_words_en(amount)
    assert _read_baht(words) == amount
    assert "  " not in words and words == words.strip()


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_every_number_reads_back(n):
    assert _read(number_words_en(n)) == n

"""Amounts in English words, printed beside the Thai ones (core.thai_words) on
receipts and invoices, in the style Thai documents use: 107.00 → One Hundred
Seven Baht Only; 1,250.50 → One Thousand Two Hundred Fifty Baht and Fifty
Satang; 0.25 → Twenty-Five Satang."""

from decimal import ROUND_HALF_UP, Decimal

ONES = (
    "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve "
    "Thirteen Fourteen Fifteen Sixteen Seventeen Eighteen Nineteen"
).split()
TENS = "_ _ Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety".split()
SCALES = ["", "Thousand", "Million", "Billion", "Trillion"]


def _below_thousand(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = [ONES[hundreds], "Hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(TENS[tens] + (f"-{ONES[ones]}" if ones else ""))
    elif rest:
        words.append(ONES[rest])
    return words


def number_words_en(n: int) -> str:
    """0 ≤ n < 10^15 in words: 1,000,001 → One Million One."""
    if n == 0:
        return ONES[0]
    if not 0 < n < 1000 ** len(SCALES):
        raise ValueError(f"no English words for {n}")
    groups = []
    scale = 0
    while n:
        n, group = divmod(n, 1000)
        if group:
            groups.append(_below_thousand(group) + ([SCALES[scale]] * bool(scale)))
        scale += 1
    return " ".join(word for group in reversed(groups) for word in group)


def baht_words_en(amount) -> str:
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("a negative amount has no words on a receipt")
    baht, satang = divmod(int(amount * 100), 100)
    if satang == 0:
        return f"{number_words_en(baht)} Baht Only"
    cents = f"{number_words_en(satang)} Satang"
    return f"{number_words_en(baht)} Baht and {cents}" if baht else cents

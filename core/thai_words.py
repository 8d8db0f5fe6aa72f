"""Amounts in Thai words, as receipts print them: 107.00 → หนึ่งร้อยเจ็ดบาทถ้วน,
1,250.50 → หนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์."""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = ["ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า"]
PLACES = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"]


def _below_million(n: int, after_millions: bool = False) -> str:
    """Words for 0 < n < 1,000,000 (ones place read เอ็ด after a tens or more,
    twenty read ยี่สิบ, ten read สิบ)."""
    words = []
    digits = str(n)
    length = len(digits)
    for i, ch in enumerate(digits):
        d = int(ch)
        place = length - i - 1
        if d == 0:
            continue
        if place == 1 and d == 1:
            words.append("สิบ")
        elif place == 1 and d == 2:
            words.append("ยี่สิบ")
        elif place == 0 and d == 1 and (length > 1 or after_millions):
            words.append("เอ็ด")
        else:
            words.append(DIGITS[d] + PLACES[place])
    return "".join(words)


def number_words(n: int) -> str:
    if n == 0:
        return DIGITS[0]
    millions, rest = divmod(n, 1_000_000)
    head = number_words(millions) + "ล้าน" if millions else ""
    return head + (_below_million(rest, after_millions=bool(millions)) if rest else "")


def baht_words(amount) -> str:
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("a negative amount has no words on a receipt")
    baht, satang = divmod(int(amount * 100), 100)
    if satang == 0:
        return number_words(baht) + "บาทถ้วน"
    head = number_words(baht) + "บาท" if baht else ""
    return head + number_words(satang) + "สตางค์"

"""VAT is computed here and nowhere else."""

from decimal import ROUND_HALF_UP, Decimal

VAT_RATE = Decimal("0.07")
CENT = Decimal("0.01")


def split_vat(gross: Decimal) -> tuple[Decimal, Decimal]:
    """A VAT-inclusive amount as (net, vat): 107.00 → (100.00, 7.00)."""
    gross = Decimal(gross).quantize(CENT)
    net = (gross / (1 + VAT_RATE)).quantize(CENT, rounding=ROUND_HALF_UP)
    return net, gross - net


def vat_on(net: Decimal) -> Decimal:
    """The VAT on a VAT-exclusive amount (an electricity bill's energy, Ft and
    service charges): 100.00 → 7.00."""
    net = Decimal(net).quantize(CENT)
    return (net * VAT_RATE).quantize(CENT, rounding=ROUND_HALF_UP)

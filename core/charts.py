"""Bar charts drawn as inline SVG by the templates, readable without
JavaScript: the layout of the bars only (the templates label them and show
the same figures as a table)."""

from collections.abc import Sequence
from decimal import Decimal


def bars(
    values: Sequence[float | Decimal | None],
    *,
    width: float,
    height: float,
    top: float | Decimal = 0,
    headroom: float = 20,
    gap: float = 0.3,
) -> list[dict]:
    """One bar per value, left to right across `width`: x, w, and y, h from
    the baseline at `height`, scaled so that `top` (default: the largest
    value) reaches `headroom` below the top, room for a label above it."""
    if not values:
        return []
    top = float(top or max((float(v or 0) for v in values), default=0)) or 1.0
    step = width / len(values)
    out = []
    for i, value in enumerate(values):
        h = round(float(value or 0) / top * (height - headroom), 1)
        out.append(
            {
                "x": round(i * step + step * gap / 2, 1),
                "w": round(step * (1 - gap), 1),
                "y": round(height - h, 1),
                "h": h,
                "mid": round(i * step + step / 2, 1),
            }
        )
    return out

from django import template
from django.utils.safestring import mark_safe

from core.qr import qr_svg
from payments import thaiqr

register = template.Library()


@register.simple_tag
def invoice_qr(invoice) -> dict:
    """The Thai QR bill payment of an unpaid invoice, with its SVG."""
    data = thaiqr.for_invoice(invoice)
    data["svg"] = mark_safe(qr_svg(data["payload"], box_size=8))  # noqa: S308 - our SVG
    data["barcode_text"] = data["barcode"].replace("\r", " ")
    return data

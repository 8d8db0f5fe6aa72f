from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.code128 import code128_svg
from core.qr import qr_svg
from payments import thaiqr

register = template.Library()


@register.simple_tag
def invoice_qr(invoice) -> dict:
    """The Thai QR bill payment of an unpaid invoice, with its SVG, and the
    counter's Code 128 barcode of the bill-payment line."""
    data = thaiqr.for_invoice(invoice)
    data["svg"] = mark_safe(qr_svg(data["payload"], box_size=8))  # noqa: S308 - our SVG
    data["barcode_svg"] = mark_safe(  # noqa: S308 - our SVG
        code128_svg(data["barcode"], label=gettext("Counter barcode"))
    )
    data["barcode_text"] = data["barcode"].replace("\r", " ")
    return data


@register.simple_tag
def last_online_attempt(invoice):
    """How the invoice's last online payment attempt ended (declined, expired
    ...; `failed` when the customer may try again), for the request page."""
    from payments.selectors import online_payment_outcome

    return online_payment_outcome(invoice)

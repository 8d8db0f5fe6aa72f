from django import template

from meters.selectors import reconnection_refusal_offer

register = template.Library()


@register.inclusion_tag("meters/reconnection_refused.html")
def reconnection_refused(account):
    """The two ways on after a refused reconnection (charter §3.7, 90 days)."""
    return reconnection_refusal_offer(account)

from decimal import Decimal

from django import template

from anchors.rules import money as money_text

register = template.Library()


@register.filter
def money(value: Decimal) -> str:
    """``£12,345`` or ``£12,345.67``: the service's one way of writing pounds."""
    return money_text(value)

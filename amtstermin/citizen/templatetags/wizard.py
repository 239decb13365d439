"""Filters for the wizard's running totals and its time buttons."""

from collections.abc import Sequence

from django import template

from amtstermin.core.items import Item, total_fee, total_minutes
from amtstermin.core.summary import fee_text

register = template.Library()


@register.filter
def minutes(items: Sequence[Item]) -> int:
    return total_minutes(items)


@register.filter
def fees(items: Sequence[Item]) -> str:
    """ "92,00 €" or "gebührenfrei", as on the booked page."""
    return fee_text(total_fee(items))

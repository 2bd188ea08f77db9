from django import template

from money.formatting import money as format_money

register = template.Library()


@register.simple_tag
def money(minor, currency, locale="en_GB"):
    """``{% money invoice.total invoice.currency locale %}`` → "£70.00"."""
    if minor is None:
        return ""
    return format_money(int(minor), currency, locale)

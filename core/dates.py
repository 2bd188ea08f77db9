"""Moments written as the template's date filter writes them, for pages that write their rows in the view.

The ``date`` filter costs tens of microseconds a use; a list of rows through it was a large part of several pages'
time (docs/decisions.md, "Pages that list many rows write their words in the view"). These write the same text.
"""

from django.utils import dateformat, timezone


def shown_day(moment) -> str:
    """``moment``'s day where the page is shown, as ``|date:"j M Y"`` writes it ("7 Dec 2026")."""
    return written(timezone.localtime(moment), "j M Y")


def shown_date(moment) -> str:
    """``moment``'s day where the page is shown, as ``|date:"l j F Y"`` writes it ("Monday 7 December 2026")."""
    return written(timezone.localtime(moment), "l j F Y")


# The formats pages write for every row (a message, an invoice, an audit event), with what each gives ("7 Dec 2026,
# 09:05"). Python's strftime names months and days in the C locale, which is English whatever the machine's locale, as
# Tending is.
_WRITERS = {
    "j M Y": lambda local: f"{local.day} {local:%b %Y}",
    "j M Y, H:i": lambda local: f"{local.day} {local:%b %Y, %H:%M}",
    "l j F": lambda local: f"{local:%A} {local.day} {local:%B}",
    "l j F, H:i": lambda local: f"{local:%A} {local.day} {local:%B, %H:%M}",
    "l j F Y": lambda local: f"{local:%A} {local.day} {local:%B %Y}",
}


def written(local, date_format: str) -> str:
    """``local`` (a day, or a time already in the zone to show) as ``|date:date_format`` writes it: the commonest
    formats without Django's format parser, any other through it."""
    writer = _WRITERS.get(date_format)
    return writer(local) if writer is not None else dateformat.format(local, date_format)

"""Moments written as the template's date filter writes them, for pages that write their rows in the view.

The ``date`` filter costs tens of microseconds a use; a list of rows through it was a large part of several pages'
time (docs/decisions.md, "Pages that list many rows write their words in the view"). These write the same text.
"""

from django.utils import timezone


def shown_day(moment) -> str:
    """``moment``'s day where the page is shown, as ``|date:"j M Y"`` writes it ("7 Dec 2026")."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y}"


def shown_date(moment) -> str:
    """``moment``'s day where the page is shown, as ``|date:"l j F Y"`` writes it ("Monday 7 December 2026")."""
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"

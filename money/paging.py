"""Long money lists a page at a time, so a page costs the same after five years of sessions as after five."""

from django.core.paginator import Page

from core.compiled import Pages

# Invoices and receipts shown at once; anything still waiting to be paid is always shown above them.
PAGE_SIZE = 12


def page_of(items: Pages, request, param: str, *, count: int) -> Page:
    """The page of ``items`` (a kept read's pages) that ``request``'s ``param`` asks for, of ``PAGE_SIZE``; ``count``
    is how many there are, read by the caller with the totals it shows."""
    return items.page(request.GET.get(param), PAGE_SIZE, count=count)

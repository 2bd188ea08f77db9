"""Long money lists a page at a time, so a page costs the same after five years of sessions as after five."""

from django.core.paginator import Page, Paginator

# Invoices and receipts shown at once; anything still waiting to be paid is always shown above them.
PAGE_SIZE = 12


def page_of(items, request, param: str, *, count: int | None = None) -> Page:
    """The page of ``items`` (a list or queryset) that ``request``'s ``param`` asks for; ``count``, if the
    caller already knows how many there are, spares the paginator counting them again."""
    paginator = Paginator(items, PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(request.GET.get(param))

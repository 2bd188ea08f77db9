"""A page of a practice's clients, for the lists that name them (the owner's page, the office's clients)."""

from django.core.paginator import Page, Paginator

from practice.models import Client

# What the lists show of each person: their names, addresses and care, and their links (by uuid). Only these are read:
# fifty people and their therapists with every column were three hundred dates and times to convert.
_SHOWN = (
    "uuid",
    "preferred_name",
    "care_status",
    "user__name",
    "user__email",
    "therapist__user__name",
    "therapist__user__email",
)


def page_of_clients(found, per_page: int, number) -> tuple[Page, list[Client]]:
    """Page ``number`` of ``found`` (ordered clients) and that page's clients with their user and therapist.

    The page's keys first, in order, then the people of that page: sorting the whole practice with every person
    joined cost PostgreSQL 9 ms for two thousand clients (docs/benchmarks.md). On the owner's page, the page of
    people joined took 4 ms, the keys 1 ms and then the fifty people 2 ms (in process, 5 December).
    """
    page = Paginator(found.values_list("pk", flat=True), per_page).get_page(number)
    keys = list(page.object_list)
    people = Client.objects.filter(pk__in=keys).select_related("user", "therapist__user").only(*_SHOWN).in_bulk()
    return page, [people[key] for key in keys]

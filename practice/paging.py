"""A page of a practice's clients, for the lists that name them (the owner's page, the office's clients)."""

from typing import NamedTuple
from uuid import UUID

from django.core.paginator import Page, Paginator

from practice.models import Client, display_name


class ClientRow(NamedTuple):
    """What the lists show of a client: their names, address and care, and who they see."""

    pk: int
    uuid: UUID
    display_name: str
    email: str
    therapist_name: str
    care_status: str

    @property
    def care_status_label(self) -> str:
        return Client.CareStatus(self.care_status).label


# Read as rows, not people: fifty clients with their accounts and therapists were a hundred and fifty instances to
# build for a name, an address and a link each (docs/benchmarks.md, sixteenth pass).
_SHOWN = (
    "pk",
    "uuid",
    "preferred_name",
    "user__name",
    "user__email",
    "therapist__user__name",
    "therapist__user__email",
    "care_status",
)


def page_of_clients(found, per_page: int, number) -> tuple[Page, list[ClientRow]]:
    """Page ``number`` of ``found`` (ordered clients) and that page's clients as rows, in the same order.

    The page's keys first, in order, then the people of that page: sorting the whole practice with every person
    joined cost PostgreSQL 9 ms for two thousand clients (docs/benchmarks.md). On the owner's page, the page of
    people joined took 4 ms, the keys 1 ms and then the fifty people 2 ms (in process, 5 December).
    """
    page = Paginator(found.values_list("pk", flat=True), per_page).get_page(number)
    keys = list(page.object_list)
    rows = {}
    for pk, uuid, preferred, name, email, therapist_name, therapist_email, status in Client.objects.filter(
        pk__in=keys
    ).values_list(*_SHOWN):
        rows[pk] = ClientRow(
            pk, uuid, display_name(preferred, name, email), email, therapist_name or therapist_email, status
        )
    return page, [rows[key] for key in keys]

"""A page of a practice's clients, for the lists that name them (the owner's page, the office's clients)."""

from typing import NamedTuple
from uuid import UUID

from django.core.paginator import Page, Paginator

from core.compiled import CompiledRead, counted, kept_page
from practice.models import Client, display_name, staff_name


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


# The rows of a page's clients, read by a kept read (core/compiled.py) of one shape: the page's keys padded to
# ``_MOST`` with a key no client has. Built by the ORM on every view, with the page's fifty keys, the two reads of
# the owner's page were a fifth of its time at saturation (bench/spy.py; docs/benchmarks.md, twenty-fifth pass).
_MOST = 50
_KEYS = [f"key_{n}" for n in range(_MOST)]
_ROWS = CompiledRead(
    Client,
    lambda shape, **keys: Client.objects.filter(pk__in=[keys[name] for name in _KEYS]).values_list(*_SHOWN),
    dict.fromkeys(_KEYS, int),
)


def _rows_of(keys: list[int]) -> list[ClientRow]:
    """The clients of ``keys`` (at most ``_MOST``) as rows, in the same order."""
    if len(keys) > _MOST:
        raise ValueError(f"a page of at most {_MOST} clients")
    padded = dict(zip(_KEYS, [*keys, *[0] * (_MOST - len(keys))], strict=True))
    rows = {}
    for pk, uuid, preferred, name, email, therapist_name, therapist_email, status in _ROWS.rows(**padded):
        rows[pk] = ClientRow(
            pk, uuid, display_name(preferred, name, email), email, staff_name(therapist_name, therapist_email), status
        )
    return [rows[key] for key in keys]


class ClientList:
    """A list of a practice's clients, a page at a time: ``build(practice)`` gives them in order, ``search(found,
    query)`` those whose names hold what was typed.

    The page's keys first, in order, then the people of that page: sorting the whole practice with every person
    joined cost PostgreSQL 9 ms for two thousand clients (docs/benchmarks.md). On the owner's page, the page of
    people joined took 4 ms, the keys 1 ms and then the fifty people 2 ms (in process, 5 December). As the list opens
    (no search), its count and each page's keys are kept reads; a search's are built by the ORM each time (its words
    are wrapped in a pattern a kept read's stand-in cannot take). The rows are a kept read either way (``_rows_of``).
    """

    def __init__(self, build, search):
        self._build, self._search = build, search
        self._keys = CompiledRead(
            Client,
            lambda shape, *, practice: build(practice).values_list("pk")[shape[-2] : shape[-1]],
            {"practice": int},
        )
        self._count = CompiledRead(
            Client, lambda shape, *, practice: counted(build(practice), "practice"), {"practice": int}
        )

    def page(self, practice, per_page: int, number, *, query: str = "") -> tuple[Page, list[ClientRow]]:
        """Page ``number`` of the clients whose names hold ``query`` (all when it is empty), and that page's clients
        as rows, in the same order."""
        if query:
            found = self._search(self._build(practice), query).values_list("pk")
            page = Paginator(found, per_page).get_page(number)
        else:
            page = kept_page(self._keys, self._count, number, per_page, rows=True, practice=practice.pk)
        return page, _rows_of([key for (key,) in page.object_list])

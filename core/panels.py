"""Home-page panels contributed by each app, so no app edits another's templates.

An app adds ``<app>/panels.py`` defining any of these lists of callables:

    CLIENT_HOME      f(request, client) -> str   sections of the client's "My space"
    THERAPIST_HOME   f(request, staff) -> str    sections of the therapist's home
    CLIENT_RECORD    f(request, client) -> str   sections of a client's page for their therapist
    OWNER_HOME       f(request, staff) -> str    banners on the owner's practice page
    OWNER_PEOPLE     f(request, staff) -> str    sections below the people on the owner's practice page
    OFFICE_HOME      f(request, staff) -> str    bookings and money on the practice calendar (owners, administrators):
                                                 never clinical content, for an administrator sees it
    CLIENT_BOOKING_TERMS f(request, client) -> str   terms shown to a client before booking and when cancelling
    SHELL            f(request) -> [read]        not a panel: the kept reads the page around every view makes for
                                                 whoever is signed in (the navigation's counts), ``shell_reads``

Each returns rendered HTML (``render_to_string(..., request=request)``) or "" to
show nothing, and should use a fixed number of queries. ``ORDER`` (lower
first, default 100) places the app's panels among the others.

A panel that names its kept reads (``@reading(lambda request, subject: [READ.asked(...), ...])``, the same reads
it then makes) has them read before any panel is drawn, every panel's together in one statement on PostgreSQL
(``core.compiled.reads_ahead``): the client's home made fourteen, one statement each. A view that reads ahead reads
of its own reads its panels' with them (``panel_reads``) and the page shell's (``shell_reads``), and draws the page
inside that block.

Panels of one page that need the same rows (the client's coming appointments, whether an owner holds
emergency access) read them once through ``shared(request, key, compute)``: the first asks the
database, the others get the same answer for the rest of the request.
"""

import importlib
from functools import cache

from django.apps import apps

from core.compiled import reads_ahead
from core.html import format_rows

KINDS = (
    "CLIENT_HOME",
    "THERAPIST_HOME",
    "CLIENT_RECORD",
    "OWNER_HOME",
    "OWNER_PEOPLE",
    "OFFICE_HOME",
    "CLIENT_BOOKING_TERMS",
    "SHELL",
)


@cache
def _registry() -> dict[str, list]:
    found: dict[str, list] = {kind: [] for kind in KINDS}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.panels")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.panels":
                raise
            continue
        order = getattr(module, "ORDER", 100)
        for kind in KINDS:
            for position, func in enumerate(getattr(module, kind, [])):
                found[kind].append((order, config.name, position, func))
    return {kind: [entry[-1] for entry in sorted(entries, key=lambda e: e[:3])] for kind, entries in found.items()}


def shared(request, key, compute):
    """``compute()``, worked out once per request for ``key`` and shared by every panel that asks.

    ``key`` names what is read and for whom (say ``("bookings.upcoming", client.pk)``), so two panels
    asking the same question of the same client get the same answer, and a different client never does.
    The memo lives on the request: it goes with it, and nothing is shared between requests or people.
    """
    memo = request.__dict__.setdefault("_panels_shared", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def reading(declare):
    """Name a panel's kept reads: ``declare(request, subject)`` gives them (``CompiledRead.asked``), with the values
    the panel will ask them with (a value of the moment read once per request, ``shared``)."""

    def named(panel):
        panel.reads = declare
        return panel

    return named


def panel_reads(kind: str, request, subject) -> list:
    """The kept reads the panels of ``kind`` name for ``subject`` (``reading``): a view that reads ahead reads of its
    own can read these with them, and ``render_panels`` then finds them read."""
    return [read for func in _registry()[kind] if hasattr(func, "reads") for read in func.reads(request, subject)]


def shell_reads(request) -> list:
    """The kept reads the page around a view makes for whoever is signed in, for a view to read ahead with its own
    (the rows are there while the page is drawn inside its ``reads_ahead`` block)."""
    return [read for func in _registry()["SHELL"] for read in func(request)]


def render_panels(kind: str, request, subject) -> str:
    panels = _registry()[kind]
    with reads_ahead(panel_reads(kind, request, subject)):
        # Rendered templates are already safe; anything else a panel returns is escaped.
        return format_rows("", "{}", ((func(request, subject),) for func in panels))

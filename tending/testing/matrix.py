"""The authorization matrix: every URL, classified, with what each persona should get.

Each app lists its routes in ``<app>/matrix.py`` as ``ROUTES = [Route(...), ...]``.
``tending/tests/test_url_matrix.py`` fails when a URL in the URL table has no
Route, and checks every Route for every persona; the accessibility scan visits
every page a persona may open. Add your app's routes when you add its URLs.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps

ANON = "anonymous"
LOGIN = "login"  # anonymous visitors are sent to sign in
OK = 200
NOT_FOUND = 404

# Who may open a page of each kind. The rest get NOT_FOUND (signed in) or LOGIN (anonymous).
PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # anyone signed in (their own account pages)
CLIENT = "client"  # any client's own area (the page shows the signed-in client's own data)
CLIENT_OBJECT = "client_object"  # one object of client A's
THERAPIST = "therapist"  # any therapist's own area
THERAPIST_OF_CLIENT = "therapist_of_client"  # client A's record, for A's therapist
STAFF = "staff"  # any therapist or owner
OWNER = "owner"  # the owner's pages (Zed is the owner of another practice)
OWNER_OF_CLIENT = "owner_of_client"  # an owner managing client A (no clinical content)
OWNER_OF_STAFF = "owner_of_staff"  # an owner managing Ana (time away, leaving, coming back)
AUTH = "auth"  # allauth's own pages: checked only for "never a 5xx"

# The care personas (tending.testing.personas.add_care_personas) are therapists of Willow too:
# "former" handed client A over to Ana, "cover" covers for Ana while she is away. Neither may
# open anything of client A's (the cover sees the alerts sent to them: routes say so with
# ``expect``). "deactivated" left the practice: signed out, so treated as anonymous.
_WILLOW_THERAPISTS = {"therapist", "colleague", "former", "cover"}
_ALLOWED = {
    PUBLIC: {"anonymous", "client_a", "client_b", "outsider", "owner"} | _WILLOW_THERAPISTS,
    SIGNED_IN: {"client_a", "client_b", "outsider", "owner"} | _WILLOW_THERAPISTS,
    CLIENT: {"client_a", "client_b"},
    CLIENT_OBJECT: {"client_a"},
    THERAPIST: {"outsider"} | _WILLOW_THERAPISTS,
    THERAPIST_OF_CLIENT: {"therapist"},
    STAFF: {"outsider", "owner"} | _WILLOW_THERAPISTS,
    OWNER: {"owner", "outsider"},
    OWNER_OF_CLIENT: {"owner"},
    OWNER_OF_STAFF: {"owner"},
}
SIGNED_OUT = {"deactivated"}


@dataclass(frozen=True)
class Route:
    name: str
    kind: str
    # Builds the URL kwargs from the persona world (tending.testing.personas.World) and
    # whatever ``setup`` returned.
    kwargs: Callable | None = None
    # Makes the objects the route needs (e.g. a journal entry of client A's); gets the World.
    setup: Callable | None = None
    # "GET", "POST" or both. POST-only views are checked for refusal only.
    methods: tuple[str, ...] = ("GET",)
    # Form data for the refused-write check.
    post_data: Callable | dict = field(default_factory=dict)
    # Status an allowed persona gets on GET when it is not 200 (a redirect, say).
    ok_status: int = OK
    # Per-persona overrides of the expected GET status.
    expect: dict = field(default_factory=dict)
    # Query string to add on GET.
    query: str = ""
    # Leave out of the accessibility scan (downloads, feeds, JSON).
    not_a_page: bool = False

    def allowed(self) -> set[str]:
        """Who may use the route: its kind's personas, and any ``expect`` lets in."""
        granted = {persona for persona, status in self.expect.items() if status == self.ok_status}
        base = _ALLOWED.get(self.kind, set())
        return base | granted | (SIGNED_OUT if ANON in base else set())

    def expected(self, persona: str) -> int | str:
        if persona in SIGNED_OUT:
            persona = ANON
        if persona in self.expect:
            return self.expect[persona]
        if persona in self.allowed():
            return self.ok_status
        return LOGIN if persona == ANON else NOT_FOUND


def all_routes() -> list[Route]:
    routes: list[Route] = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.matrix")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.matrix":
                raise
            continue
        routes.extend(module.ROUTES)
    return routes

"""The authorization matrix: every URL, classified, with what each persona should get.

Each app lists its routes beside its tests, in ``<app>/tests/routes.py``, as
``ROUTES = [Route(...), ...]``. ``tending/tests/test_url_matrix.py`` fails when a URL in
the URL table has no Route, and checks every Route for every persona; the accessibility scan visits
every page a persona may open. Add your app's routes when you add its URLs.

A route that takes POST gives a valid submission (``post_data``): the matrix checks that its
natural writer's POST succeeds and writes something, and that everyone else's is refused and
writes nothing. Reading and writing may differ: who may only read a kind is in ``_READERS``.
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
THERAPIST_OF_CLIENT = "therapist_of_client"  # client A's clinical record: A's therapist writes, emergency reads
THERAPIST_OBJECT = "therapist_object"  # one thing of Ana's own (a template, a practice, a time away, an invitation)
STAFF = "staff"  # any staff member: a therapist, an owner, the administrator (their own lists)
CARE_TEAM = "care_team"  # any therapist or owner: pages about clients' care or safety, never the administrator
OWNER = "owner"  # the owner's pages (Zed is the owner of another practice)
OWNER_OF_CLIENT = "owner_of_client"  # an owner managing client A (no clinical content)
OWNER_OF_STAFF = "owner_of_staff"  # an owner managing Ana (time away, leaving, coming back)
OFFICE = "office"  # the practice's books and bookings: owners and the administrator, no clinical content
OFFICE_OF_CLIENT = "office_of_client"  # the office booking client A in (her appointments, not her record)
OFFICE_OF_STAFF = "office_of_staff"  # the office managing Ana's billing (a fee of hers, her registration)
BILLING_OF_CLIENT = "billing_of_client"  # client A's money (fees, invoices, payments): Ana and the office
AUTH = "auth"  # allauth's own pages: checked only for "never a 5xx"

# The care personas (tending.testing.personas.add_care_personas) are therapists of Willow too:
# "former" handed client A over to Ana, "cover" covers for Ana while she is away. Neither may
# open anything of client A's (the cover sees the alerts sent to them: routes say so with
# ``expect``). "deactivated" left the practice: signed out, so treated as anonymous.
#
# "emergency" (tending.testing.personas.add_emergency_persona) is Eve, a second owner of Willow
# holding an active emergency access grant for client A: an owner everywhere, who may also READ
# client A's clinical record (``_READERS``) but never change it (every write there is a 404).
EMERGENCY = "emergency"
#
# "administrator" (tending.testing.personas.add_administrator_persona) is Sam, Willow's practice
# administrator: not a therapist, not an owner. She runs bookings and money (OFFICE, OFFICE_OF_CLIENT,
# OFFICE_OF_STAFF, BILLING_OF_CLIENT, STAFF) and gets 404 on every clinical page and every owner-only one.
ADMINISTRATOR = "administrator"
#
# "ended" (tending.testing.personas.add_ended_persona) is Fern, Ana's client whose care has ended: a client
# everywhere (she keeps her own space: every CLIENT page opens, showing her own data), never anything of
# client A's, and refused what an ended client may no longer do (``ENDED_REFUSED``: booking a new session).
ENDED = "ended"
_WILLOW_THERAPISTS = {"therapist", "colleague", "former", "cover"}
_WILLOW_OWNERS = {"owner", EMERGENCY}
_WILLOW_OFFICE = _WILLOW_OWNERS | {ADMINISTRATOR}
_ALLOWED = {
    PUBLIC: {"anonymous", "client_a", "client_b", ENDED, "outsider"} | _WILLOW_OFFICE | _WILLOW_THERAPISTS,
    SIGNED_IN: {"client_a", "client_b", ENDED, "outsider"} | _WILLOW_OFFICE | _WILLOW_THERAPISTS,
    CLIENT: {"client_a", "client_b", ENDED},
    CLIENT_OBJECT: {"client_a"},
    THERAPIST: {"outsider"} | _WILLOW_THERAPISTS,
    THERAPIST_OF_CLIENT: {"therapist"},
    THERAPIST_OBJECT: {"therapist"},
    STAFF: {"outsider"} | _WILLOW_OFFICE | _WILLOW_THERAPISTS,
    CARE_TEAM: {"outsider"} | _WILLOW_OWNERS | _WILLOW_THERAPISTS,
    OWNER: {"outsider"} | _WILLOW_OWNERS,
    OFFICE: {"outsider"} | _WILLOW_OFFICE,
    OFFICE_OF_CLIENT: _WILLOW_OFFICE,
    OFFICE_OF_STAFF: _WILLOW_OFFICE,
    OWNER_OF_CLIENT: _WILLOW_OWNERS,
    OWNER_OF_STAFF: _WILLOW_OWNERS,
    BILLING_OF_CLIENT: {"therapist"} | _WILLOW_OFFICE,
}
# Who may also read (GET) a route of a kind, but not write (POST): a route's ``write_form`` says
# its GET is only the form for a write, so readers get 404 there too.
_READERS = {THERAPIST_OF_CLIENT: {EMERGENCY}}
# Personas who get what "owner" gets wherever a route's ``expect`` names the owner and not them.
_LIKE_OWNER = {EMERGENCY}
SIGNED_OUT = {"deactivated"}
# What a client whose care has ended may no longer do, by route name: the status the ended persona gets
# (GET and POST) where her kind would let her in. Kept here, beside the persona, so one list says what
# ending care takes away; a route's own ``expect`` still wins.
ENDED_REFUSED = {
    "bookings:book_session": NOT_FOUND,  # no new sessions: "Ask about coming back" instead (bookings:mine)
    # Her conversation with her therapist is kept to read; nobody would read a new message, so sending is
    # refused kindly (the page again, saying so: messaging.views_client.send) and no draft is kept.
    "messaging:send": 403,
    "messaging:draft": NOT_FOUND,
}
# Client A's care has ended (tending/tests/test_ended_client.py, the former therapist's view): what changes
# for whom, by route name, where it differs from ``Route.expected``. Her own pages stay hers; Ana, her
# therapist on record, still reads the record the practice keeps (retention), and sends nothing new.
AFTER_ENDING = {
    # Her sessions after the ending were cancelled with it (bookings, on care_status_changed): a cancelled
    # session can be neither moved nor cancelled again, so both send her back to the session's page.
    "bookings:session_move": {"client_a": 302},
    "bookings:session_cancel": {"client_a": 302},
    # A questionnaire waiting for her is withdrawn when care ends (no questionnaires after the ending).
    "measures:fill": {"client_a": NOT_FOUND},
    # Her safety plan is hers alone to change now: Ana reads the version that stood at the ending.
    "safetyplan:client_edit": {"therapist": NOT_FOUND},
}
# Who makes a route's write in the allowed-writes test, unless the route names ``writer``.
_WRITER = {
    PUBLIC: "anonymous",
    SIGNED_IN: "client_a",
    CLIENT: "client_a",
    CLIENT_OBJECT: "client_a",
    THERAPIST: "therapist",
    THERAPIST_OF_CLIENT: "therapist",
    THERAPIST_OBJECT: "therapist",
    STAFF: "therapist",
    CARE_TEAM: "therapist",
    OWNER: "owner",
    OFFICE: "owner",
    # The administrator makes these writes, so the matrix shows she can (the owner's are the same pages).
    OFFICE_OF_CLIENT: ADMINISTRATOR,
    OFFICE_OF_STAFF: ADMINISTRATOR,
    OWNER_OF_CLIENT: "owner",
    OWNER_OF_STAFF: "owner",
    BILLING_OF_CLIENT: "therapist",
}


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
    # Form data: a valid submission, which the route's ``writer`` makes in the allowed-writes check
    # and everyone else is refused in the refused-writes check. A dict, or a function of
    # (World, what ``setup`` returned) for data that depends on the world or the date.
    post_data: Callable | dict = field(default_factory=dict)
    # Status an allowed persona gets on GET when it is not 200 (a redirect, say).
    ok_status: int = OK
    # Per-persona overrides of the expected GET status.
    expect: dict = field(default_factory=dict)
    # Query string to add on GET.
    query: str = ""
    # Leave out of the accessibility scan (downloads, feeds, JSON).
    not_a_page: bool = False
    # The GET only shows the form for the POST (a new symptom, a note being written): someone who
    # may read the record but not change it (``_READERS``: an owner with emergency access) gets 404.
    write_form: bool = False
    # The persona who makes the allowed write (``test_allowed_writes_succeed``); by default the
    # kind's natural one (``_WRITER``): client A, Ana, or the owner.
    writer: str | None = None
    # Status the allowed write answers when it is neither a 2xx nor a redirect (which count as
    # success, except a redirect to the sign-in page).
    post_ok_status: int | None = None
    # Tables the allowed write must write to, where they are ones the no-writes guard leaves out
    # (tending.testing.db: an export's only write is its audit row).
    post_writes: tuple[str, ...] = ()
    # Why the allowed-writes check cannot make this route's write, when it cannot (a step that
    # needs something the test world does not have). Keep these few, and say why.
    post_skip: str = ""

    def _expect(self) -> dict:
        """``expect``, with the owner's expectation given to those who are owners too (``_LIKE_OWNER``), and
        client B's to the ended client (another client of Ana's, whose care has ended)."""
        expect = self.expect
        if "owner" in expect:
            expect = {**{persona: expect["owner"] for persona in _LIKE_OWNER}, **expect}
        if "client_b" in expect and ENDED not in expect and self.name not in ENDED_REFUSED:
            expect = {ENDED: expect["client_b"], **expect}
        return expect

    def allowed(self, method: str = "GET") -> set[str]:
        """Who may use the route with ``method``: its kind's personas (and on GET, unless the page is only
        a write form, its readers), and any ``expect`` lets in."""
        granted = {persona for persona, status in self._expect().items() if status == self.ok_status}
        base = _ALLOWED.get(self.kind, set())
        if ENDED in base and self.name in ENDED_REFUSED and ENDED not in self._expect():
            base = base - {ENDED}
        if method == "GET" and not self.write_form:
            base = base | _READERS.get(self.kind, set())
        return base | granted | (SIGNED_OUT if ANON in base else set())

    def expected(self, persona: str, method: str = "GET") -> int | str:
        if persona in SIGNED_OUT:
            persona = ANON
        expect = self._expect()
        if persona in expect:
            return expect[persona]
        if persona == ENDED and self.name in ENDED_REFUSED:
            return ENDED_REFUSED[self.name]
        if persona in self.allowed(method):
            return self.ok_status
        return LOGIN if persona == ANON else NOT_FOUND

    def expected_after_ending(self, persona: str, method: str = "GET") -> int | str:
        """What ``persona`` gets once client A's care has ended (``AFTER_ENDING``, else as before): on
        her own pages (CLIENT) client A then gets what the ended client gets."""
        after = AFTER_ENDING.get(self.name, {})
        if persona in after:
            return after[persona]
        if persona == "client_a" and self.kind == CLIENT:
            return self.expected(ENDED, method)
        return self.expected(persona, method)

    def post_writer(self) -> str:
        """Who makes this route's allowed write."""
        return self.writer or _WRITER[self.kind]


def form_data(*forms) -> dict:
    """A submission of ``forms`` (forms or formsets, unbound) just as they stand: their initial values,
    named as the page names them. For ``post_data`` of a long settings form, with the field to change
    put on top: ``{**form_data(SettingsForm(instance=...)), "name": "Renamed"}``."""
    data: dict = {}
    for form in forms:
        parts = [form.management_form, *form.forms] if hasattr(form, "management_form") else [form]
        for part in parts:
            for bound in part:
                value = bound.value()
                if value is None or value is False:
                    continue  # an unticked box, an empty optional field: a browser sends nothing
                if value is True:
                    data[bound.html_name] = "on"
                    continue
                shown = bound.field.widget.format_value(value) if not isinstance(value, list | tuple) else value
                if shown is None:
                    continue  # an empty text field
                data[bound.html_name] = [str(v) for v in shown] if isinstance(shown, list | tuple) else str(shown)
    return data


def all_routes() -> list[Route]:
    routes: list[Route] = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tests.routes")
        except ModuleNotFoundError as error:
            # Django's own apps and allauth have no tests package; ours may have no routes.
            if error.name not in {f"{config.name}.tests", f"{config.name}.tests.routes"}:
                raise
            continue
        routes.extend(module.ROUTES)
    return routes

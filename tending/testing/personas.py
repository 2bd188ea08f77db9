"""The people every access test is written against (STYLE.md: one base with personas).

owner      Olive, owner of Willow (not a therapist)
therapist  Ana, therapist at Willow; client A's therapist
colleague  Ben, another therapist at Willow
outsider   Zed, therapist at another practice (Oak)
client_a   Cara, Ana's client
client_b   Dev, also Ana's client (so "a client sees only themselves" is tested within one caseload)
client_c   Eli, Ben's client
stranger   Sam, Zed's client at Oak

and, where a test adds them with ``add_care_personas`` (care changing hands):
former       Fay, therapist at Willow, who handed client A over to Ana (notes went with Cara)
cover        Cy, therapist at Willow, covering for Ana, who is away today
deactivated  Dee, a therapist who has left Willow

and, where a test adds her with ``add_emergency_persona``:
emergency    Eve, a second owner of Willow (not a therapist) holding an active emergency access grant
             for client A: she may read Cara's clinical record, and change none of it

and, where a test adds her with ``add_administrator_persona``:
administrator  Sam Admin, Willow's practice administrator (neither owner nor therapist): bookings and
               money for the whole practice, and no clinical page at all

and, where a test adds her with ``add_ended_persona``:
ended        Fern, Ana's client whose care has ended (an ending summary prepared together, then care
             ended a month ago): she keeps her own space, books no new session, sees nobody else's
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.test import Client as HttpClient
from django.test import RequestFactory, TestCase

from bookings.models import Appointment
from care.services import away_period_save, client_hand_over, staff_deactivate
from ending.models import Ending
from messaging.services import conversation_for
from notes import services as notes
from practice.care_status import care_status_change
from practice.services import emergency_access_grant
from tending.testing.factories import PASSWORD, ClientFactory, PracticeFactory, StaffFactory, UserFactory


@dataclass
class World:
    practice: object
    other_practice: object
    owner: object
    therapist: object
    colleague: object
    outsider: object
    client_a: object
    client_b: object
    client_c: object
    stranger: object

    def user(self, persona: str):
        """The User behind a persona name, or None for 'anonymous'."""
        if persona == "anonymous":
            return None
        return getattr(self, persona).user


PERSONAS = ("anonymous", "client_a", "client_b", "therapist", "colleague", "outsider", "owner")
CARE_PERSONAS = ("former", "cover", "deactivated")
EMERGENCY_PERSONAS = ("emergency",)
ADMINISTRATOR_PERSONAS = ("administrator",)
ENDED_PERSONAS = ("ended",)


def build_world() -> World:
    willow = PracticeFactory(name="Willow Tree Therapy", slug="willow")
    oak = PracticeFactory(name="Oak Practice", slug="oak")
    owner = StaffFactory(
        practice=willow,
        is_owner=True,
        is_therapist=False,
        user=UserFactory(email="olive@willow.test", name="Olive Owner"),
    )
    ana = StaffFactory(practice=willow, user=UserFactory(email="ana@willow.test", name="Ana Therapist"))
    ben = StaffFactory(practice=willow, user=UserFactory(email="ben@willow.test", name="Ben Therapist"))
    zed = StaffFactory(practice=oak, is_owner=True, user=UserFactory(email="zed@oak.test", name="Zed Outsider"))
    return World(
        practice=willow,
        other_practice=oak,
        owner=owner,
        therapist=ana,
        colleague=ben,
        outsider=zed,
        client_a=ClientFactory(therapist=ana, user=UserFactory(email="cara@willow.test", name="Cara Client")),
        client_b=ClientFactory(therapist=ana, user=UserFactory(email="dev@willow.test", name="Dev Client")),
        client_c=ClientFactory(therapist=ben, user=UserFactory(email="eli@willow.test", name="Eli Client")),
        stranger=ClientFactory(therapist=zed, user=UserFactory(email="sam@oak.test", name="Sam Stranger")),
    )


def add_care_personas(w: World) -> World:
    """Fay handed Cara over to Ana (with her notes); Ana is away today with Cy covering; Dee has left."""

    willow = w.practice
    w.former = StaffFactory(practice=willow, user=UserFactory(email="fay@willow.test", name="Fay Former"))
    w.cover = StaffFactory(practice=willow, user=UserFactory(email="cy@willow.test", name="Cy Cover"))
    w.deactivated = StaffFactory(practice=willow, user=UserFactory(email="dee@willow.test", name="Dee Departed"))
    w.client_a.therapist = w.former
    w.client_a.save(update_fields=["therapist"])
    start = datetime(2025, 6, 2, 9, tzinfo=UTC)
    session = Appointment.objects.create(
        practice=willow,
        therapist=w.former,
        client=w.client_a,
        kind="session",
        start=start,
        end=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=60),
        status="completed",
    )
    w.former_note = notes.note_start(appointment=session, author=w.former)
    notes.note_save(note=w.former_note, by=w.former, text={"mind": "Fay's note"})
    notes.note_sign(note=w.former_note, by=w.former)
    client_hand_over(
        client=w.client_a, to_therapist=w.therapist, notes_go=True, future="move", reason="Fay is leaving", by=w.owner
    )
    w.client_a.refresh_from_db()
    today = w.therapist.today()
    away_period_save(staff=w.therapist, starts_on=today, ends_on=today, cover=w.cover, message="", by=w.therapist)
    staff_deactivate(staff=w.deactivated, by=w.owner)
    return w


def add_emergency_persona(w: World) -> World:
    """Eve, a second owner of Willow, asked for emergency access to Cara's record (it lasts
    ``settings.TENDING_EMERGENCY_ACCESS_MINUTES``, far longer than any test)."""
    w.emergency = StaffFactory(
        practice=w.practice,
        is_owner=True,
        is_therapist=False,
        user=UserFactory(email="eve@willow.test", name="Eve Owner"),
    )
    w.emergency_grant = emergency_access_grant(
        owner=w.emergency, client=w.client_a, reason="A risk alert came in and Ana cannot be reached"
    )
    return w


def add_administrator_persona(w: World) -> World:
    """Sam, who runs Willow's bookings and money (``StaffMember.is_administrator``)."""
    w.administrator = StaffFactory(
        practice=w.practice,
        is_owner=False,
        is_therapist=False,
        is_administrator=True,
        user=UserFactory(email="sam.admin@willow.test", name="Sam Admin"),
    )
    return w


def end_care(client, *, by, days_ago: int = 30, follow_up: bool = True) -> Ending:
    """End ``client``'s care ``days_ago`` days ago the way the ending page does: an ending summary prepared
    together (the client's words, the therapist's letter, the follow-up chosen), then care ended, which marks
    it ended with the copy the therapist keeps and plans the follow-ups (ending.receivers)."""
    ended_on = by.today() - timedelta(days=days_ago)
    words = {
        "started_words": "I could not sleep and the worry was loud.",
        "now_words": "I sleep most nights, and I know what to do when it gets loud.",
        "helped_words": "Breathing on the train, and being kinder to myself.",
        "carry_words": "The soothing rhythm, and my safety plan.",
        "letter": "It has been a privilege to work with you.",
        "follow_up": follow_up,
    }
    preparing = Ending.objects.filter(client=client, state=Ending.State.PREPARING).first()
    if preparing is None:
        preparing = Ending.objects.create(client=client, therapist=by, started_by=by, planned_on=ended_on, **words)
    else:
        for name, value in words.items():
            setattr(preparing, name, value)
        preparing.save()
    care_status_change(client=client, status=client.CareStatus.ENDED, since=ended_on, staff=by)
    client.refresh_from_db()
    preparing.refresh_from_db()
    return preparing


def add_ended_persona(w: World) -> World:
    """Fern, Ana's client, whose care ended a month ago (Ana stays her therapist on record)."""
    w.ended = ClientFactory(
        practice=w.practice, therapist=w.therapist, user=UserFactory(email="fern@willow.test", name="Fern Ended")
    )
    conversation_for(client=w.ended)  # she wrote to Ana while in care: the conversation is hers to reread
    w.ended_ending = end_care(w.ended, by=w.therapist)
    return w


class TendingTestCase(TestCase):
    """Base test case: ``self.w`` is the persona world; ``self.as_(persona)`` gives a signed-in test client."""

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def staff_request(self, staff=None):
        """A request from ``staff`` (the therapist by default), as a page's panels are given it."""
        request = RequestFactory().get("/")
        request.staff = staff or self.w.therapist
        request.user = request.staff.user
        return request

    def as_(self, persona: str) -> HttpClient:
        http = HttpClient()
        user = self.w.user(persona)
        if user is not None:
            http.force_login(user, backend="accounts.backends.ModelBackend")
        return http


__all__ = [
    "ADMINISTRATOR_PERSONAS",
    "CARE_PERSONAS",
    "EMERGENCY_PERSONAS",
    "ENDED_PERSONAS",
    "PASSWORD",
    "PERSONAS",
    "TendingTestCase",
    "World",
    "add_administrator_persona",
    "add_care_personas",
    "add_emergency_persona",
    "add_ended_persona",
    "build_world",
    "end_care",
]

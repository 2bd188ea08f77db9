"""The people every access test is written against (STYLE.md: one base with personas).

owner      Olive, owner of Willow (not a therapist)
therapist  Ana, therapist at Willow; client A's therapist
colleague  Ben, another therapist at Willow
outsider   Zed, therapist at another practice (Oak)
client_a   Cara, Ana's client
client_b   Dev, also Ana's client (so "a client sees only themselves" is tested within one caseload)
client_c   Eli, Ben's client
stranger   Sam, Zed's client at Oak
"""

from dataclasses import dataclass

from django.test import Client as HttpClient
from django.test import TestCase

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


class TendingTestCase(TestCase):
    """Base test case: ``self.w`` is the persona world; ``self.as_(persona)`` gives a signed-in test client."""

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def as_(self, persona: str) -> HttpClient:
        http = HttpClient()
        user = self.w.user(persona)
        if user is not None:
            http.force_login(user, backend="accounts.backends.ModelBackend")
        return http


__all__ = ["PASSWORD", "PERSONAS", "TendingTestCase", "World", "build_world"]

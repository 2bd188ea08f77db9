"""Create (or refresh) the demo practice, Willow Tree Therapy, and print its logins.

Each app may add history to the demo in ``<app>/demo.py`` with a
``seed(demo: DemoPractice)`` function (and an optional ``ORDER``, lower runs
first). Running the command again changes nothing that already exists.
"""

import importlib
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from practice.models import Client, Practice, StaffMember

DESCRIPTION = (
    "Compassion-led therapy puts you at the heart of the work. We look gently at what you are "
    "experiencing in your mind, your body and your soul, and at the reasons beneath the symptoms that "
    "brought you here, so that change can last. We take things at your pace: there is no set number of "
    "sessions. Mindfulness practices you can use between sessions and self-care help you grow kinder "
    "towards yourself. A free initial consultation is always available."
)


@dataclass
class DemoPractice:
    practice: Practice
    owner: StaffMember
    ana: StaffMember
    ben: StaffMember
    cara: Client
    dev: Client
    eli: Client
    password: str
    # Sam Carter runs the practice's bookings and money, and sees no clinical record.
    administrator: StaffMember | None = None
    # Fran Hughes, Ben's client whose care has ended (ending/demo.py): she keeps her space.
    fran: Client | None = None


def _user(email: str, name: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, name=name)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def build_demo(password: str) -> DemoPractice:
    practice, _ = Practice.objects.get_or_create(
        slug="willow-tree",
        defaults={
            "name": "Willow Tree Therapy",
            "time_zone": "Europe/London",
            "country": "GB",
            "description": DESCRIPTION,
            "contact_email": "hello@demo.tending.test",
        },
    )

    def staff(email, name, *, owner, therapist, administrator=False, bio=""):
        member, _ = StaffMember.objects.get_or_create(
            user=_user(email, name, password),
            defaults={
                "practice": practice,
                "is_owner": owner,
                "is_therapist": therapist,
                "is_administrator": administrator,
                "bio": bio,
            },
        )
        return member

    owner = staff("owner@demo.tending.test", "Olivia Owen", owner=True, therapist=False)
    ana = staff(
        "ana@demo.tending.test",
        "Ana Moreno",
        owner=False,
        therapist=True,
        bio="Ana works with anxiety, panic and the harsh inner critic, using compassion-focused therapy and mindfulness.",
    )
    ben = staff(
        "ben@demo.tending.test",
        "Ben Okafor",
        owner=False,
        therapist=True,
        bio="Ben works with low mood, loss and stress that shows up in the body.",
    )

    administrator = staff("admin@demo.tending.test", "Sam Carter", owner=False, therapist=False, administrator=True)

    def client(email, name, therapist):
        member, _ = Client.objects.get_or_create(
            user=_user(email, name, password), defaults={"practice": practice, "therapist": therapist}
        )
        return member

    return DemoPractice(
        practice=practice,
        owner=owner,
        ana=ana,
        ben=ben,
        cara=client("cara@demo.tending.test", "Cara Lewis", ana),
        dev=client("dev@demo.tending.test", "Dev Patel", ana),
        eli=client("eli@demo.tending.test", "Eli Walsh", ben),
        password=password,
        administrator=administrator,
        fran=client("fran@demo.tending.test", "Fran Hughes", ben),
    )


def demo_seeders():
    """Each installed app's ``demo.seed``, in ORDER."""
    seeders = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        seeders.append((getattr(module, "ORDER", 100), config.name, module.seed))
    return sorted(seeders)


class Command(BaseCommand):
    help = "Create the demo practice (Willow Tree Therapy) and print its logins."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="tending-demo", help="Password for every demo login.")

    def handle(self, *args, password, **options):
        with transaction.atomic():
            demo = build_demo(password)
            for _order, name, seed in demo_seeders():
                seed(demo)
                self.stdout.write(f"  demo history: {name}")
        self.stdout.write(self.style.SUCCESS(f"\nDemo practice ready: {demo.practice.name}"))
        self.stdout.write(f"Every demo login uses the password: {password}\n")
        rows = [
            ("Owner", demo.owner.user.email),
            ("Administrator", demo.administrator.user.email),
            ("Therapist", demo.ana.user.email),
            ("Therapist", demo.ben.user.email),
            ("Client (Ana's)", demo.cara.user.email),
            ("Client (Ana's)", demo.dev.user.email),
            ("Client (Ben's)", demo.eli.user.email),
            ("Client (ended)", demo.fran.user.email),
        ]
        for role, email in rows:
            self.stdout.write(f"  {role:<16} {email}")

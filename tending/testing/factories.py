from datetime import datetime, time, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from bookings.models import Appointment
from practice.models import Client, Practice, StaffMember

PASSWORD = "a-long-test-password"


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    time_zone = "Europe/London"
    country = "GB"
    description = "We work gently, at your pace."


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    practice = factory.SubFactory(PracticeFactory)
    user = factory.SubFactory(UserFactory)
    is_therapist = True
    is_owner = False


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    practice = factory.SelfAttribute("therapist.practice")
    therapist = factory.SubFactory(StaffFactory)
    user = factory.SubFactory(UserFactory)


def on_practice_calendar(practice, *, days: int, hour: int) -> datetime:
    """``hour`` o'clock, ``days`` from today (negative: before it), on the practice's own calendar.

    Not by UTC's date nor "now plus so many days": a New York practice's evening is already tomorrow in UTC,
    and a moment built that way lands a day off the dates the practice's pages print at some hours of the day
    (docs/testing.md).
    """
    zone = practice.zone
    return datetime.combine(timezone.localdate(timezone=zone) + timedelta(days=days), time(hour), tzinfo=zone)


def session_for(client, start, **fields) -> Appointment:
    """A 50-minute session with its 10-minute buffer, for the client with their own therapist."""
    return Appointment.objects.create(
        practice=client.practice,
        therapist=client.therapist,
        client=client,
        start=start,
        end=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=60),
        **fields,
    )

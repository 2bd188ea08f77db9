"""Demo calendar: availability for Ana and Ben, a few consultation requests, and about six months of
sessions for Cara (weekly), Dev and Eli (fortnightly), with the next ones booked. Idempotent: each
demo appointment carries an idempotency key derived from who and when."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from bookings.models import Appointment, Availability, BookingSettings, Consultation, Kind, Mode, WorkingHours
from bookings.services_appointments import SlotTaken, appointment_book
from bookings.services_front_door import consultation_create

ORDER = 20  # before the notes and journey demos, which hang things on these sessions

APPROACH = (
    "Compassion-led therapy starts from kindness: towards you, and in time from you towards yourself.\n\n"
    "We look at the whole of you (your thoughts and feelings, how things show up in your body, and what "
    "brings you peace) and at the reasons underneath what you're going through, not only the signs of it. "
    "Mindfulness and self-care give you ways to keep that going outside the room.\n\n"
    "There is no set number of sessions. We go at your pace, and you book the next one when you're ready."
)
OTHER_HELP = "Your GP\nMind: 0300 123 3393 (weekdays)\nSamaritans: 116 123 (free, any time)"


def _hours(therapist, ranges):
    for weekday, start, end in ranges:
        WorkingHours.objects.get_or_create(therapist=therapist, weekday=weekday, start_time=start, end_time=end)


def _book(*, therapist, client=None, consultation=None, kind, start, status, mode=Mode.IN_PERSON):
    """Book through the service every booking path uses, sending nothing (the demo's history is not news)."""
    key = f"demo:{(client.uuid if client else consultation.uuid)}:{start:%Y%m%dT%H%M}"
    if Appointment.objects.filter(idempotency_key=key).exists():
        return None
    try:
        return appointment_book(
            therapist=therapist,
            client=client,
            consultation=consultation,
            kind=kind,
            mode=mode,
            start=start,
            status=status,
            booked_by="client" if client else "visitor",
            key=key,
        )
    except SlotTaken:
        return None  # something else already sits at that time; the demo skips it


def _at(day, clock, zone):
    return datetime.combine(day, clock, tzinfo=zone)


def _series(demo, *, client, therapist, weekday, clock, every_weeks, mode):
    zone = demo.practice.zone
    today = timezone.now().astimezone(zone).date()
    # The most recent such weekday strictly before today, then back about six months.
    last = today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    weeks = range(0, 26, every_weeks)
    for back in weeks:
        start = _at(last - timedelta(weeks=back), clock, zone)
        _book(
            therapist=therapist,
            client=client,
            kind=Kind.SESSION,
            start=start,
            status=Appointment.Status.COMPLETED,
            mode=mode,
        )
    upcoming = _at(last + timedelta(weeks=every_weeks if every_weeks > 1 else 1), clock, zone)
    if upcoming < timezone.now() + timedelta(days=1):
        upcoming += timedelta(weeks=1)
    _book(
        therapist=therapist,
        client=client,
        kind=Kind.SESSION,
        start=upcoming,
        status=Appointment.Status.CONFIRMED,
        mode=mode,
    )


def seed(demo):
    rules, _ = BookingSettings.objects.get_or_create(practice=demo.practice)
    if not rules.approach:
        rules.approach = APPROACH
        rules.other_help = OTHER_HELP
        rules.save(update_fields=["approach", "other_help"])

    _hours(
        demo.ana, [(d, time(9, 0), time(13, 0)) for d in range(4)] + [(d, time(14, 0), time(17, 30)) for d in range(4)]
    )
    _hours(demo.ben, [(d, time(10, 0), time(16, 0)) for d in range(1, 5)])
    Availability.objects.get_or_create(therapist=demo.ana)
    Availability.objects.get_or_create(therapist=demo.ben, defaults={"buffer_minutes": 15})

    _series(
        demo, client=demo.cara, therapist=demo.ana, weekday=1, clock=time(10, 0), every_weeks=1, mode=Mode.IN_PERSON
    )
    _series(demo, client=demo.dev, therapist=demo.ana, weekday=2, clock=time(14, 0), every_weeks=2, mode=Mode.ONLINE)
    _series(demo, client=demo.eli, therapist=demo.ben, weekday=3, clock=time(11, 0), every_weeks=2, mode=Mode.IN_PERSON)

    zone = demo.practice.zone
    today = timezone.now().astimezone(zone).date()
    requests = [
        (
            "Sam Rivers",
            "sam.rivers@example.test",
            demo.ana,
            3,
            time(9, 0),
            Appointment.Status.CONFIRMED,
            "Work stress and not sleeping.",
        ),
        ("Jo Park", "jo.park@example.test", demo.ana, 4, time(16, 0), Appointment.Status.REQUESTED, ""),
        (
            "Alex Byrne",
            "alex.byrne@example.test",
            demo.ben,
            5,
            time(10, 0),
            Appointment.Status.CONFIRMED,
            "Grief after losing my dad.",
        ),
    ]
    for name, email, therapist, days, clock, status, note in requests:
        consultation = Consultation.objects.filter(practice=demo.practice, email=email).first()
        if consultation is None:
            consultation = consultation_create(practice=demo.practice, name=name, email=email, note=note)
        if consultation.appointments.exists():
            continue
        day = today + timedelta(days=days)
        while day.weekday() > 3 and therapist == demo.ana or day.weekday() in (0, 5, 6) and therapist == demo.ben:
            day += timedelta(days=1)
        _book(
            therapist=therapist,
            consultation=consultation,
            kind=Kind.CONSULTATION,
            start=_at(day, clock, zone),
            status=status,
            mode=Mode.ONLINE,
        )

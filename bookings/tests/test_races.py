"""Real concurrency: threads with their own database connections race for the same and overlapping times.

Run on SQLite (the default) and on PostgreSQL (DATABASE_URL=postgres://...): each
slot ends with exactly one booking, every loser gets SlotTaken (never a 500-worthy
error), and nothing is duplicated.
"""

from datetime import timedelta

import pytest

from bookings.models import Appointment, Consultation, Kind
from bookings.services_appointments import SlotTaken, appointment_move
from bookings.services_front_door import consultation_book
from bookings.services_sessions import session_book
from bookings.slots import free_slots
from bookings.tests.helpers import open_every_day
from outbox.models import Email
from tending.testing.concurrency import race as run_together
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def race(jobs):
    """Run each job in its own thread, released together; return (results, errors)."""
    return run_together(jobs, expected=(SlotTaken,))


@pytest.fixture
def therapist():
    practice = PracticeFactory()
    staff = StaffFactory(practice=practice)
    open_every_day(staff, minimum_notice_hours=0)
    return staff


def test_many_visitors_racing_for_few_slots_book_each_slot_once(therapist):
    slots = free_slots(therapist, Kind.CONSULTATION)[:4]
    jobs = []
    for n in range(24):
        slot = slots[n % len(slots)]
        jobs.append(
            lambda n=n, slot=slot: consultation_book(
                practice=therapist.practice,
                therapists=[therapist],
                start=slot.start,
                name=f"Visitor {n}",
                email=f"visitor{n}@example.test",
            )
        )
    results, errors = race(jobs)
    assert errors == []
    booked = [r for r in results if not isinstance(r, SlotTaken)]
    taken = [r for r in results if isinstance(r, SlotTaken)]
    assert len(booked) == 4
    assert len(taken) == 20
    assert all(t.message.startswith("Sorry, that time was just taken") for t in taken)
    active = Appointment.objects.active().filter(therapist=therapist)
    assert sorted(a.start for a in active) == sorted(s.start for s in slots)
    # The losers' details were not kept.
    assert Consultation.objects.count() == 4


def test_overlapping_starts_from_clients_and_visitors_never_overlap(therapist):
    first = free_slots(therapist, Kind.SESSION)[0].start
    clients = [ClientFactory(therapist=therapist) for _ in range(6)]
    jobs = []
    # Sessions at 0, 10, 20, 30 minutes past, and consultations at 5 and 15: all overlap each other.
    for n, client in enumerate(clients[:4]):
        jobs.append(
            lambda client=client, n=n: session_book(
                client=client, start=first + timedelta(minutes=10 * n), mode="online", by="client", check_slot=False
            )
        )
    for n in range(2):
        jobs.append(
            lambda n=n: consultation_book(
                practice=therapist.practice,
                therapists=[therapist],
                start=first + timedelta(minutes=5 + 10 * n),
                name="V",
                email=f"v{n}@example.test",
            )
        )
    jobs = jobs * 2  # every attempt twice, at once
    results, errors = race(jobs)
    assert errors == []
    rows = list(Appointment.objects.active().filter(therapist=therapist).order_by("start"))
    assert len(rows) == 1
    for earlier, later in zip(rows, rows[1:], strict=False):
        assert earlier.blocked_until <= later.start


def test_a_retried_submission_with_the_same_key_books_once(therapist):
    slot = free_slots(therapist, Kind.CONSULTATION)[0]
    jobs = [
        lambda: consultation_book(
            practice=therapist.practice,
            therapists=[therapist],
            start=slot.start,
            name="Rae",
            email="rae@example.test",
            key="same-key-123",
        )
        for _ in range(8)
    ]
    results, errors = race(jobs)
    assert errors == []
    assert Appointment.objects.filter(idempotency_key="same-key-123").count() == 1
    assert Appointment.objects.count() == 1
    assert Consultation.objects.count() == 1
    # Every retry got the one booking (or, at worst, a kind "taken"), never an error.
    appointment = Appointment.objects.get()
    assert {r.appointment.pk for r in results if not isinstance(r, SlotTaken)} == {appointment.pk}


def test_a_session_submitted_again_and_again_at_once_books_once_and_says_so_once(therapist):
    client = ClientFactory(therapist=therapist)
    slot = free_slots(therapist, Kind.SESSION)[0]
    jobs = [
        lambda: session_book(client=client, start=slot.start, mode="online", by="client", key="tap-tap-tap")
        for _ in range(8)
    ]
    results, errors = race(jobs)
    assert errors == []
    appointment = Appointment.objects.get()
    assert {r.pk for r in results if not isinstance(r, SlotTaken)} == {appointment.pk}
    # One booking, one email: a submission that lost to its own earlier self sends nothing again.
    assert Email.objects.filter(kind="Appointment booked").count() == 1


def test_clients_moving_sessions_onto_the_same_time_at_once_leave_one_there(therapist):
    slots = free_slots(therapist, Kind.SESSION)
    target = slots[0].start
    sessions = [
        session_book(client=ClientFactory(therapist=therapist), start=slots[5 + n].start, mode="online", by="client")
        for n in range(6)
    ]
    jobs = [
        lambda pk=appointment.pk: appointment_move(
            appointment=Appointment.objects.select_related("therapist__practice", "practice", "client__user").get(
                pk=pk
            ),
            start=target,
            by="client",
            check_slot=False,
        )
        for appointment in sessions
    ]
    results, errors = race(jobs)
    assert errors == []
    assert sum(1 for r in results if not isinstance(r, SlotTaken)) == 1
    assert Appointment.objects.active().filter(therapist=therapist, start=target).count() == 1
    assert Appointment.objects.active().filter(therapist=therapist).count() == 6

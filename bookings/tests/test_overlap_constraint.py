"""The database itself refuses two overlapping active appointments of one therapist."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from bookings.models import Appointment, Kind
from tending.testing.personas import TendingTestCase

START = datetime(2031, 3, 4, 10, 0, tzinfo=UTC)


def make(w, start, minutes=50, buffer=10, therapist=None, client=None, status=Appointment.Status.CONFIRMED):
    therapist = therapist or w.therapist
    return Appointment.objects.create(
        practice=w.practice,
        therapist=therapist,
        client=client or w.client_a,
        kind=Kind.SESSION,
        start=start,
        end=start + timedelta(minutes=minutes),
        blocked_until=start + timedelta(minutes=minutes + buffer),
        status=status,
    )


class OverlapConstraintTests(TendingTestCase):
    def test_it_refuses_an_overlapping_insert_even_outside_the_services(self):
        make(self.w, START)
        with pytest.raises(IntegrityError), transaction.atomic():
            make(self.w, START + timedelta(minutes=30), client=self.w.client_b)
        assert Appointment.objects.count() == 1

    def test_it_refuses_a_start_inside_the_buffer(self):
        make(self.w, START)
        with pytest.raises(IntegrityError), transaction.atomic():
            make(self.w, START + timedelta(minutes=55), client=self.w.client_b)

    def test_it_allows_back_to_back_after_the_buffer(self):
        make(self.w, START)
        second = make(self.w, START + timedelta(minutes=60), client=self.w.client_b)
        assert second.pk

    def test_it_allows_the_same_time_for_another_therapist(self):
        make(self.w, START)
        other = make(self.w, START, therapist=self.w.colleague, client=self.w.client_c)
        assert other.pk

    def test_a_cancelled_appointment_frees_its_time(self):
        make(self.w, START, status=Appointment.Status.CANCELLED)
        again = make(self.w, START, client=self.w.client_b)
        assert again.pk

    def test_it_refuses_uncancelling_into_a_taken_time(self):
        first = make(self.w, START)
        first.status = Appointment.Status.CANCELLED
        first.save(update_fields=["status"])
        make(self.w, START, client=self.w.client_b)
        first.status = Appointment.Status.CONFIRMED
        with pytest.raises(IntegrityError), transaction.atomic():
            first.save(update_fields=["status"])

    def test_it_refuses_moving_an_appointment_onto_another(self):
        make(self.w, START)
        second = make(self.w, START + timedelta(hours=2), client=self.w.client_b)
        second.start, second.end, second.blocked_until = (
            START,
            START + timedelta(minutes=50),
            START + timedelta(hours=1),
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            second.save(update_fields=["start", "end", "blocked_until"])

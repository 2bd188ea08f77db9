"""The notes panel finds the next session among the coming appointments the sessions panel read
(bookings.panels.upcoming_for_record, shared through core.panels.shared) instead of reading them again."""

from datetime import timedelta

from django.utils import timezone

from bookings.models import Appointment
from bookings.panels import RECORD_UPCOMING, client_sessions
from notes.panels import record_panel
from tending.testing.personas import TendingTestCase


class NextSessionSharedTests(TendingTestCase):
    def coming(self, *, days, therapist=None, kind="session"):
        start = timezone.now() + timedelta(days=days)
        return Appointment.objects.create(
            practice=self.w.practice,
            therapist=therapist or self.w.therapist,
            client=self.w.client_a,
            kind=kind,
            start=start,
            end=start + timedelta(minutes=50),
            blocked_until=start + timedelta(minutes=60),
        )

    def test_after_the_sessions_panel_the_next_session_costs_no_query(self):
        upcoming = self.coming(days=3)
        request = self.staff_request()
        client_sessions(request, self.w.client_a)
        with self.assertNumQueries(1):  # the past sessions only
            html = record_panel(request, self.w.client_a)
        self.assertIn(f"?before={upcoming.uuid}", html)

    def test_beyond_the_shared_appointments_it_asks_the_database(self):
        # The soonest coming appointments are all a colleague's: Ana's own session comes after them.
        for day in range(1, RECORD_UPCOMING + 1):
            self.coming(days=day, therapist=self.w.colleague)
        own = self.coming(days=RECORD_UPCOMING + 3)
        request = self.staff_request()
        client_sessions(request, self.w.client_a)
        with self.assertNumQueries(2):  # the past sessions, and the next session of Ana's
            html = record_panel(request, self.w.client_a)
        self.assertIn(f"?before={own.uuid}", html)

    def test_no_coming_session_shows_no_link(self):
        self.coming(days=2, therapist=self.w.colleague)
        html = record_panel(self.staff_request(), self.w.client_a)
        self.assertNotIn("?before=", html)

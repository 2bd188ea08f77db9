"""Self-care after our work together has ended (issue 21): the client's own reminders keep going, and what
they make room for from then on never reaches the practice ("since we last met" reads ``done_since``)."""

import datetime as dt

import time_machine
from django.utils import timezone

from practice.care_status import care_status_change
from selfcare.models import Reminder
from selfcare.selectors import done_since
from selfcare.services import activity_add, reminders_due, tick_record
from tending.testing.personas import TendingTestCase


class SelfCareAfterTheEndingTests(TendingTestCase):
    def setUp(self):
        self.cara = self.w.client_a

    def end(self):
        care_status_change(
            client=self.cara, status=self.cara.CareStatus.ENDED, since=self.w.therapist.today(), staff=self.w.therapist
        )
        self.cara.refresh_from_db()

    def test_self_care_done_after_the_ending_never_reaches_the_practice(self):
        walk = activity_add(client=self.cara, area="body", text="A slow walk", rhythm="when_i_like")
        tick_record(activity=walk, done_at=timezone.now() - dt.timedelta(hours=2))
        self.end()
        bath = activity_add(client=self.cara, area="body", text="A long bath", rhythm="when_i_like")
        tick_record(activity=bath, done_at=timezone.now() + dt.timedelta(minutes=1))
        tick_record(activity=walk, done_at=timezone.now() + dt.timedelta(minutes=1))
        self.assertEqual(done_since(self.cara, None), [{"text": "A slow walk", "times": 1}])

    def test_their_own_reminders_keep_going_after_the_ending(self):
        self.end()
        zone = self.cara.practice.zone
        reminder = Reminder.objects.create(client=self.cara, is_on=True, time_of_day=dt.time(18, 0))
        tomorrow = timezone.localdate(timezone=zone) + dt.timedelta(days=1)
        with time_machine.travel(dt.datetime.combine(tomorrow, dt.time(18, 10), tzinfo=zone), tick=False):
            self.assertEqual(reminders_due(), [reminder])

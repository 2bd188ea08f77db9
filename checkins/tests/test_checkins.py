import datetime as dt

import time_machine
from django.db import connection
from django.urls import reverse

from checkins.models import CheckIn
from checkins.services import CheckInError, checkin_record, checkin_update
from tending.testing.personas import TendingTestCase

URL = reverse("checkins:today")


class CheckInTests(TendingTestCase):
    def test_a_client_checks_in_and_sees_thanks_on_their_home(self):
        http = self.as_("client_a")
        response = http.post(URL, {"mood": "6", "energy": "4", "feelings": ["calm", "tired"], "note": "Slept badly"})
        self.assertRedirects(response, reverse("practice:client_home"), fetch_redirect_response=False)
        checkin = CheckIn.objects.get(client=self.w.client_a)
        self.assertEqual(
            (checkin.mood, checkin.energy, checkin.peace, checkin.feelings), (6, 4, None, ["calm", "tired"])
        )
        home = http.get(reverse("practice:client_home"))
        self.assertContains(home, "Thank you for checking in.")
        self.assertContains(home, "You checked in today, feeling calm, tired.")

    def test_checking_in_again_the_same_day_changes_todays_check_in(self):
        http = self.as_("client_a")
        http.post(URL, {"mood": "3"})
        page = http.get(URL)
        self.assertContains(page, "Today's check-in")
        self.assertContains(page, 'value="3" id="id_mood_3" checked')
        http.post(URL, {"mood": "5", "peace": "7"})
        self.assertEqual(list(CheckIn.objects.filter(client=self.w.client_a).values_list("mood", "peace")), [(5, 7)])

    def test_on_a_hard_day_a_client_may_add_another_check_in(self):
        http = self.as_("client_a")
        http.post(URL, {"mood": "3"})
        http.post(URL + "?another=1", {"mood": "2", "note": "Evening"})
        self.assertEqual(sorted(CheckIn.objects.filter(client=self.w.client_a).values_list("mood", flat=True)), [2, 3])

    def test_an_empty_check_in_gets_a_kind_word_and_saves_nothing(self):
        response = self.as_("client_a").post(URL, {"note": "   "})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There&#x27;s nothing to save yet.")
        self.assertFalse(CheckIn.objects.exists())

    def test_a_value_out_of_range_is_explained_next_to_the_field_and_the_rest_is_kept(self):
        response = self.as_("client_a").post(URL, {"mood": "11", "energy": "4", "note": "Still here"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please choose a number from 0 to 10.")
        self.assertContains(response, 'value="4" id="id_energy_4" checked')
        self.assertContains(response, "Still here")
        self.assertFalse(CheckIn.objects.exists())

    def test_a_very_long_note_is_refused_kindly(self):
        response = self.as_("client_a").post(URL, {"mood": "5", "note": "x" * 501})
        self.assertContains(response, "That&#x27;s a little long for a check-in")

    def test_yesterdays_check_in_cannot_be_changed(self):
        with time_machine.travel(dt.datetime(2026, 11, 17, 20, 0, tzinfo=dt.UTC), tick=False):
            checkin = checkin_record(client=self.w.client_a, data={"mood": 4})
        with time_machine.travel(dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC), tick=False):
            with self.assertRaises(CheckInError):
                checkin_update(checkin=checkin, data={"mood": 9})
            # The page offers a fresh one for today instead.
            page = self.as_("client_a").get(URL)
        self.assertContains(page, "Save my check-in")

    def test_the_note_is_encrypted_at_rest(self):
        checkin = checkin_record(client=self.w.client_a, data={"note": "Argued with my sister"})
        with connection.cursor() as cursor:
            cursor.execute("SELECT note FROM checkins_checkin WHERE id = %s", [checkin.pk])
            self.assertNotIn("sister", cursor.fetchone()[0])

    def test_the_day_is_the_practice_day_not_the_servers(self):
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
        with time_machine.travel(dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC), tick=False):
            checkin = checkin_record(client=self.w.client_a, data={"mood": 4})
        self.assertEqual(checkin.local_date, dt.date(2026, 7, 1))

    def test_the_page_never_counts_days_or_mentions_missing_one(self):
        for text in (
            self.as_("client_a").get(URL).content.decode(),
            self.as_("client_a").get(reverse("practice:client_home")).content.decode(),
        ):
            for word in ("streak", "missed", "failed", "overdue", "you should"):
                self.assertNotIn(word, text.lower())

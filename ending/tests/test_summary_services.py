"""Preparing the ending together: starting, the letter, the client's words and choices, withdrawing, and
the end (through practice's care_status_changed, from any page), with who may do what."""

from datetime import timedelta

from django.urls import reverse

from audit.models import AuditEvent
from ending.models import Ending, FollowUp
from ending.services import (
    EndingNotPreparing,
    ending_start,
    ending_withdraw,
    follow_up_choose,
    letter_save,
    words_save,
)
from practice.care_status import care_status_change
from tending.testing.personas import TendingTestCase, add_emergency_persona

LETTER = "It has been a privilege to walk alongside you."
WORDS = {"started_words": "I could not sleep.", "now_words": "I sleep most nights."}
ALL_IN = {
    name: True
    for name in ("show_scores", "show_what_helps", "show_practices", "show_selfcare", "show_causes", "show_letter")
}


class StartAndWithdrawTests(TendingTestCase):
    def test_start_makes_one_ending_being_prepared_with_the_clients_therapist(self):
        ana, client = self.w.therapist, self.w.client_a
        planned = ana.today() + timedelta(days=14)
        ending = ending_start(client=client, staff=ana, planned_on=planned)
        self.assertEqual((ending.state, ending.therapist, ending.started_by), (Ending.State.PREPARING, ana, ana))
        self.assertEqual(ending.planned_on, planned)
        # Starting again never makes a second: it moves the planned date of the one being prepared.
        again = ending_start(client=client, staff=ana, planned_on=planned + timedelta(days=7))
        self.assertEqual(again.pk, ending.pk)
        self.assertEqual(Ending.objects.for_client(client).count(), 1)
        again.refresh_from_db()
        self.assertEqual(again.planned_on, planned + timedelta(days=7))
        events = AuditEvent.objects.filter(object_type="ending.ending", object_id=str(ending.uuid))
        self.assertEqual(sorted(events.values_list("action", flat=True)), ["create", "update"])

    def test_withdrawn_then_started_again(self):
        ana, client = self.w.therapist, self.w.client_a
        first = ending_start(client=client, staff=ana)
        first = words_save(ending=first, words=WORDS, choices=ALL_IN)
        withdrawn = ending_withdraw(ending=first, staff=ana)
        self.assertEqual(withdrawn.state, Ending.State.WITHDRAWN)
        self.assertEqual(withdrawn.started_words, WORDS["started_words"])  # kept on the row
        with self.assertRaises(EndingNotPreparing):
            ending_withdraw(ending=withdrawn, staff=ana)
        with self.assertRaises(EndingNotPreparing):
            letter_save(ending=withdrawn, staff=ana, letter=LETTER)
        second = ending_start(client=client, staff=ana)
        self.assertNotEqual(second.pk, first.pk)
        self.assertEqual(second.state, Ending.State.PREPARING)

    def test_the_letter_and_the_words_are_sealed_and_audited_without_their_text(self):
        ana, client = self.w.therapist, self.w.client_a
        ending = ending_start(client=client, staff=ana)
        ending = letter_save(ending=ending, staff=ana, letter=LETTER)
        ending = words_save(ending=ending, words=WORDS, choices={**ALL_IN, "show_practices": False})
        ending.refresh_from_db()
        self.assertEqual(ending.letter, LETTER)
        self.assertFalse(ending.show_practices)
        self.assertIsNotNone(ending.client_updated_at)
        details = str(list(AuditEvent.objects.filter(client_id=client.uuid).values_list("detail", flat=True)))
        self.assertIn("letter", details)
        self.assertIn("show_practices", details)
        self.assertNotIn("privilege", details)
        self.assertNotIn("sleep", details)


class EndingCareTests(TendingTestCase):
    def _prepared(self, follow_up=False):
        ana, client = self.w.therapist, self.w.client_a
        ending = ending_start(client=client, staff=ana)
        ending = letter_save(ending=ending, staff=ana, letter=LETTER)
        ending = words_save(ending=ending, words=WORDS, choices={**ALL_IN, "show_causes": False})
        return follow_up_choose(ending=ending, follow_up=follow_up)

    def test_care_ending_marks_the_ending_ended_and_keeps_the_therapists_copy(self):
        ending = self._prepared(follow_up=True)
        ended_on = self.w.therapist.today() - timedelta(days=1)
        care_status_change(client=self.w.client_a, status="ended", since=ended_on, staff=self.w.therapist)
        ending.refresh_from_db()
        self.assertEqual((ending.state, ending.ended_on), (Ending.State.ENDED, ended_on))
        self.assertIsNotNone(ending.ended_at)
        self.assertEqual(ending.staff_copy["now_words"], WORDS["now_words"])
        self.assertEqual(ending.staff_copy["letter"], LETTER)
        self.assertFalse(ending.staff_copy["show_causes"])
        self.assertTrue(ending.staff_copy["follow_up"])
        # The follow-ups she chose are planned (ending.followups), at three and six months.
        self.assertEqual(list(FollowUp.objects.filter(ending=ending).values_list("months", flat=True)), [3, 6])

        # What she changes afterwards is hers alone: the therapist's page shows the words of the day care ended.
        words_save(ending=ending, words={"now_words": "Something new, for me."}, choices=ALL_IN)
        page = self.as_("therapist").get(reverse("ending:staff_summary", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertContains(page, WORDS["now_words"])
        self.assertNotContains(page, "Something new, for me.")
        mine = self.as_("client_a").get(reverse("ending:mine"))
        self.assertContains(mine, "Our work together has ended")
        self.assertContains(mine, "Something new, for me.")
        self.assertNotContains(mine, "discharge")

    def test_care_ended_from_the_care_form_makes_an_ended_ending(self):
        """Care ended without preparing (bookings' care form): the client still gets the ending space."""
        client = self.w.client_a
        care_status_change(client=client, status="ended", since=self.w.therapist.today(), staff=self.w.therapist)
        ending = Ending.objects.get(client=client)
        self.assertEqual(ending.state, Ending.State.ENDED)
        self.assertEqual(ending.therapist, client.therapist)
        self.assertFalse(FollowUp.objects.filter(ending=ending).exists())  # not chosen
        # Marked ended again without care going on (a corrected date): the same ending, its date moved.
        earlier = self.w.therapist.today() - timedelta(days=3)
        care_status_change(client=client, status="ended", since=earlier, staff=self.w.therapist)
        ending.refresh_from_db()
        self.assertEqual(Ending.objects.filter(client=client).count(), 1)
        self.assertEqual(ending.ended_on, earlier)
        # Care goes on, then ends again: a new ending.
        care_status_change(client=client, status="active", since=self.w.therapist.today(), staff=self.w.therapist)
        care_status_change(client=client, status="ended", since=self.w.therapist.today(), staff=self.w.therapist)
        self.assertEqual(Ending.objects.filter(client=client, state=Ending.State.ENDED).count(), 2)

    def test_choosing_the_follow_up_after_the_ending_plans_it_and_turning_it_off_cancels_it(self):
        ending = self._prepared(follow_up=False)
        care_status_change(
            client=self.w.client_a, status="ended", since=self.w.therapist.today(), staff=self.w.therapist
        )
        ending.refresh_from_db()
        self.assertFalse(FollowUp.objects.filter(ending=ending).exists())
        client = self.as_("client_a")
        client.post(reverse("ending:summary_follow_up"), {"follow_up": "on"})
        self.assertEqual(FollowUp.objects.filter(ending=ending, cancelled_at__isnull=True).count(), 2)
        client.post(reverse("ending:summary_follow_up"), {})
        self.assertEqual(FollowUp.objects.filter(ending=ending, cancelled_at__isnull=True).count(), 0)
        ending.refresh_from_db()
        self.assertFalse(ending.follow_up)
        self.assertIsNotNone(ending.follow_up_chosen_at)


class PagesTests(TendingTestCase):
    def setUp(self):
        self.ending = ending_start(client=self.w.client_a, staff=self.w.therapist)
        self.ending = letter_save(ending=self.ending, staff=self.w.therapist, letter=LETTER)
        self.staff_url = reverse("ending:staff_summary", kwargs={"client_uuid": self.w.client_a.uuid})

    def _url(self, name):
        return reverse(name, kwargs={"client_uuid": self.w.client_a.uuid})

    def test_only_the_clients_therapist_opens_the_page(self):
        self.assertContains(self.as_("therapist").get(self.staff_url), LETTER)
        for persona in ("colleague", "outsider", "owner", "client_a", "client_b"):
            with self.subTest(persona=persona):
                self.assertEqual(self.as_(persona).get(self.staff_url).status_code, 404)
                self.assertEqual(
                    self.as_(persona).post(self._url("ending:staff_letter"), {"letter": "x"}).status_code, 404
                )
        self.ending.refresh_from_db()
        self.assertEqual(self.ending.letter, LETTER)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="read", object_type="ending.ending", object_id=str(self.ending.uuid)
            ).exists()
        )

    def test_an_owner_with_emergency_access_reads_and_changes_nothing(self):
        add_emergency_persona(self.w)
        eve = self.as_("emergency")
        page = eve.get(self.staff_url)
        self.assertContains(page, LETTER)
        self.assertContains(page, "nothing can be changed here")
        self.assertNotContains(page, "<form")
        for name, data in (
            ("ending:staff_letter", {"letter": "Mine now"}),
            ("ending:staff_withdraw", {}),
            ("ending:staff_end", {"ended_on": self.w.therapist.today().isoformat()}),
            ("ending:staff_start", {"ending-planned_on": ""}),
        ):
            with self.subTest(name=name):
                self.assertEqual(eve.post(self._url(name), data).status_code, 404)
        self.ending.refresh_from_db()
        self.assertEqual((self.ending.state, self.ending.letter), (Ending.State.PREPARING, LETTER))

    def test_another_client_sees_only_their_own_page(self):
        page = self.as_("client_b").get(reverse("ending:mine"))
        self.assertContains(page, "Our ending")
        self.assertNotContains(page, LETTER)
        self.assertEqual(self.as_("client_b").get(reverse("ending:summary_pdf")).status_code, 404)
        self.assertEqual(
            self.as_("client_b").post(reverse("ending:summary_words"), {"now_words": "x"}).status_code, 404
        )

    def test_ending_care_from_the_page_takes_today_or_earlier(self):
        ana = self.as_("therapist")
        tomorrow = self.w.therapist.today() + timedelta(days=1)
        page = ana.post(self._url("ending:staff_end"), {"ended_on": tomorrow.isoformat()})
        self.assertContains(page, "Choose today or an earlier date", status_code=200)
        self.w.client_a.refresh_from_db()
        self.assertFalse(self.w.client_a.care_has_ended)
        ana.post(self._url("ending:staff_end"), {"ended_on": self.w.therapist.today().isoformat()})
        self.w.client_a.refresh_from_db()
        self.ending.refresh_from_db()
        self.assertTrue(self.w.client_a.care_has_ended)
        self.assertEqual(self.ending.state, Ending.State.ENDED)

    def test_nothing_the_client_typed_is_lost_on_a_problem(self):
        long = "x" * 4001
        page = self.as_("client_a").post(
            reverse("ending:summary_words"), {"started_words": "Kept words", "now_words": long}
        )
        self.assertContains(page, "Kept words")
        self.assertContains(page, "There is a problem")
        self.ending.refresh_from_db()
        self.assertEqual(self.ending.started_words, "")

    def test_the_client_saves_their_words_and_is_told(self):
        response = self.as_("client_a").post(
            reverse("ending:summary_words"), {"started_words": "Tired", "show_scores": "on"}, follow=True
        )
        self.assertContains(response, "Saved.")
        self.ending.refresh_from_db()
        self.assertEqual(self.ending.started_words, "Tired")
        self.assertTrue(self.ending.show_scores)
        self.assertFalse(self.ending.show_letter)

    def test_the_record_panel_and_the_home_card(self):
        record = self.as_("therapist").get(
            reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid})
        )
        self.assertContains(record, "Open the ending summary")
        home = self.as_("client_a").get(reverse("practice:client_home"))
        self.assertContains(home, "has started preparing for the end of our work together")
        care_status_change(
            client=self.w.client_a, status="ended", since=self.w.therapist.today(), staff=self.w.therapist
        )
        home = self.as_("client_a").get(reverse("practice:client_home"))
        self.assertContains(home, "Our work together has ended")
        self.assertContains(home, reverse("ending:mine"))
        other = self.as_("therapist").get(
            reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_b.uuid})
        )
        self.assertContains(other, "Start preparing for our ending")


class LetterKeptTests(TendingTestCase):
    def test_a_letter_saved_after_the_ending_was_withdrawn_is_shown_back(self):
        ending = ending_start(client=self.w.client_a, staff=self.w.therapist)
        ending_withdraw(ending=ending, staff=self.w.therapist)
        url = reverse("ending:staff_letter", kwargs={"client_uuid": self.w.client_a.uuid})
        page = self.as_("therapist").post(url, {"letter": "Words I took care over."})
        self.assertContains(page, "Words I took care over.", status_code=409)
        self.assertContains(page, "It was not saved", status_code=409)
        ending.refresh_from_db()
        self.assertEqual(ending.letter, "")

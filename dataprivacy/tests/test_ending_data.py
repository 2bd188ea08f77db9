"""The ending in the client's data rights (issue 21): exported, erased, and kept as long as retention allows."""

import datetime
import json
import zipfile
from io import BytesIO

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from bookings.models import Consultation
from dataprivacy import registry
from dataprivacy.models import ErasureRequest, PrivacySettings
from dataprivacy.services import (
    SPACE_CLOSING,
    ended_spaces_close,
    erasure_complete,
    erasure_request,
    export_build,
    journey_html,
    retention_run,
    space_kept_until,
)
from ending.models import Ending, FollowUp, FollowUpAnswer
from outbox.models import Email
from practice.models import Client
from tending.testing.personas import TendingTestCase, end_care

LETTER = "It has been a privilege to work with you."


def _follow_up_answered(ending):
    """The three-month follow-up planned when care ended, answered."""
    follow_up = ending.follow_ups.get(months=3)
    follow_up.instruments = ["gad7"]
    follow_up.answered_at = timezone.now()
    follow_up.save(update_fields=["instruments", "answered_at"])
    FollowUpAnswer.objects.create(
        follow_up=follow_up,
        instrument="gad7",
        instrument_version="test",
        answers=[1, 1, 0, 1, 0, 0, 0],
        total=3,
        band="minimal",
    )
    return follow_up


class EndingExportAndErasureTests(TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cara = cls.w.client_a
        cls.ending = end_care(cls.cara, by=cls.w.therapist)
        cls.follow_up = _follow_up_answered(cls.ending)
        cls.come_back = Consultation.objects.create(
            practice=cls.w.practice,
            name="Cara Client",
            email="cara@willow.test",
            note="I'd like to talk about coming back.",
            returning_client=cls.cara,
            earlier_therapist=cls.w.therapist,
        )

    def test_the_new_models_are_theirs_to_take_and_to_have_deleted(self):
        for model in (Ending, FollowUp, FollowUpAnswer, Consultation):
            self.assertEqual(registry.BY_LABEL[model._meta.label_lower].kind, registry.EXPORT_AND_DELETE)

    def test_the_export_has_their_ending_words_the_letter_and_follow_ups_but_not_the_staff_copy(self):
        sections = registry.collect(self.cara)
        (summary,) = sections["ending_summary"]
        self.assertEqual(summary["now_words"], "I sleep most nights, and I know what to do when it gets loud.")
        self.assertEqual(summary["letter"], LETTER)
        self.assertEqual(summary["state"], "ended")
        self.assertTrue(summary["follow_up"])
        self.assertNotIn("staff_copy", summary)
        self.assertEqual([row["months"] for row in sections["follow_ups"]], [3, 6])
        self.assertEqual(sections["follow_up_answers"][0]["answers"], [1, 1, 0, 1, 0, 0, 0])
        # Her request to come back is hers, like the request that first brought her.
        self.assertIn("I'd like to talk about coming back.", [row["note"] for row in sections["consultation_request"]])

    def test_the_readable_journey_shows_the_ending_in_her_words(self):
        html = journey_html(self.cara, registry.collect(self.cara))
        self.assertIn("Our work together has ended", html)
        self.assertIn("Breathing on the train, and being kinder to myself.", html)
        self.assertIn(LETTER, html)
        self.assertNotIn("ischarg", html)

    def test_a_letter_she_chose_to_leave_out_is_not_in_the_readable_part(self):
        Ending.objects.filter(pk=self.ending.pk).update(show_letter=False)
        self.assertNotIn(LETTER, journey_html(self.cara, registry.collect(self.cara)))

    def test_the_download_carries_the_ending(self):
        archive = zipfile.ZipFile(BytesIO(export_build(client=self.cara)))
        data = json.loads(archive.read("data.json"))
        self.assertEqual(data["ending_summary"][0]["carry_words"], "The soothing rhythm, and my safety plan.")
        self.assertIn("csv/ending_summary.csv", archive.namelist())
        self.assertNotIn("staff_copy", archive.read("data.json").decode())

    def test_erasure_deletes_her_ending_words_follow_ups_and_request_to_come_back(self):
        counts = erasure_complete(erasure=erasure_request(client=self.cara), owner=self.w.owner)
        self.assertFalse(Ending.objects.filter(client=self.cara).exists())
        self.assertFalse(FollowUp.objects.filter(client=self.cara).exists())
        self.assertFalse(FollowUpAnswer.objects.filter(follow_up__client=self.cara).exists())
        self.assertFalse(Consultation.objects.filter(pk=self.come_back.pk).exists())
        self.assertGreaterEqual(counts["ending.ending"], 1)
        self.assertEqual(counts["ending.followupanswer"], 1)


class EndedSpaceRetentionTests(TendingTestCase):
    """The client keeps their space for as long as the practice's retention allows, and is told a month before."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        PrivacySettings.objects.update_or_create(practice=cls.w.practice, defaults={"retention_years": 1})
        cls.today = timezone.localdate()
        # Cara's care ended a year ago, less ten days: her space closes in about ten days.
        cls.cara = cls.w.client_a
        end_care(cls.cara, by=cls.w.therapist, days_ago=(cls.today - cls._years_ago(1)).days - 10)
        # Dev's ended last month: his space is kept for most of a year yet.
        cls.dev = cls.w.client_b
        end_care(cls.dev, by=cls.w.therapist, days_ago=30)

    @staticmethod
    def _years_ago(years):
        today = timezone.localdate()
        try:
            return today.replace(year=today.year - years)
        except ValueError:
            return today.replace(year=today.year - years, day=28)

    def test_my_data_says_until_when_the_space_is_kept(self):
        page = self.as_("client_b").get(reverse("dataprivacy:mine"))
        kept = space_kept_until(self.dev)
        self.assertGreater(kept, self.today + datetime.timedelta(days=300))
        self.assertContains(page, f"Your space is kept until {kept:%-d %B %Y}")
        self.assertContains(page, "you can download everything at any time from My data")

    def test_a_client_in_care_is_told_nothing_about_closing(self):
        eli = self.w.client_c
        self.assertIsNone(space_kept_until(eli))
        self.assertNotContains(self.as_("client_c").get(reverse("dataprivacy:mine")), "Your space is kept until")

    def test_a_month_before_the_space_closes_the_client_is_emailed_once(self):
        self.assertEqual(ended_spaces_close(today=self.today), {"noticed": 1, "closed": 0})
        email = Email.objects.get(kind="Space closing")
        self.assertEqual(email.to, "cara@willow.test")
        closes_on = space_kept_until(self.cara, today=self.today)
        self.assertIn(f"{closes_on:%-d %B %Y}", email.body)
        self.assertIn(reverse("dataprivacy:mine"), email.body)
        # A month's notice at least, whatever the retention period said.
        self.assertGreaterEqual(closes_on, self.today + datetime.timedelta(days=30))
        # Told once: the next days send nothing more, and close nothing before the month is up.
        self.assertEqual(ended_spaces_close(today=self.today + datetime.timedelta(days=1)), {"noticed": 0, "closed": 0})
        self.assertEqual(ended_spaces_close(today=closes_on), {"noticed": 0, "closed": 0})
        self.assertEqual(Email.objects.filter(kind="Space closing").count(), 1)
        self.assertTrue(Client.objects.get(pk=self.cara.pk).user.is_active)

    def test_after_the_notice_and_the_retention_period_the_space_closes_and_the_record_goes(self):
        ended_spaces_close(today=self.today)
        closes_on = space_kept_until(self.cara, today=self.today)
        self.assertEqual(ended_spaces_close(today=closes_on + datetime.timedelta(days=1)), {"noticed": 0, "closed": 1})
        erasure = ErasureRequest.objects.get(client=self.cara)
        self.assertIsNotNone(erasure.completed_at)
        self.assertIsNone(erasure.completed_by)
        self.assertLess(erasure.retain_until, closes_on + datetime.timedelta(days=1))
        # Dev's space is untouched, and so is his sign-in.
        self.assertFalse(ErasureRequest.objects.filter(client=self.dev).exists())
        self.assertTrue(self.dev.user.is_active)

    def test_the_daily_retention_job_closes_the_space_and_deletes_what_was_kept(self):
        ended_spaces_close(today=self.today)
        closes_on = space_kept_until(self.cara, today=self.today)
        self.assertTrue(AuditEvent.objects.filter(object_type=SPACE_CLOSING, object_id=str(self.cara.uuid)).exists())
        later = timezone.now() + datetime.timedelta(days=(closes_on - self.today).days + 1)
        result = retention_run(now=later)
        self.assertEqual(result["ended_spaces"], {"noticed": 0, "closed": 1})
        self.assertEqual(result["restricted_records"], 1)
        self.assertFalse(Client.objects.filter(pk=self.cara.pk).exists())
        self.assertTrue(Client.objects.filter(pk=self.dev.pk).exists())

    def test_an_erased_client_is_left_to_the_erasure(self):
        erasure_complete(erasure=erasure_request(client=self.cara), owner=self.w.owner)
        self.cara.refresh_from_db()
        self.assertIsNone(space_kept_until(self.cara))
        self.assertEqual(ended_spaces_close(today=self.today), {"noticed": 0, "closed": 0})

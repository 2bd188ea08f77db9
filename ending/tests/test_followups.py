"""Follow-ups after the ending ("how are you doing now?"): planned at three and six months, one invitation
and never a second, open until the next is due and then closed quietly, scored exactly as measures scores,
risk answered with the crisis contacts and no alert, and shown to the practice only when the client shares.
"""

import datetime
import re

import time_machine
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditEvent
from ending import jobs
from ending.followups import (
    available_follow_up,
    follow_ups_cancel,
    follow_ups_for_client,
    follow_ups_plan,
    is_available,
)
from ending.models import Ending, FollowUp, FollowUpAnswer
from measures.instruments import INSTRUMENTS
from measures.models import MeasureResponse
from measures.scoring import score
from outbox.models import Email
from practice.care_status import care_status_change
from risk.models import RiskAlert, RiskCheck
from tending.testing.factories import ClientFactory, UserFactory
from tending.testing.personas import TendingTestCase

CLINICAL_WORDS = re.compile(r"\b(?:phq|gad|depress|anxi|score|questionnaire|risk|suicid|harm)", re.I)


def clinical_words(text):
    """The first clinical word a person could read in ``text`` (HTML or an email), else None.

    Tags and links are dropped first: a CSRF token or a signed link is random letters, and one once held "GAd".
    """
    readable = re.sub(r"https?://\S+", " ", re.sub(r"<[^>]*>", " ", text))
    return CLINICAL_WORDS.search(readable)


def ended_client(w, *, months_ago=3, follow_up=True, name="Rowan Ended", email="rowan@willow.test"):
    """A client of Ana's whose care ended ``months_ago`` months ago (counted back from the practice's today)."""
    client = ClientFactory(practice=w.practice, therapist=w.therapist, user=UserFactory(email=email, name=name))
    ended_on = w.therapist.today() - relativedelta(months=months_ago)
    ending = Ending.objects.create(
        client=client,
        therapist=w.therapist,
        started_by=w.therapist,
        state=Ending.State.ENDED,
        ended_on=ended_on,
        ended_at=timezone.make_aware(datetime.datetime.combine(ended_on, datetime.time(12))),
        follow_up=follow_up,
    )
    care_status_change(client=client, status=client.CareStatus.ENDED, since=ended_on, staff=w.therapist)
    client.refresh_from_db()
    return client, ending


def record_response(client, instrument, answers, *, days_before):
    result = score(instrument, answers)
    return MeasureResponse.objects.create(
        client=client,
        instrument=instrument,
        instrument_version=INSTRUMENTS[instrument].version,
        answers=answers,
        completed_at=timezone.now() - datetime.timedelta(days=days_before),
        total=result["total"],
        band=result["band"],
        risk_flag=bool(result.get("item9_risk_flag")),
    )


def radio_data(instrument_id, answers):
    return {"instrument": instrument_id, **{f"item_{n + 1}": str(v) for n, v in enumerate(answers)}}


class ClinicalWordsTests(SimpleTestCase):
    def test_it_finds_what_a_person_reads_and_not_tokens_or_links(self):
        self.assertIsNotNone(clinical_words("<p>Your GAD-7 went down</p>"))
        self.assertIsNotNone(clinical_words("A questionnaire for you"))
        self.assertIsNone(clinical_words('<input name="csrfmiddlewaretoken" value="x9GAdq"><p>Hello Rowan</p>'))
        self.assertIsNone(clinical_words("Open https://tending.test/t/abGAdk-riskY/ when you like"))


class PlanTests(TendingTestCase):
    def make_ending(self, ended_on, follow_up=True):
        client = ClientFactory(practice=self.w.practice, therapist=self.w.therapist)
        return Ending.objects.create(
            client=client, therapist=self.w.therapist, state=Ending.State.ENDED, ended_on=ended_on, follow_up=follow_up
        )

    def test_follow_ups_fall_three_and_six_months_after_the_ending(self):
        ending = self.make_ending(datetime.date(2026, 3, 10))
        planned = follow_ups_plan(ending=ending)
        self.assertEqual(
            [(f.months, f.due_on) for f in planned], [(3, datetime.date(2026, 6, 10)), (6, datetime.date(2026, 9, 10))]
        )

    def test_an_ending_on_the_31st_falls_on_the_last_day_of_shorter_months(self):
        cases = {
            datetime.date(2026, 1, 31): (datetime.date(2026, 4, 30), datetime.date(2026, 7, 31)),
            datetime.date(2026, 8, 31): (datetime.date(2026, 11, 30), datetime.date(2027, 2, 28)),
            datetime.date(2027, 8, 31): (datetime.date(2027, 11, 30), datetime.date(2028, 2, 29)),
            datetime.date(2026, 5, 31): (datetime.date(2026, 8, 31), datetime.date(2026, 11, 30)),
        }
        for ended_on, expected in cases.items():
            with self.subTest(ended_on=ended_on):
                planned = follow_ups_plan(ending=self.make_ending(ended_on))
                self.assertEqual(tuple(f.due_on for f in planned), expected)

    def test_planning_twice_makes_them_once(self):
        ending = self.make_ending(datetime.date(2026, 3, 10))
        first = follow_ups_plan(ending=ending)
        second = follow_ups_plan(ending=ending)
        self.assertEqual([f.pk for f in first], [f.pk for f in second])
        self.assertEqual(FollowUp.objects.filter(ending=ending).count(), 2)

    def test_nothing_is_planned_without_the_clients_choice_or_an_ending_date(self):
        self.assertEqual(follow_ups_plan(ending=self.make_ending(datetime.date(2026, 3, 10), follow_up=False)), [])
        self.assertEqual(follow_ups_plan(ending=self.make_ending(None)), [])
        self.assertEqual(FollowUp.objects.count(), 0)

    def test_the_questionnaires_are_the_ones_done_during_care_in_measures_order(self):
        ending = self.make_ending(datetime.date(2026, 3, 10))
        record_response(ending.client, "who5", [3, 3, 3, 3, 3], days_before=90)
        record_response(ending.client, "gad7", [1] * 7, days_before=60)
        record_response(ending.client, "gad7", [0] * 7, days_before=30)
        record_response(ending.client, "phq9", [1] * 8 + [0], days_before=20)
        planned = follow_ups_plan(ending=ending)
        self.assertEqual(planned[0].instruments, ["phq9", "gad7", "who5"])
        self.assertEqual(planned[1].instruments, ["phq9", "gad7", "who5"])

    def test_without_any_questionnaire_it_is_phq9_and_gad7(self):
        planned = follow_ups_plan(ending=self.make_ending(datetime.date(2026, 3, 10)))
        self.assertEqual(planned[0].instruments, ["phq9", "gad7"])

    def test_turning_them_off_cancels_the_unanswered_and_choosing_again_brings_them_back(self):
        ending = self.make_ending(datetime.date(2026, 3, 10))
        three, six = follow_ups_plan(ending=ending)
        FollowUp.objects.filter(pk=three.pk).update(answered_at=timezone.now())
        self.assertEqual(follow_ups_cancel(ending=ending), 1)
        three.refresh_from_db()
        six.refresh_from_db()
        self.assertIsNone(three.cancelled_at)  # an answered one is theirs: untouched
        self.assertIsNotNone(six.cancelled_at)
        follow_ups_plan(ending=ending)
        six.refresh_from_db()
        self.assertIsNone(six.cancelled_at)
        self.assertEqual(FollowUp.objects.filter(ending=ending).count(), 2)


class InvitationTests(TendingTestCase):
    def test_one_gentle_invitation_when_it_falls_due_and_never_a_second(self):
        client, ending = ended_client(self.w, months_ago=3)
        three, six = follow_ups_plan(ending=ending)
        self.assertEqual(jobs.follow_ups(), 1)
        three.refresh_from_db()
        self.assertIsNotNone(three.invited_at)
        email = Email.objects.get(about_type="ending.followup", about_id=str(three.uuid))
        self.assertEqual(email.to, client.user.email)
        self.assertEqual(email.subject, f"A gentle check-in from {self.w.practice.name}, if you'd like it")
        self.assertIn(reverse("ending:follow_up", kwargs={"follow_up_uuid": three.uuid}), email.body)
        self.assertIsNone(clinical_words(email.subject + email.body), email.body)
        # Never again, however long it stays unanswered.
        self.assertEqual(jobs.follow_ups(), 0)
        with time_machine.travel(timezone.now() + datetime.timedelta(days=45), tick=False):
            self.assertEqual(jobs.follow_ups(), 0)
        self.assertEqual(Email.objects.filter(about_type="ending.followup").count(), 1)
        six.refresh_from_db()
        self.assertIsNone(six.invited_at)

    def test_the_clock_command_runs_it(self):
        _client, ending = ended_client(self.w, months_ago=3)
        follow_ups_plan(ending=ending)
        call_command("ending_follow_ups", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.assertEqual(FollowUp.objects.filter(invited_at__isnull=False).count(), 1)

    def test_nothing_is_sent_before_it_is_due_after_it_is_turned_off_or_to_a_client_back_in_care(self):
        _early, early_ending = ended_client(self.w, months_ago=1, email="early@willow.test")
        follow_ups_plan(ending=early_ending)
        _off, off_ending = ended_client(self.w, months_ago=3, email="off@willow.test")
        follow_ups_plan(ending=off_ending)
        follow_ups_cancel(ending=off_ending)
        back, back_ending = ended_client(self.w, months_ago=3, email="back@willow.test")
        follow_ups_plan(ending=back_ending)
        care_status_change(
            client=back, status=back.CareStatus.ACTIVE, since=self.w.therapist.today(), staff=self.w.therapist
        )
        self.assertEqual(jobs.follow_ups(), 0)
        self.assertFalse(Email.objects.filter(about_type="ending.followup").exists())


class ClosingQuietlyTests(TendingTestCase):
    def test_an_unanswered_follow_up_closes_when_the_next_is_due_and_the_last_three_months_after(self):
        client, ending = ended_client(self.w, months_ago=3)
        three, six = follow_ups_plan(ending=ending)
        today = self.w.therapist.today()
        self.assertEqual(available_follow_up(client, today), three)
        self.assertTrue(is_available(three, six.due_on - datetime.timedelta(days=1)))
        self.assertFalse(is_available(three, six.due_on))
        self.assertEqual(available_follow_up(client, six.due_on), six)
        last_day = six.due_on + relativedelta(months=3) - datetime.timedelta(days=1)
        self.assertEqual(available_follow_up(client, last_day), six)
        self.assertIsNone(available_follow_up(client, six.due_on + relativedelta(months=3)))

    def test_a_closed_one_says_so_gently_and_nothing_is_sent(self):
        client, ending = ended_client(self.w, months_ago=7)
        three, six = follow_ups_plan(ending=ending)
        FollowUp.objects.filter(pk=six.pk).update(invited_at=timezone.now())
        self.assertEqual(jobs.follow_ups(), 0)  # the three-month one closed unsent
        http = self.as_user(client.user)
        page = http.get(reverse("ending:follow_up", kwargs={"follow_up_uuid": three.uuid}))
        self.assertContains(page, "This check-in has closed")
        self.assertNotRegex(page.content.decode(), r"(?i)\bmissed\b|overdue|failed")
        home = http.get(reverse("practice:client_home"))
        self.assertContains(home, "How are you doing now?")  # the six-month one is open
        self.assertContains(home, reverse("ending:follow_up", kwargs={"follow_up_uuid": six.uuid}))

    def as_user(self, user):
        from django.test import Client as HttpClient

        http = HttpClient()
        http.force_login(user, backend="accounts.backends.ModelBackend")
        return http


class AnsweringTests(TendingTestCase):
    PHQ9 = [2, 1, 1, 2, 0, 1, 1, 0, 0]
    GAD7 = [1, 1, 2, 0, 1, 0, 1]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.client_, cls.ending = ended_client(cls.w, months_ago=3)
        record_response(cls.client_, "phq9", [3, 3, 2, 2, 2, 2, 2, 1, 0], days_before=200)
        record_response(cls.client_, "gad7", [1, 1, 1, 1, 1, 1, 1], days_before=100)
        cls.three, cls.six = follow_ups_plan(ending=cls.ending)

    def setUp(self):
        from django.test import Client as HttpClient

        self.http = HttpClient()
        self.http.force_login(self.client_.user, backend="accounts.backends.ModelBackend")
        self.url = reverse("ending:follow_up", kwargs={"follow_up_uuid": self.three.uuid})

    def test_the_home_card_opens_the_follow_up_with_measures_own_wording_and_attribution(self):
        home = self.http.get(reverse("practice:client_home"))
        self.assertContains(home, "How are you doing now?")
        self.assertContains(home, "A short check-in, if you'd like it")
        page = self.http.get(self.url)
        phq9 = INSTRUMENTS["phq9"]
        self.assertContains(page, escape(phq9.title))
        self.assertContains(page, escape(phq9.stem))
        for item in phq9.items:
            self.assertContains(page, escape(item))
        for option in phq9.options:
            self.assertContains(page, escape(option.label))
        self.assertContains(page, escape(phq9.attribution))
        self.assertContains(page, "Questionnaire 1 of 2")

    def test_answers_are_scored_exactly_as_measures_scores_them_and_compared_with_the_ending(self):
        response = self.http.post(self.url, radio_data("phq9", self.PHQ9))
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertContains(self.http.get(self.url), INSTRUMENTS["gad7"].items[0])
        response = self.http.post(self.url, radio_data("gad7", self.GAD7))
        results_url = reverse("ending:follow_up_results", kwargs={"follow_up_uuid": self.three.uuid})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertRedirects(self.http.get(self.url), results_url)
        for instrument, answers in (("phq9", self.PHQ9), ("gad7", self.GAD7)):
            stored = FollowUpAnswer.objects.get(follow_up=self.three, instrument=instrument)
            expected = score(instrument, answers)
            self.assertEqual(stored.answers, answers)
            self.assertEqual(stored.total, expected["total"])
            self.assertEqual(stored.band, expected["band"])
            self.assertEqual(stored.instrument_version, INSTRUMENTS[instrument].version)
        self.three.refresh_from_db()
        self.assertIsNotNone(self.three.answered_at)
        self.assertIsNone(self.three.shared_at)  # nothing is shared by default
        page = self.http.get(results_url)
        phq9_band = INSTRUMENTS["phq9"].band_label(score("phq9", self.PHQ9)["band"]).lower()
        self.assertContains(page, f"8 out of 27: {phq9_band}")
        self.assertContains(page, "Lower means fewer difficulties.")
        self.assertContains(page, "From 17 when our work together ended to 8 now: fewer difficulties")
        self.assertContains(page, "From 7 when our work together ended to 6 now: within everyday ups and downs")
        self.assertContains(page, "Share these results with the practice")
        self.assertEqual(follow_ups_for_client(self.client_), [self.three])
        self.assertEqual(MeasureResponse.objects.filter(client=self.client_).count(), 2)  # no new measure rows
        # The ending page keeps the way back to them once the home card has gone.
        ending_page = self.http.get(reverse("ending:mine"))
        self.assertContains(ending_page, "Your check-ins since the ending")
        self.assertContains(ending_page, results_url)

    def test_an_incomplete_form_keeps_its_answers_and_says_kindly_what_is_missing(self):
        data = radio_data("phq9", self.PHQ9)
        del data["item_4"]
        page = self.http.post(self.url, data)
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "One question still needs an answer", status_code=400)
        # The items are measures' own markup (measures/_items.html): the answer given is kept, checked.
        self.assertContains(page, 'name="item_1" value="2" id="id_item_1_2" required checked', status_code=400)
        self.assertFalse(FollowUpAnswer.objects.exists())

    def test_the_same_form_sent_twice_is_kept_once(self):
        self.http.post(self.url, radio_data("phq9", self.PHQ9))
        again = self.http.post(self.url, radio_data("phq9", [0] * 9))
        self.assertRedirects(again, self.url, fetch_redirect_response=False)
        self.assertEqual(FollowUpAnswer.objects.get(follow_up=self.three, instrument="phq9").answers, self.PHQ9)

    def test_a_risk_answer_shows_the_crisis_contacts_and_raises_no_alert(self):
        alerts, checks = RiskAlert.objects.count(), RiskCheck.objects.count()
        response = self.http.post(self.url, radio_data("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1]))
        support_url = reverse("ending:follow_up_support", kwargs={"follow_up_uuid": self.three.uuid})
        self.assertRedirects(response, support_url, fetch_redirect_response=False)
        page = self.http.get(support_url)
        self.assertContains(page, "nobody at the practice will see this answer")
        self.assertContains(page, "data-nobody-at-the-practice")
        self.assertContains(page, 'href="tel:')
        self.assertContains(page, reverse("safetyplan:mine"))
        self.assertContains(page, "Go on to the next questionnaire")
        self.assertTrue(FollowUpAnswer.objects.get(follow_up=self.three, instrument="phq9").risk_flag)
        self.assertEqual(RiskAlert.objects.count(), alerts)
        self.assertEqual(RiskCheck.objects.count(), checks)
        self.http.post(self.url, radio_data("gad7", self.GAD7))
        results = self.http.get(reverse("ending:follow_up_results", kwargs={"follow_up_uuid": self.three.uuid}))
        self.assertContains(results, "nobody at the practice will see this answer")
        self.assertEqual(RiskAlert.objects.count(), alerts)

    def test_another_client_gets_404_everywhere(self):
        from django.test import Client as HttpClient

        other = HttpClient()
        other.force_login(self.w.client_b.user, backend="accounts.backends.ModelBackend")
        kwargs = {"follow_up_uuid": self.three.uuid}
        for name in ("ending:follow_up", "ending:follow_up_results", "ending:follow_up_support"):
            with self.subTest(name):
                self.assertEqual(other.get(reverse(name, kwargs=kwargs)).status_code, 404)
        self.assertEqual(other.post(reverse("ending:follow_up_share", kwargs=kwargs), {"share": "1"}).status_code, 404)
        self.assertEqual(other.post(self.url, radio_data("phq9", self.PHQ9)).status_code, 404)
        self.assertFalse(FollowUpAnswer.objects.exists())


class SharingTests(TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.client_, cls.ending = ended_client(cls.w, months_ago=3)
        cls.three, _six = follow_ups_plan(ending=cls.ending)

    def setUp(self):
        from django.test import Client as HttpClient

        self.http = HttpClient()
        self.http.force_login(self.client_.user, backend="accounts.backends.ModelBackend")
        url = reverse("ending:follow_up", kwargs={"follow_up_uuid": self.three.uuid})
        self.http.post(url, radio_data("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1]))
        self.http.post(url, radio_data("gad7", [2, 2, 2, 2, 2, 2, 2]))
        self.share_url = reverse("ending:follow_up_share", kwargs={"follow_up_uuid": self.three.uuid})
        self.record_url = reverse("practice:client_detail", kwargs={"client_uuid": self.client_.uuid})

    def test_the_record_shows_only_what_the_client_shares_and_hides_it_again_when_they_stop(self):
        ana = self.as_("therapist")
        self.assertNotContains(ana.get(self.record_url), "Follow-ups after the ending")
        response = self.http.post(self.share_url, {"share": "1"})
        self.assertEqual(response.status_code, 302)
        self.three.refresh_from_db()
        self.assertIsNotNone(self.three.shared_at)
        results = self.http.get(response["Location"])
        self.assertContains(results, "You chose to share these results")
        self.assertContains(results, "Stop sharing")
        before = AuditEvent.objects.reads_of("ending.followup").count()
        page = ana.get(self.record_url)
        self.assertContains(page, "Follow-ups after the ending")
        self.assertContains(page, "shared by the client on")
        self.assertContains(page, "PHQ-9")
        self.assertContains(page, "9 (mild)")
        self.assertContains(page, "14 (moderate)")
        self.assertNotContains(page, "nobody at the practice")
        self.assertEqual(AuditEvent.objects.reads_of("ending.followup").count(), before + 1)
        self.http.post(self.share_url, {"share": "0"})
        self.three.refresh_from_db()
        self.assertIsNone(self.three.shared_at)
        self.assertNotContains(ana.get(self.record_url), "Follow-ups after the ending")

    def test_a_colleague_who_is_not_their_therapist_sees_nothing(self):
        self.http.post(self.share_url, {"share": "1"})
        self.assertEqual(self.as_("colleague").get(self.record_url).status_code, 404)

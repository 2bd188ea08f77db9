"""The alert page gives whoever picks an alert up what they need to act (issue 14)."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from journal.models import Entry
from measures.services import measure_response_record
from onboarding.services import intake_save
from practice.services import emergency_access_grant
from risk.context import UNAVAILABLE
from risk.models import RiskAlert
from risk.services import risk_alert_escalate, risk_alert_raise
from safetyplan.services import safety_plan_save
from tending.testing.personas import TendingTestCase, add_care_personas

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = dt.datetime(2026, 11, 18, 9, 30, tzinfo=LONDON)
# Item 9 answered "Several days"; total 11, "Moderate".
ANSWERS = [1, 2, 1, 1, 1, 2, 1, 1, 1]
# Only the journal may hold these words: they must never reach the alert page.
SECRET = "the words only Cara may read"


def alert_url(alert):
    return reverse("risk:alert", kwargs={"alert_uuid": alert.uuid})


class AlertPageTestCase(TendingTestCase):
    def phq9_alert(self, answers=ANSWERS):
        with time_machine.travel(WEDNESDAY, tick=False):
            response = measure_response_record(client=self.w.client_a, instrument="phq9", answers=answers)
        return response, RiskAlert.objects.get(source="phq9_item9", source_id=str(response.uuid))

    def contact_details(self, phone="07700 900123", emergency="Sam (my sister) 07700 900456"):
        intake_save(client=self.w.client_a, data={"phone": phone, "emergency_contact": emergency})


class AnswerTests(AlertPageTestCase):
    def test_a_phq9_alert_shows_the_answer_the_total_its_band_and_when(self):
        response, alert = self.phq9_alert()
        page = self.as_("therapist").get(alert_url(alert))
        self.assertContains(page, "Thoughts that you would be better off dead or of hurting yourself in some way")
        self.assertContains(page, "<dt>Cara Client's answer</dt><dd>Several days</dd>", html=True)
        self.assertContains(page, "<dt>Total</dt><dd>11 of 27</dd>", html=True)
        self.assertContains(page, "<dt>Band</dt><dd>Moderate</dd>", html=True)
        self.assertContains(page, "Wednesday 18 November 2026, 09:30")
        self.assertContains(page, reverse("measures:response", kwargs={"response_uuid": response.uuid}))
        self.assertContains(page, "The whole PHQ-9 response")

    def test_showing_the_answer_is_audited_as_a_read_of_the_response(self):
        response, alert = self.phq9_alert()
        self.as_("therapist").get(alert_url(alert))
        # One row for the page (audit/reads.py): the alert first, then the response it showed.
        event = AuditEvent.objects.reads_of("measures.measureresponse").get()
        self.assertEqual((event.object_type, event.object_id), ("risk.riskalert", str(alert.uuid)))
        self.assertEqual(event.actor_id, self.w.therapist.user.uuid)
        shown = ["measures.measureresponse", str(response.uuid), {"via": "risk.riskalert", "alert": str(alert.uuid)}]
        self.assertIn(shown, event.detail["read"])

    def test_a_missing_response_gives_a_calm_line_not_an_error(self):
        for source_id in ("", "x1", str(uuid.uuid4())):
            with self.subTest(source_id=source_id):
                alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9", source_id=source_id)
                page = self.as_("therapist").get(alert_url(alert))
                self.assertContains(page, UNAVAILABLE)
                self.assertNotContains(page, "answer</dt>")

    def test_another_clients_response_is_never_shown_on_this_clients_alert(self):
        theirs = measure_response_record(client=self.w.client_b, instrument="phq9", answers=ANSWERS)
        alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9", source_id=str(theirs.uuid))
        page = self.as_("therapist").get(alert_url(alert))
        self.assertContains(page, UNAVAILABLE)
        self.assertNotContains(page, str(theirs.uuid))

    def test_an_unknown_source_gives_the_calm_line(self):
        alert = RiskAlert.objects.create(
            client=self.w.client_a, therapist=self.w.therapist, source="horoscope", escalate_after=WEDNESDAY
        )
        page = self.as_("therapist").get(alert_url(alert))
        self.assertContains(page, UNAVAILABLE)

    def test_a_checkin_note_alert_says_the_note_is_private(self):
        alert = RiskAlert.objects.create(
            client=self.w.client_a, therapist=self.w.therapist, source="checkin_note", escalate_after=WEDNESDAY
        )
        page = self.as_("therapist").get(alert_url(alert))
        self.assertContains(page, "The check-in note is private to Cara Client")
        self.assertNotContains(page, UNAVAILABLE)


class JournalAlertTests(AlertPageTestCase):
    def journal_alert(self, *, shared):
        entry = Entry.objects.create(client=self.w.client_a, body=SECRET, is_draft=False)
        if shared:
            Entry.objects.filter(pk=entry.pk).update(shared_at=timezone.now())
        return entry, risk_alert_raise(client=self.w.client_a, source="journal_words", source_id=str(entry.uuid))

    def test_an_unshared_entry_is_named_private_and_its_words_never_appear(self):
        entry, alert = self.journal_alert(shared=False)
        for persona in ("therapist", "owner"):
            if persona == "owner":
                risk_alert_escalate(alert=alert)
            with self.subTest(persona=persona):
                page = self.as_(persona).get(alert_url(alert))
                self.assertContains(
                    page, "Words in a journal entry Cara Client wrote suggested Cara Client may be at risk."
                )
                self.assertContains(page, "The entry is private to Cara Client")
                self.assertNotContains(page, SECRET)
                self.assertNotContains(page, reverse("journal:shared", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertFalse(AuditEvent.objects.filter(object_type="journal.entry", action="read").exists())

    def test_a_shared_entry_is_linked_for_the_therapist_and_its_words_stay_on_the_journal_page(self):
        entry, alert = self.journal_alert(shared=True)
        page = self.as_("therapist").get(alert_url(alert))
        shared = reverse("journal:shared", kwargs={"client_uuid": self.w.client_a.uuid})
        self.assertContains(page, f'href="{shared}#entry-{entry.uuid}"')
        self.assertNotContains(page, SECRET)
        self.assertNotContains(page, "private to")

    def test_a_deleted_entry_gives_the_calm_line(self):
        entry, alert = self.journal_alert(shared=False)
        entry.delete()
        self.assertContains(self.as_("therapist").get(alert_url(alert)), UNAVAILABLE)


class ReachTests(AlertPageTestCase):
    def test_the_phone_and_emergency_contact_are_shown_as_links_to_call(self):
        self.contact_details()
        _response, alert = self.phq9_alert()
        page = self.as_("therapist").get(alert_url(alert))
        self.assertContains(page, '<a class="tel" href="tel:07700900123">07700 900123</a>', html=True)
        self.assertContains(page, "Sam (my sister)")
        self.assertContains(page, 'href="tel:07700900456"')
        self.assertTrue(AuditEvent.objects.reads_of("onboarding.intake").exists())

    def test_without_contact_details_the_page_says_so(self):
        _response, alert = self.phq9_alert()
        page = self.as_("therapist").get(alert_url(alert))
        self.assertContains(page, "<dt>Phone</dt><dd>Not given</dd>", html=True)
        self.assertContains(page, "<dt>Emergency contact</dt><dd>Not given</dd>", html=True)
        self.assertFalse(AuditEvent.objects.reads_of("onboarding.intake").exists())

    def test_the_therapist_gets_a_link_to_the_safety_plan(self):
        _response, alert = self.phq9_alert()
        plan = reverse("safetyplan:client_plan", kwargs={"client_uuid": self.w.client_a.uuid})
        page = self.as_("therapist").get(alert_url(alert))
        self.assertContains(page, f'<a href="{plan}">Cara Client\'s safety plan</a> (not written yet)', html=True)
        safety_plan_save(
            client=self.w.client_a, content={"warning_signs": "Not sleeping"}, written_by=self.w.client_a.user
        )
        page = self.as_("therapist").get(alert_url(alert))
        self.assertContains(page, f'<a href="{plan}">Cara Client\'s safety plan</a>', html=True)
        self.assertNotContains(page, "(not written yet)")

    def test_the_owner_sees_how_to_reach_the_client_and_may_open_emergency_access_for_the_rest(self):
        self.contact_details()
        response, alert = self.phq9_alert()
        risk_alert_escalate(alert=alert)
        owner = self.as_("owner")
        page = owner.get(alert_url(alert))
        self.assertContains(page, "tel:07700900123")
        self.assertContains(page, "Several days")
        self.assertNotContains(page, reverse("measures:response", kwargs={"response_uuid": response.uuid}))
        self.assertNotContains(page, reverse("safetyplan:client_plan", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertContains(page, reverse("practice:emergency_access", kwargs={"client_uuid": self.w.client_a.uuid}))
        emergency_access_grant(owner=self.w.owner, client=self.w.client_a, reason="Alert, Ana unreachable")
        page = owner.get(alert_url(alert))
        self.assertContains(page, reverse("measures:response", kwargs={"response_uuid": response.uuid}))
        self.assertContains(page, reverse("safetyplan:client_plan", kwargs={"client_uuid": self.w.client_a.uuid}))


class CoverTests(AlertPageTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_care_personas(cls.w)

    def test_the_cover_can_call_the_client_but_is_not_sent_into_the_record(self):
        self.contact_details()
        response = measure_response_record(client=self.w.client_a, instrument="phq9", answers=ANSWERS)
        alert = RiskAlert.objects.get(source_id=str(response.uuid))
        self.assertEqual(alert.routed_to, self.w.cover)
        page = self.as_("cover").get(alert_url(alert))
        self.assertContains(page, "You are covering for Ana Therapist")
        self.assertContains(page, "tel:07700900123")
        self.assertContains(page, "tel:07700900456")
        for name, kwargs in (
            ("measures:response", {"response_uuid": response.uuid}),
            ("safetyplan:client_plan", {"client_uuid": self.w.client_a.uuid}),
            ("practice:client_detail", {"client_uuid": self.w.client_a.uuid}),
            ("practice:emergency_access", {"client_uuid": self.w.client_a.uuid}),
        ):
            self.assertNotContains(page, reverse(name, kwargs=kwargs))
        self.assertContains(page, "ask an owner of the practice")


class ProcedureTests(AlertPageTestCase):
    def test_without_a_procedure_of_its_own_the_practice_gets_the_default(self):
        _response, alert = self.phq9_alert()
        page = self.as_("therapist").get(alert_url(alert))
        self.assertContains(
            page,
            "Contact the client by phone; if you cannot reach them and are worried, call their emergency contact; "
            "if life is at risk, call 999.",
        )
        self.assertNotContains(page, reverse("practice:settings"))
        risk_alert_escalate(alert=alert)
        self.assertContains(self.as_("owner").get(alert_url(alert)), reverse("practice:settings"))

    def test_the_practices_own_procedure_is_shown_as_plain_text_with_its_line_breaks(self):
        self.w.practice.risk_procedure = "Ring them <b>first</b>.\nThen ring Olive on 07700 900999."
        self.w.practice.save(update_fields=["risk_procedure"])
        _response, alert = self.phq9_alert()
        page = self.as_("therapist").get(alert_url(alert))
        self.assertContains(page, "<p>Ring them &lt;b&gt;first&lt;/b&gt;.<br>Then ring Olive on 07700 900999.</p>")
        self.assertNotContains(page, "call 999")


class TimelineTests(AlertPageTestCase):
    def test_the_timeline_tells_what_has_been_done_with_names_not_ids(self):
        with self.captureOnCommitCallbacks(execute=True):
            _response, alert = self.phq9_alert()
        ana = self.as_("therapist")
        ana.get(alert_url(alert))
        ana.get(alert_url(alert))
        with self.captureOnCommitCallbacks(execute=True):
            risk_alert_escalate(alert=alert)
        self.as_("owner").get(alert_url(alert))
        ana.post(reverse("risk:acknowledge", kwargs={"alert_uuid": alert.uuid}), {"action_taken": "contacted"})
        page = ana.get(alert_url(alert))
        timeline = page.content.decode().split('id="done-heading"')[1].split("</section>")[0]
        expected = [
            "Alert raised",
            "Email to Ana Therapist queued for sending",
            # A page's read is written once the page is made (audit/reads.py): this third view counts next time.
            "Opened by Ana Therapist (2 times",
            "Sent to the practice's owners: it was still open after a working day",
            "Email to Olive Owner queued for sending",
            "Opened by Olive Owner",
            "Acknowledged by Ana Therapist: “I contacted the client”",
        ]
        positions = [timeline.find(text.replace("'", "&#x27;")) for text in expected]
        self.assertNotIn(-1, positions, timeline)
        self.assertEqual(positions, sorted(positions), timeline)
        for person in (self.w.therapist, self.w.owner):
            self.assertNotIn(str(person.uuid), timeline)
            self.assertNotIn(str(person.user.uuid), timeline)
        self.assertIn("risk/_deliveries.html", "".join(t.name for t in page.templates if t.name))

    def test_the_cover_is_named_when_an_alert_is_sent_to_them(self):
        add_care_personas(self.w)
        with self.captureOnCommitCallbacks(execute=True):
            alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
        page = self.as_("cover").get(alert_url(alert))
        self.assertContains(page, "Sent to Cy Cover, covering while the therapist was away")
        self.assertContains(page, "Email to Cy Cover queued for sending")


class QueryCountTests(AlertPageTestCase):
    # Twelve are the three audited reads (four each inside a test's transaction, five on PostgreSQL with its
    # advisory lock); what raised the alert, the intake and the safety plan are one query each, the timeline
    # three and the alert's emails one, however long they are; the navigation's count of open alerts one.
    MAX_QUERIES = 30

    def count(self, http, alert):
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(http.get(alert_url(alert)).status_code, 200)
        return len(queries), "\n".join(q["sql"] for q in queries.captured_queries)

    def test_the_page_needs_a_small_fixed_number_of_queries(self):
        self.contact_details()
        safety_plan_save(
            client=self.w.client_a, content={"warning_signs": "Not sleeping"}, written_by=self.w.client_a.user
        )
        with self.captureOnCommitCallbacks(execute=True):
            _response, alert = self.phq9_alert()
        ana = self.as_("therapist")
        ana.get(alert_url(alert))
        first, sql = self.count(ana, alert)
        self.assertLessEqual(first, self.MAX_QUERIES, sql)
        for _ in range(5):
            self.as_("owner").get(alert_url(alert))  # not theirs: refused, nothing logged
            ana.get(alert_url(alert))
        risk_alert_escalate(alert=alert)
        self.as_("owner").get(alert_url(alert))
        later, sql = self.count(ana, alert)
        self.assertEqual(later, first, sql)

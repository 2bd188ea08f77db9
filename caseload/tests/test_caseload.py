from datetime import UTC, datetime, timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from bookings.models import Appointment, Consultation
from checkins.models import CheckIn
from formulation.models import Insight
from journal.models import Entry
from measures.services import measure_response_record
from mindfulness.models import ExerciseLog
from notes.services import note_sign, note_start
from risk.services import risk_alert_raise
from selfcare.models import Activity, Tick
from tending.testing.factories import ClientFactory, UserFactory
from tending.testing.personas import TendingTestCase

NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # a Wednesday morning in London (09:00 BST)


def session(client, start, *, therapist=None, kind="session", status="confirmed"):
    therapist = therapist or client.therapist
    return Appointment.objects.create(
        practice=therapist.practice,
        therapist=therapist,
        client=client,
        kind=kind,
        start=start,
        end=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=60),
        status=status,
    )


@time_machine.travel(NOW, tick=False)
class CaseloadTests(TendingTestCase):
    def home(self, persona="therapist"):
        return self.as_(persona).get(reverse("caseload:home"))

    def test_signing_in_takes_a_therapist_to_the_caseload(self):
        response = self.as_("therapist").get(reverse("practice:home"))
        self.assertRedirects(response, reverse("caseload:home"))
        self.assertContains(self.home(), "Your caseload")

    def test_attention_is_ordered_alerts_then_deterioration_then_suggestions_then_journal_then_measures(self):
        ana = self.w.therapist
        names = ["Alma", "Bea", "Cy", "Dot", "Eve"]
        people = [ClientFactory(therapist=ana, preferred_name=n, user=UserFactory(name=n)) for n in names]
        alma, bea, cy, dot, eve = people
        # Listed in reverse of their priority, so the order below is the caseload's doing.
        session(eve, NOW - timedelta(days=14))
        measure_response_record(client=eve, instrument="who5", answers=[3] * 5, completed_at=NOW - timedelta(days=2))
        Entry.objects.create(
            client=dot, body="I wanted you to see this", is_draft=False, shared_at=NOW - timedelta(days=1)
        )
        Insight.objects.create(client=cy, kind=Insight.Kind.SYMPTOM_SHIFT, key="k")
        measure_response_record(client=bea, instrument="phq9", answers=[0] * 9, completed_at=NOW - timedelta(days=60))
        measure_response_record(client=bea, instrument="phq9", answers=[1] * 9, completed_at=NOW - timedelta(days=3))
        risk_alert_raise(client=alma, source="journal_words")
        page = self.home().content.decode()
        section = page[page.index("Who needs attention today") :]
        positions = [section.index(f">{n}<") for n in names]
        self.assertEqual(positions, sorted(positions), "attention order")
        self.assertIn("1 risk alert to acknowledge", section)
        self.assertIn("Questionnaires show reliable deterioration", section)
        self.assertIn("1 suggestion in the formulation", section)
        self.assertIn("1 shared journal entry not yet read", section)
        self.assertIn("1 questionnaire returned since your last session", section)
        # Each reason links to where it is dealt with, naming the client for a screen reader.
        formulation = reverse("formulation:detail", kwargs={"client_uuid": cy.uuid})
        self.assertIn(
            f'<li><a href="{reverse("risk:list")}">1 risk alert to acknowledge'
            '<span class="visually-hidden"> for Alma</span></a></li>',
            section,
        )
        self.assertIn(
            f'<li><a href="{formulation}">1 suggestion in the formulation'
            '<span class="visually-hidden"> for Cy</span></a></li>',
            section,
        )
        self.assertIn("<li>Questionnaires show reliable deterioration</li>", section)

    def test_a_shared_entry_stops_waiting_once_the_therapist_has_read_it(self):
        Entry.objects.create(client=self.w.client_a, body="For Ana", is_draft=False, shared_at=NOW - timedelta(days=1))
        self.assertContains(self.home(), "shared journal entry not yet read")
        self.as_("therapist").get(reverse("journal:shared", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertNotContains(self.home(), "shared journal entry not yet read")

    def test_a_client_who_has_not_booked_for_a_while_is_resting_never_overdue(self):
        cara = self.w.client_a
        cara.created_at = NOW - timedelta(days=365)
        cara.save(update_fields=["created_at"])
        session(cara, NOW - timedelta(days=70), status="completed")
        page = self.home()
        self.assertContains(page, "Resting")
        self.assertContains(page, "last met 1 Apr 2026")
        for word in ("overdue", "missed", "lapsed", "failed"):
            self.assertNotIn(word, page.content.decode().lower())

    def test_a_client_with_a_session_booked_is_not_resting(self):
        cara = self.w.client_a
        cara.created_at = NOW - timedelta(days=365)
        cara.save(update_fields=["created_at"])
        session(cara, NOW - timedelta(days=70), status="completed")
        session(cara, NOW + timedelta(days=20))
        self.assertNotContains(self.home(), "Resting")

    def test_todays_and_this_weeks_appointments_link_to_since_we_last_met_and_the_note(self):
        today = session(self.w.client_a, NOW + timedelta(hours=2))
        later = session(self.w.client_b, NOW + timedelta(days=3))
        session(self.w.client_c, NOW + timedelta(hours=4))  # Ben's: not on Ana's page
        page = self.home()
        text = page.content.decode()
        self.assertLess(text.index("Cara Client"), text.index("The rest of this week"))
        self.assertGreater(text.index("Dev Client"), text.index("The rest of this week"))
        self.assertNotIn("Eli Client", text)
        since = reverse("caseload:since", kwargs={"client_uuid": self.w.client_a.uuid})
        self.assertContains(page, f"{since}?before={today.uuid}")
        self.assertContains(page, reverse("notes:start", kwargs={"appointment_uuid": later.uuid}))

    def test_each_appointment_row_says_what_it_is_and_what_its_note_needs(self):
        signed = session(self.w.client_a, NOW + timedelta(hours=1))
        note_sign(note=note_start(appointment=signed, author=self.w.therapist), by=self.w.therapist)
        drafted = session(self.w.client_b, NOW + timedelta(hours=2))
        draft = note_start(appointment=drafted, author=self.w.therapist)
        requested = session(self.w.client_a, NOW + timedelta(days=2), status="requested")
        visitor = Consultation.objects.create(
            practice=self.w.practice, name="Vic <Visitor>", email="vic@example.test", time_zone="Europe/London"
        )
        consultation = session(None, NOW + timedelta(hours=3), therapist=self.w.therapist, kind="consultation")
        Appointment.objects.filter(pk=consultation.pk).update(consultation=visitor)
        page = self.home()

        def row(appointment):
            text = page.content.decode()
            start = text.index(reverse("bookings:appointment", kwargs={"appointment_uuid": appointment.uuid}))
            return text[text.rindex("<li>", 0, start) : text.index("</li>", start)]

        self.assertIn("Wed 10 Jun, 10:00</a></strong>", row(signed))  # 09:00 UTC is 10:00 in London (BST)
        self.assertIn(reverse("notes:detail", kwargs={"note_uuid": signed.note.uuid}) + '">Read the note', row(signed))
        self.assertIn('<span class="visually-hidden">: Cara Client, 10 Jun 10:00</span>', row(signed))
        self.assertIn(reverse("notes:edit", kwargs={"note_uuid": draft.uuid}) + '">Keep writing the note', row(drafted))
        self.assertIn('<span class="badge">Session, waiting for confirmation</span>', row(requested))
        self.assertIn(
            reverse("notes:start", kwargs={"appointment_uuid": requested.uuid}) + '">Write a note', row(requested)
        )
        # A visitor's consultation: their name, escaped, and no session's links.
        self.assertIn("Vic &lt;Visitor&gt;", row(consultation))
        self.assertIn('<span class="badge">Free consultation</span>', row(consultation))
        self.assertNotIn("Since we last met", row(consultation))

    def test_requests_waiting_beyond_the_week_are_shown_once_with_the_calendar(self):
        today = session(self.w.client_a, NOW + timedelta(hours=2))
        waiting = session(self.w.client_b, NOW + timedelta(days=20), status="requested")
        session(self.w.client_c, NOW + timedelta(days=21), status="requested")  # Ben's: not on Ana's page
        page = self.home()
        text = page.content.decode()
        self.assertGreater(text.index("Dev Client"), text.index("Later, waiting for you to confirm"))
        self.assertNotIn("Eli Client", text)
        for appointment in (today, waiting):
            self.assertContains(page, reverse("bookings:appointment", kwargs={"appointment_uuid": appointment.uuid}))
        # One list of today's appointments on the page, not two.
        self.assertEqual(text.count(reverse("bookings:appointment", kwargs={"appointment_uuid": today.uuid})), 1)
        self.assertContains(page, reverse("bookings:agenda"))

    def test_the_caseload_uses_the_same_number_of_queries_for_2_or_40_clients_with_years_of_history(self):
        """Fixed both ways: when some clients' stored facts must be refreshed first (here the new ones), and
        when none must (the next view)."""

        def grow(n, years, offset=0):
            for i in range(offset, offset + n):
                client = ClientFactory(therapist=self.w.therapist)
                for k in range(years * 4):
                    session(client, NOW - timedelta(days=90 * k + i + 1), status="completed")
                measure_response_record(
                    client=client, instrument="phq9", answers=[1] * 9, completed_at=NOW - timedelta(days=5)
                )
                Insight.objects.create(client=client, kind=Insight.Kind.SYMPTOM_SHIFT, key=f"k{i}")
                risk_alert_raise(client=client, source="journal_words")

        http = self.as_("therapist")
        http.get(reverse("caseload:home"))
        grow(2, 1)
        with CaptureQueriesContext(connection) as small_refreshing:
            http.get(reverse("caseload:home"))
        with CaptureQueriesContext(connection) as small_stored:
            http.get(reverse("caseload:home"))
        grow(38, 5, offset=2)
        with self.assertNumQueries(len(small_refreshing)):
            response = http.get(reverse("caseload:home"))
        self.assertContains(response, "to acknowledge<span", count=40)
        with self.assertNumQueries(len(small_stored)):
            response = http.get(reverse("caseload:home"))
        self.assertContains(response, "to acknowledge<span", count=40)
        # Reading stored facts costs less than refreshing them (the point of storing them).
        self.assertLess(len(small_stored), len(small_refreshing))

    def test_colleagues_see_none_of_anas_clients(self):
        risk_alert_raise(client=self.w.client_a, source="journal_words")
        Insight.objects.create(client=self.w.client_a, kind=Insight.Kind.SYMPTOM_SHIFT, key="k")
        self.assertNotContains(self.home("colleague"), "Cara Client")


@time_machine.travel(NOW, tick=False)
class ClientListTests(TendingTestCase):
    def test_it_searches_by_name_and_shows_care_and_last_contact(self):
        session(self.w.client_a, NOW - timedelta(days=9), status="completed")
        session(self.w.client_a, NOW + timedelta(days=5))
        page = self.as_("therapist").get(reverse("caseload:clients"), {"q": "cara"})
        self.assertContains(page, "Cara Client")
        self.assertNotContains(page, "Dev Client")
        self.assertContains(page, "1 Jun 2026")  # last contact
        self.assertContains(page, "15 Jun 2026")  # next session
        self.assertContains(page, "Active")

    def test_ended_clients_are_left_out_unless_asked_for(self):
        dev = self.w.client_b
        dev.care_status = "ended"
        dev.save(update_fields=["care_status"])
        http = self.as_("therapist")
        self.assertNotContains(http.get(reverse("caseload:clients")), "Dev Client")
        self.assertContains(http.get(reverse("caseload:clients"), {"status": "ended"}), "Dev Client")
        self.assertContains(http.get(reverse("caseload:clients"), {"status": "all"}), "Dev Client")

    def test_a_strange_filter_value_is_explained_not_a_failure(self):
        page = self.as_("therapist").get(reverse("caseload:clients"), {"status": "nonsense", "page": "x"})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Select a valid choice")

    def test_it_never_lists_a_colleagues_clients(self):
        self.assertNotContains(self.as_("therapist").get(reverse("caseload:clients"), {"status": "all"}), "Eli Client")

    def test_the_list_as_it_opens_pages_fifty_by_name_with_their_days_and_the_same_queries_a_page(self):
        therapist = self.w.client_a.therapist
        for n in range(55):
            ClientFactory(practice=therapist.practice, therapist=therapist, preferred_name=f"Zed {n:02d}")
        session(self.w.client_a, NOW - timedelta(days=9), status="completed")
        session(self.w.client_a, NOW + timedelta(days=5))
        http = self.as_("therapist")
        first = http.get(reverse("caseload:clients")).content.decode()
        # Cara and Dev first by name, then the Zeds: 48 of them on the first page, the other 7 on the second.
        self.assertIn("Page 1 of 2", first)
        self.assertLess(first.index("Cara Client"), first.index("Dev Client"))
        self.assertIn("1 Jun 2026", first)
        self.assertIn("15 Jun 2026", first)
        self.assertIn("Zed 47", first)
        self.assertNotIn("Zed 48", first)
        second = http.get(reverse("caseload:clients"), {"page": "2"}).content.decode()  # its facts stored now
        with CaptureQueriesContext(connection) as one:
            http.get(reverse("caseload:clients"), {"page": "2"})
        self.assertIn("Zed 48", second)
        self.assertIn("Zed 54", second)
        self.assertNotIn("Cara Client", second)
        with CaptureQueriesContext(connection) as again:
            http.get(reverse("caseload:clients"), {"page": "1"})
        self.assertEqual(len(one), len(again))
        # A page past the end is the last; a search pages the same way.
        self.assertIn("Zed 54", http.get(reverse("caseload:clients"), {"page": "9"}).content.decode())
        found = http.get(reverse("caseload:clients"), {"q": "zed", "page": "2"}).content.decode()
        self.assertIn("Page 2 of 2", found)
        self.assertIn("Zed 54", found)
        self.assertNotIn("Zed 49", found)


@time_machine.travel(NOW, tick=False)
class SinceWeLastMetTests(TendingTestCase):
    def test_it_gathers_everything_since_the_last_session(self):
        cara = self.w.client_a
        last = session(cara, NOW - timedelta(days=14), status="completed")
        upcoming = session(cara, NOW + timedelta(hours=3))
        for days, mood in ((20, 3), (18, 3), (10, 6), (5, 8)):
            CheckIn.objects.create(client=cara, local_date=(NOW - timedelta(days=days)).date(), mood=mood)
        measure_response_record(client=cara, instrument="phq9", answers=[2] * 9, completed_at=NOW - timedelta(days=40))
        measure_response_record(client=cara, instrument="phq9", answers=[1] * 9, completed_at=NOW - timedelta(days=3))
        Entry.objects.create(
            client=cara, body="Shared words", is_draft=False, shared_at=datetime(2026, 6, 8, 12, tzinfo=UTC)
        )
        Entry.objects.create(client=cara, body="Private words", is_draft=False)
        ExerciseLog.objects.create(
            client=cara,
            builtin_slug="soothing-rhythm-breathing",
            practised_at=NOW - timedelta(days=2),
            calm_before=3,
            calm_after=7,
        )
        activity = Activity.objects.create(client=cara, area="body", text="A walk by the river")
        Tick.objects.create(activity=activity, done_at=NOW - timedelta(days=4))
        Tick.objects.create(activity=activity, done_at=NOW - timedelta(days=30))
        risk_alert_raise(client=cara, source="journal_words")

        url = reverse("caseload:since", kwargs={"client_uuid": cara.uuid})
        page = self.as_("therapist").get(url, {"before": upcoming.uuid})
        self.assertContains(page, f"From your session on {timezone.localtime(last.start):%A %-d %B}")
        self.assertContains(page, '<th scope="row">Mood</th><td>7.0</td><td>3.0</td>', html=False)
        self.assertContains(page, "PHQ-9 on 7 Jun: 9")
        self.assertContains(page, "before: 18, a reliable improvement")
        self.assertContains(page, "Shared 8 Jun")
        self.assertNotContains(page, "Private words")
        self.assertContains(page, "Soothing-rhythm breathing: 1 time")
        self.assertNotContains(page, "calm 4.0")  # her ratings were "only for you"
        self.assertContains(page, "A walk by the river: 1 time")
        self.assertContains(page, "Still open.")

    def test_it_is_audited_and_closed_to_everyone_else(self):
        url = reverse("caseload:since", kwargs={"client_uuid": self.w.client_a.uuid})
        self.as_("therapist").get(url)
        self.assertTrue(AuditEvent.objects.filter(object_type="caseload.since_we_last_met", action="read").exists())
        other = session(self.w.client_c, NOW + timedelta(days=1))
        self.assertEqual(self.as_("therapist").get(url, {"before": other.uuid}).status_code, 404)
        self.assertEqual(self.as_("therapist").get(url, {"before": "not-a-uuid"}).status_code, 404)

    def test_a_first_session_starts_from_the_beginning(self):
        page = self.as_("therapist").get(reverse("caseload:since", kwargs={"client_uuid": self.w.client_b.uuid}))
        self.assertContains(page, "From the start")
        self.assertContains(page, "No check-ins in this time.")


@time_machine.travel(NOW, tick=False)
class CaseloadAuditTests(TendingTestCase):
    def test_showing_suggestions_on_the_caseload_is_one_audited_read(self):
        insight = Insight.objects.create(client=self.w.client_a, kind=Insight.Kind.SYMPTOM_SHIFT, key="k")
        self.as_("therapist").get(reverse("caseload:home"))
        event = AuditEvent.objects.get(object_type="formulation.insight", object_id="caseload")
        self.assertEqual(event.detail, {"insights": [str(insight.uuid)]})
        self.assertEqual(event.actor_id, self.w.therapist.user.uuid)

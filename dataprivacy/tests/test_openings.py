"""'Who has opened my record': the client's list, and the owner holding a line back."""

from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from dataprivacy.models import HeldBackOpening
from dataprivacy.openings import PAGE_SIZE, record_openings
from practice.models import Practice
from practice.services import emergency_access_grant
from tending.testing.factories import UserFactory
from tending.testing.personas import TendingTestCase

OPENINGS = reverse("dataprivacy:openings")
REASON = "A risk alert about Cara while Ana is away"


def noon(days_ago: int, practice):
    """Midday in the practice's time zone ``days_ago`` days back: never near a day's edge."""
    local = timezone.localtime(timezone.now(), practice.zone).replace(hour=12, minute=0, second=0, microsecond=0)
    return local - timedelta(days=days_ago)


class OpeningsTestCase(TendingTestCase):
    def event(self, actor, *, action=AuditEvent.Action.READ, object_type="practice.client", at=None, client=None):
        client = client or self.w.client_a
        if at is None:
            return audit_record(action=action, object_type=object_type, actor=actor.user, client=client)
        with time_machine.travel(at, tick=False):
            return audit_record(action=action, object_type=object_type, actor=actor.user, client=client)

    def owner_page(self, client=None):
        return reverse("dataprivacy:owner_openings", kwargs={"client_uuid": (client or self.w.client_a).uuid})

    def lines(self, client=None):
        return [opening.text for opening in record_openings(client or self.w.client_a)]


class ClientListTests(OpeningsTestCase):
    def test_it_lists_the_therapists_reads_one_line_a_day(self):
        ana = self.w.therapist
        for minutes in (0, 5, 30):
            self.event(ana, at=noon(3, self.w.practice) + timedelta(minutes=minutes))
        self.event(ana, at=noon(1, self.w.practice))
        lines = self.lines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith("Ana, your therapist, read your record — once on"), lines)
        self.assertTrue(lines[1].startswith("Ana, your therapist, read your record — 3 times on"), lines)
        day = noon(3, self.w.practice)
        page = self.as_("client_a").get(OPENINGS)
        self.assertContains(page, f"3 times on {day:%A} {day.day} {day:%B}")

    def test_each_person_is_named_by_their_place_at_the_practice_whoever_they_are(self):
        helper = UserFactory(email="pat@willow.test", name="Pat Helper")  # an account that is not the practice's staff
        for days_ago, person in enumerate((self.w.colleague.user, self.w.outsider.user, helper), start=1):
            with time_machine.travel(noon(days_ago, self.w.practice), tick=False):
                audit_record(
                    action=AuditEvent.Action.READ, object_type="practice.client", actor=person, client=self.w.client_b
                )
            if days_ago == 1:
                with time_machine.travel(noon(0, self.w.practice), tick=False), self.assertNumQueries(5):
                    self.lines(self.w.client_b)  # the practice's staff by a kept read
        with time_machine.travel(noon(0, self.w.practice), tick=False), self.assertNumQueries(6):
            lines = self.lines(self.w.client_b)  # and the two who are not the practice's by one query more
        self.assertEqual(
            [line.split(" read your record")[0] for line in lines],
            ["Ben (a therapist at Willow Tree Therapy)", "Zed (practice owner)", "Pat Helper"],
        )

    def read_days(self, client):
        return sorted(o.key.rsplit(":", 1)[1] for o in record_openings(client) if o.kind == "reads")

    def test_a_day_is_the_practices_day_across_the_clock_change_and_in_a_half_hour_zone(self):
        ana = self.w.therapist
        utc = ZoneInfo("UTC")
        # London on the day the clocks went forward: 00:30 GMT on the 29th, and 23:30 UTC, which is 00:30 BST on
        # the 30th; then a summer night, 22:30 and 23:30 UTC, which are 23:30 and 00:30 BST.
        for at in ("2026-03-29 00:30", "2026-03-29 23:30", "2026-07-14 22:30", "2026-07-14 23:30"):
            self.event(ana, at=datetime.fromisoformat(at).replace(tzinfo=utc))
        self.assertEqual(self.read_days(self.w.client_a), ["2026-03-29", "2026-03-30", "2026-07-14", "2026-07-15"])
        # Kolkata is five and a half hours ahead: 18:20 and 18:40 UTC are 23:50 and 00:10, within one UTC hour.
        Practice.objects.filter(pk=self.w.practice.pk).update(time_zone="Asia/Kolkata")
        dev = self.w.client_b
        dev.practice.refresh_from_db()
        for at in ("2026-07-14 18:20", "2026-07-14 18:40", "2026-07-14 18:50"):
            self.event(self.w.owner, at=datetime.fromisoformat(at).replace(tzinfo=utc), client=dev)
        self.assertEqual(self.read_days(dev), ["2026-07-14", "2026-07-15"])
        self.assertTrue(
            self.lines(dev)[0].startswith("Olive (practice owner) read your record — twice on Wednesday 15 July")
        )

    def test_it_never_lists_messages_nor_the_clients_own_reading(self):
        self.event(self.w.therapist, object_type="messages.message")
        self.event(self.w.client_a, action=AuditEvent.Action.READ)
        self.event(self.w.client_a, action=AuditEvent.Action.EXPORT, object_type="dataprivacy.export")
        self.assertEqual(self.lines(), [])
        self.assertContains(self.as_("client_a").get(OPENINGS), "Nobody else has opened your record yet.")

    def test_one_client_never_sees_anothers_list(self):
        self.event(self.w.therapist)
        self.assertEqual(self.lines(self.w.client_b), [])
        self.assertNotContains(self.as_("client_b").get(OPENINGS), "read your record")
        self.assertContains(self.as_("client_a").get(OPENINGS), "read your record")

    def test_the_setting_off_hides_therapist_reads_but_not_exports(self):
        self.event(self.w.therapist)
        self.event(self.w.owner, action=AuditEvent.Action.EXPORT, object_type="dataprivacy.export")
        Practice.objects.filter(pk=self.w.practice.pk).update(record_openings_show_therapist=False)
        page = self.as_("client_a").get(OPENINGS)
        self.assertNotContains(page, "read your record")
        self.assertContains(page, "Your data was exported by Olive (practice owner)")

    def test_an_open_emergency_access_is_not_listed_until_it_ends(self):
        grant = emergency_access_grant(owner=self.w.owner, client=self.w.client_a, reason=REASON)
        self.event(self.w.owner)  # the owner reads under the grant
        page = self.as_("client_a").get(OPENINGS)
        self.assertNotContains(page, "Olive")
        self.assertNotContains(page, "emergency in")
        self.assertEqual(self.lines(), [])
        with time_machine.travel(grant.expires_at + timedelta(minutes=1), tick=False):
            lines = self.lines()
            page = self.as_("client_a").get(OPENINGS)
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("Olive (practice owner) opened your record in an emergency on", lines[0])
        self.assertIn("and looked at it once", lines[0])
        self.assertContains(page, REASON)

    def test_the_page_lists_at_most_a_page_of_lines_and_links_to_earlier_ones(self):
        for days_ago in range(PAGE_SIZE + 5):
            self.event(self.w.therapist, at=noon(days_ago + 1, self.w.practice))
        page = self.as_("client_a").get(OPENINGS)
        self.assertContains(page, "read your record", count=PAGE_SIZE)
        self.assertContains(page, "?page=2")
        self.assertContains(self.as_("client_a").get(OPENINGS + "?page=2"), "read your record", count=5)
        self.assertEqual(self.as_("client_a").get(OPENINGS + "?page=x").status_code, 200)

    def test_the_query_count_stays_the_same_however_long_the_history(self):
        ended = emergency_access_grant(owner=self.w.owner, client=self.w.client_a, reason=REASON)
        ended.expires_at = timezone.now() - timedelta(minutes=1)
        ended.save(update_fields=["expires_at"])
        self.event(self.w.therapist, at=noon(2, self.w.practice))
        self.event(self.w.owner, action=AuditEvent.Action.EXPORT, object_type="dataprivacy.export")
        client = self.as_("client_a")
        client.get(OPENINGS)  # warm the session
        # the session, the user with their client and practice; then grants, reads by day, exports,
        # the people named, and the held-back lines.
        with self.assertNumQueries(7):
            client.get(OPENINGS)
        for days_ago in range(3, 40):
            self.event(self.w.therapist, at=noon(days_ago, self.w.practice))
            self.event(self.w.colleague, at=noon(days_ago, self.w.practice))
        with self.assertNumQueries(7):
            client.get(OPENINGS)


class HoldingBackTests(OpeningsTestCase):
    def setUp(self):
        super().setUp()
        self.event(self.w.owner, action=AuditEvent.Action.EXPORT, object_type="dataprivacy.export")
        self.event(self.w.therapist)
        self.export = next(o for o in record_openings(self.w.client_a) if o.kind == "export")

    def test_a_held_back_line_is_hidden_from_the_client_until_shown_again(self):
        olive = self.as_("owner")
        owner_page = olive.get(self.owner_page())
        self.assertContains(owner_page, "Your data was exported by Olive (practice owner)")
        response = olive.post(self.owner_page(), {"op": "hold", "key": self.export.key, "reason": "Serious harm"})
        self.assertRedirects(response, self.owner_page())
        page = self.as_("client_a").get(OPENINGS)
        self.assertNotContains(page, "exported")
        self.assertContains(page, "read your record")
        held = HeldBackOpening.objects.get()
        self.assertEqual((held.reason, held.held_by, held.kind), ("Serious harm", self.w.owner, "export"))
        self.assertContains(olive.get(self.owner_page()), "Held back")

        olive.post(self.owner_page(), {"op": "show", "held": str(held.uuid)})
        self.assertContains(self.as_("client_a").get(OPENINGS), "exported")
        held.refresh_from_db()
        self.assertIsNotNone(held.shown_again_at)

        events = AuditEvent.objects.filter(object_type="dataprivacy.heldback", object_id=str(held.uuid))
        self.assertEqual(sorted(events.values_list("action", flat=True)), ["create", "update"])
        for event in events:
            self.assertNotIn("Serious harm", str(event.detail))
            self.assertEqual(event.client_id, self.w.client_a.uuid)

    def test_the_owner_opens_one_lines_form_from_its_link(self):
        olive = self.as_("owner")
        page = olive.get(self.owner_page())
        link = f"?hold={quote(self.export.key)}#hold"
        self.assertContains(page, link.replace("&", "&amp;"))
        self.assertNotContains(page, 'name="reason"')
        page = olive.get(self.owner_page(), {"hold": self.export.key})
        self.assertContains(page, 'name="reason"', count=1)
        self.assertContains(page, f'name="key" value="{self.export.key}"')
        # A key that is not on the page (or nonsense) opens no form and costs nothing more.
        page = olive.get(self.owner_page(), {"hold": "export:999999"})
        self.assertNotContains(page, 'name="reason"')

    def test_holding_back_without_a_reason_gets_a_kind_message(self):
        response = self.as_("owner").post(self.owner_page(), {"op": "hold", "key": self.export.key, "reason": "  "})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please write a short reason")
        self.assertContains(response, 'name="reason"', count=1)  # the refused line's form, open again
        self.assertFalse(HeldBackOpening.objects.exists())

    def test_a_line_not_on_the_list_cannot_be_held_back(self):
        self.as_("owner").post(self.owner_page(), {"op": "hold", "key": "export:999999", "reason": "x"})
        self.as_("owner").post(self.owner_page(), {"op": "show", "held": "not-a-uuid"})
        self.assertFalse(HeldBackOpening.objects.exists())

    def test_an_open_emergency_access_can_be_held_back_before_the_client_sees_it(self):
        grant = emergency_access_grant(owner=self.w.owner, client=self.w.client_a, reason=REASON)
        owner_page = self.as_("owner").get(self.owner_page())
        self.assertContains(owner_page, "Still open")
        self.as_("owner").post(self.owner_page(), {"op": "hold", "key": f"emergency:{grant.uuid}", "reason": "Harm"})
        with time_machine.travel(grant.expires_at + timedelta(minutes=1), tick=False):
            self.assertNotIn("emergency", " ".join(self.lines()))

    def test_the_owner_page_is_for_the_clients_practice_owners_only(self):
        for persona in ("therapist", "colleague", "outsider", "client_a", "client_b"):
            with self.subTest(persona=persona):
                self.assertEqual(self.as_(persona).get(self.owner_page()).status_code, 404)
                post = self.as_(persona).post(self.owner_page(), {"op": "hold", "key": self.export.key, "reason": "x"})
                self.assertEqual(post.status_code, 404)
        self.assertEqual(self.as_("owner").get(self.owner_page(self.w.stranger)).status_code, 404)
        self.assertFalse(HeldBackOpening.objects.exists())

    def test_the_owners_client_list_links_to_the_page(self):
        self.assertContains(self.as_("owner").get(reverse("practice:owner_home")), self.owner_page())

"""An owner with emergency access reads what a client shared (journal/README.md), and the read is audited."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from journal.services import entry_save, entry_share
from practice.models import EmergencyAccess
from tending.testing.personas import TendingTestCase


class SharedEntriesUnderEmergencyAccessTests(TendingTestCase):
    def setUp(self):
        self.entry, _ = entry_save(client=self.w.client_a, body="Slept a little better this week", prompt="free")
        entry_share(entry=self.entry)
        self.url = reverse("journal:shared", kwargs={"client_uuid": self.w.client_a.uuid})

    def test_an_owner_with_a_grant_reads_the_shared_entries_and_it_is_recorded(self):
        self.assertEqual(self.as_("owner").get(self.url).status_code, 404)  # no grant yet
        EmergencyAccess.objects.create(
            owner=self.w.owner,
            client=self.w.client_a,
            reason="A risk alert came in and Ana cannot be reached",
            expires_at=timezone.now() + timedelta(hours=1),
        )
        self.assertContains(self.as_("owner").get(self.url), "Slept a little better this week")
        event = AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_type="journal.entry").latest("id")
        self.assertEqual(event.actor_id, self.w.owner.user.uuid)
        self.assertIn(str(self.entry.uuid), event.detail["entries"])

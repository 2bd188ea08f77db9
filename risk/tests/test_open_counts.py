"""The open alerts each staff member must see, counted by the SQL written once per shape (core/compiled.py),
are exactly those ``RiskAlert.objects.for_staff`` chooses: therapist, cover, owner, a practice without an
owner, someone who has left, and another practice."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from risk.models import RiskAlert
from risk.selectors import open_counts_by_client
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory
from tending.testing.personas import TendingTestCase, add_care_personas


def _expected(staff) -> dict:
    rows = RiskAlert.objects.for_staff(staff).open().values("client_id").annotate(n=Count("id")).order_by()
    return {row["client_id"]: row["n"] for row in rows}


class OpenCountsTests(TendingTestCase):
    def test_each_staff_members_count_is_the_querysets(self):
        w = add_care_personas(self.w)
        now = timezone.now()
        later = now + timedelta(hours=1)

        def alert(client, therapist, **extra):
            return RiskAlert.objects.create(
                client=client, therapist=therapist, source="journal_words", escalate_after=later, **extra
            )

        alert(w.client_a, w.therapist)
        alert(w.client_a, w.therapist, routed_to=w.cover, routed_at=now)
        alert(w.client_b, w.therapist, escalated_at=now)
        alert(w.client_c, w.colleague)
        alert(w.client_c, w.colleague, acknowledged_at=now, acknowledged_by=w.colleague.user, action_taken="other")
        alert(w.stranger, w.outsider, escalated_at=now)
        # A practice with no owner: its escalated alerts go to every active therapist.
        alone = PracticeFactory(slug="alone")
        first, second = StaffFactory(practice=alone), StaffFactory(practice=alone)
        left = StaffFactory(practice=alone, is_active=False)
        theirs = ClientFactory(therapist=first)
        alert(theirs, first, escalated_at=now)
        alert(theirs, first)
        people = [w.owner, w.therapist, w.colleague, w.cover, w.deactivated, w.outsider, first, second, left]
        seen = {}
        for staff in people:
            expected = _expected(staff)
            self.assertEqual(open_counts_by_client(staff), expected, staff)
            seen[staff.pk] = sum(expected.values())
        # The cases above are not all empty: each kind of reach is counted somewhere.
        self.assertEqual(seen[w.cover.pk], 1)
        self.assertEqual(seen[w.owner.pk], 1)
        self.assertEqual(seen[second.pk], 1)
        self.assertEqual(seen[first.pk], 2)
        self.assertEqual(seen[w.outsider.pk], 1)
        self.assertEqual(seen[left.pk], 0)

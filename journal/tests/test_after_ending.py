"""The journal after our work together has ended (issue 21): sharing is turned off and the client is told
so; what was shared before stays as it was; risk words show the crisis contacts with the plain words that
nobody at the practice will see them, and nobody is alerted."""

from django.urls import reverse

from journal.models import Entry
from journal.services import SharingClosed, entry_save, entry_share
from journal.views import SHARING_OFF
from onboarding.services import consent_record
from practice.care_status import care_status_change
from risk.checks import risk_checks_run
from risk.models import RiskAlert, RiskCheck
from tending.testing.personas import TendingTestCase

NOBODY = "nobody at the practice will see"
RISKY = "Some nights I want to end it all"


class JournalAfterTheEndingTests(TendingTestCase):
    def setUp(self):
        self.cara = self.w.client_a

    def end(self):
        care_status_change(
            client=self.cara, status=self.cara.CareStatus.ENDED, since=self.w.therapist.today(), staff=self.w.therapist
        )
        self.cara.refresh_from_db()

    def detail_url(self, entry):
        return reverse("journal:detail", kwargs={"entry_uuid": entry.uuid})

    def shared_page(self):
        return self.as_("therapist").get(reverse("journal:shared", kwargs={"client_uuid": self.cara.uuid}))

    def test_after_the_ending_the_share_control_is_gone_and_the_pages_say_nobody_will_see(self):
        entry, _ = entry_save(client=self.cara, body="Walked by the sea.", prompt="free")
        self.end()
        http = self.as_("client_a")
        detail = http.get(self.detail_url(entry))
        self.assertNotContains(detail, reverse("journal:share", kwargs={"entry_uuid": entry.uuid}))
        self.assertContains(detail, "sharing is turned off and nobody at the practice will see what you write now")
        listing = http.get(reverse("journal:list"))
        self.assertContains(listing, "your journal is yours now: sharing is turned off, and " + NOBODY)
        self.assertContains(listing, reverse("safetyplan:mine"))
        self.assertContains(listing, "tel:116123")
        self.assertNotContains(listing, "unless you choose to share one")
        writing = http.get(reverse("journal:new"))
        self.assertContains(writing, NOBODY + " what you write here")
        self.assertNotContains(writing, "will be told that it happened")

    def test_a_posted_share_after_the_ending_is_refused_kindly_and_shares_nothing(self):
        entry, _ = entry_save(client=self.cara, body="Written after the ending.", prompt="free")
        self.end()
        response = self.as_("client_a").post(reverse("journal:share", kwargs={"entry_uuid": entry.uuid}), follow=True)
        self.assertRedirects(response, self.detail_url(entry))
        self.assertContains(response, SHARING_OFF)
        entry.refresh_from_db()
        self.assertIsNone(entry.shared_at)
        self.assertIsNone(entry.shared_body)
        # Whatever the former therapist may still open, this entry is not in it.
        self.assertNotIn("Written after the ending.", self.shared_page().content.decode())
        with self.assertRaises(SharingClosed):
            entry_share(entry=entry)

    def test_an_entry_shared_before_the_ending_stays_as_it_was_and_later_edits_are_never_shared(self):
        entry, _ = entry_save(client=self.cara, body="Shared in care.", prompt="free")
        entry_share(entry=entry)
        shared_at = Entry.objects.get(pk=entry.pk).shared_at
        self.end()
        entry_save(client=self.cara, entry=entry, body="Changed after the ending.", prompt="free")
        response = self.as_("client_a").post(reverse("journal:share", kwargs={"entry_uuid": entry.uuid}))
        self.assertEqual(response.status_code, 302)
        entry.refresh_from_db()
        self.assertEqual((entry.shared_at, entry.shared_body), (shared_at, "Shared in care."))
        detail = self.as_("client_a").get(self.detail_url(entry))
        self.assertContains(detail, "You shared this entry before the ending.")
        self.assertNotContains(detail, "Share this version")

    def test_risk_words_after_the_ending_show_the_contacts_and_nobody_will_see_and_raise_nothing(self):
        consent_record(client=self.cara, kind="journal_risk_alerts", granted=True)
        self.end()
        http = self.as_("client_a")
        with self.captureOnCommitCallbacks(execute=True):
            response = http.post(reverse("journal:new"), {"prompt": "free", "body": RISKY}, follow=True)
        self.assertContains(response, "tel:116123")
        self.assertContains(response, reverse("safetyplan:mine"))
        self.assertContains(response, NOBODY + " this")
        self.assertContains(response, "nobody at the practice will see it.")  # the saved message
        risk_checks_run()
        self.assertFalse(RiskCheck.objects.exists())
        self.assertFalse(RiskAlert.objects.exists())

    def test_risk_words_typed_after_the_ending_show_the_contacts_at_once_with_the_plain_words(self):
        self.end()
        response = self.as_("client_a").post(
            reverse("journal:autosave"), {"prompt": "free", "body": RISKY, "entry": ""}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, 'hx-swap-oob="true"')
        self.assertContains(response, "tel:116123")
        self.assertContains(response, NOBODY + " this")

    def test_a_paused_client_can_still_share(self):
        entry, _ = entry_save(client=self.cara, body="Paused, still in care.", prompt="free")
        care_status_change(
            client=self.cara, status=self.cara.CareStatus.PAUSED, since=self.w.therapist.today(), staff=self.w.therapist
        )
        self.as_("client_a").post(reverse("journal:share", kwargs={"entry_uuid": entry.uuid}))
        entry.refresh_from_db()
        self.assertEqual(entry.shared_body, "Paused, still in care.")

"""The therapist reads the version the client chose to share; later edits stay private until shared again."""

from django.urls import reverse

from journal.models import Entry
from journal.services import entry_save, entry_share, entry_unshare
from tending.testing.personas import TendingTestCase


class SharedVersionTests(TendingTestCase):
    def shared_page(self):
        return self.as_("therapist").get(reverse("journal:shared", kwargs={"client_uuid": self.w.client_a.uuid}))

    def edit(self, entry, body, prompt="free"):
        return self.as_("client_a").post(
            reverse("journal:edit", kwargs={"entry_uuid": entry.uuid}), {"prompt": prompt, "body": body}
        )

    def share(self, entry):
        return self.as_("client_a").post(reverse("journal:share", kwargs={"entry_uuid": entry.uuid}), follow=True)

    def test_the_therapist_sees_the_shared_version_until_the_client_shares_again(self):
        entry, _ = entry_save(client=self.w.client_a, body="The version for session.", prompt="letter")
        self.share(entry)
        self.edit(entry, "Private second thoughts.")
        page = self.shared_page()
        self.assertContains(page, "The version for session.")
        self.assertContains(page, "A letter from my compassionate self")
        self.assertNotContains(page, "Private second thoughts.")

        response = self.share(entry)
        self.assertContains(response, "now sees this version")
        page = self.shared_page()
        self.assertContains(page, "Private second thoughts.")
        self.assertNotContains(page, "The version for session.")
        self.assertContains(page, "Just write")

    def test_an_autosaved_edit_is_not_shared_either(self):
        entry, _ = entry_save(client=self.w.client_a, body="Shared words.", prompt="free")
        entry_share(entry=entry)
        self.as_("client_a").post(
            reverse("journal:autosave"),
            {"prompt": "free", "body": "Half-typed private words", "entry": str(entry.uuid)},
            headers={"HX-Request": "true"},
        )
        page = self.shared_page()
        self.assertContains(page, "Shared words.")
        self.assertNotContains(page, "Half-typed")

    def test_the_client_is_told_gently_which_version_their_therapist_sees(self):
        entry, _ = entry_save(client=self.w.client_a, body="First words.", prompt="free")
        entry_share(entry=entry)
        detail = reverse("journal:detail", kwargs={"entry_uuid": entry.uuid})
        page = self.as_("client_a").get(detail)
        self.assertNotContains(page, "Share again")
        self.edit(entry, "Changed words.")
        page = self.as_("client_a").get(detail)
        entry.refresh_from_db()
        self.assertContains(page, f"sees the version you shared on {entry.shared_at:%-d %B}")
        self.assertContains(page, "Share again to show this version instead.")
        self.assertContains(page, reverse("journal:share", kwargs={"entry_uuid": entry.uuid}))

    def test_stopping_sharing_forgets_the_shared_copy(self):
        entry, _ = entry_save(client=self.w.client_a, body="Only for a while.", prompt="free")
        entry_share(entry=entry)
        entry_unshare(entry=entry)
        entry = Entry.objects.get(pk=entry.pk)
        self.assertEqual((entry.shared_body, entry.shared_prompt, entry.shared_at), (None, "", None))
        self.assertNotContains(self.shared_page(), "Only for a while.")

    def test_the_risk_note_is_about_the_version_the_therapist_reads(self):
        entry, _ = entry_save(client=self.w.client_a, body="A calm day.", prompt="free")
        entry_share(entry=entry)
        self.edit(entry, "I want to end it all")
        self.assertNotContains(self.shared_page(), "may suggest risk")
        self.share(entry)
        self.assertContains(self.shared_page(), "may suggest risk")

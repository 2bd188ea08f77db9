import re
import threading
from datetime import timedelta

from django.core import mail
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.services import InvitationError, hash_token, invitation_accept, invitation_create
from accounts.signals import client_joined
from audit.models import AuditEvent
from practice.models import Client, StaffMember
from tending.testing.factories import ClientFactory, StaffFactory
from tending.testing.personas import TendingTestCase


def token_from_email(message) -> str:
    return re.search(r"/accounts/invitation/([^/\s]+)/", message.body).group(1)


class InvitationTests(TendingTestCase):
    def invite_client(self, email="new.client@example.test"):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("therapist").post(reverse("accounts:invite_client"), {"email": email, "name": "Nia"})
        self.assertRedirects(response, reverse("caseload:home"), fetch_redirect_response=False)
        return token_from_email(mail.outbox[-1])

    def test_a_therapist_invites_a_client_who_sets_a_password_and_lands_in_their_space(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("therapist").post(reverse("accounts:invite_client"), {"email": "Nia@Example.test", "name": "Nia"})
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["nia@example.test"])
        token = token_from_email(mail.outbox[0])

        http = self.as_("anonymous")
        page = http.get(reverse("accounts:invitation", kwargs={"token": token}))
        self.assertContains(page, "nia@example.test")
        response = http.post(
            reverse("accounts:invitation", kwargs={"token": token}),
            {"name": "Nia Jones", "password1": "river-stones-at-dusk", "password2": "river-stones-at-dusk"},
        )
        self.assertRedirects(response, reverse("practice:home"), fetch_redirect_response=False)
        client = Client.objects.get(user__email="nia@example.test")
        self.assertEqual(client.therapist, self.w.therapist)
        self.assertEqual(client.practice, self.w.practice)
        self.assertTrue(client.user.check_password("river-stones-at-dusk"))
        self.assertTrue(client.user.emailaddress_set.get().verified)
        self.assertEqual(http.get(reverse("practice:home"))["Location"], reverse("practice:client_home"))

    def test_the_email_carries_the_only_copy_of_the_token(self):
        token = self.invite_client()
        invitation = Invitation.objects.get(email="new.client@example.test")
        self.assertEqual(invitation.token_hash, hash_token(token))
        self.assertNotIn(token, str(Invitation.objects.filter(pk=invitation.pk).values().get()))

    def test_an_invitation_works_once(self):
        token = self.invite_client()
        invitation_accept(token=token, name="Nia", password="river-stones-at-dusk")
        with self.assertRaisesMessage(InvitationError, "already been used"):
            invitation_accept(token=token, name="Someone else", password="another-long-password")
        page = self.as_("anonymous").get(reverse("accounts:invitation", kwargs={"token": token}))
        self.assertEqual(page.status_code, 410)
        self.assertContains(page, "already been used", status_code=410)

    def test_an_expired_invitation_explains_what_to_do(self):
        token = self.invite_client()
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        page = self.as_("anonymous").get(reverse("accounts:invitation", kwargs={"token": token}))
        self.assertContains(page, "expired", status_code=410)
        self.assertContains(page, "ask the person who invited you", status_code=410)

    def test_a_tampered_link_explains_what_to_do(self):
        token = self.invite_client()
        page = self.as_("anonymous").get(reverse("accounts:invitation", kwargs={"token": token[:-2] + "xx"}))
        self.assertContains(page, "copied only in part", status_code=410)
        self.assertFalse(User.objects.filter(email="new.client@example.test").exists())

    def test_a_newer_invitation_replaces_the_older_link(self):
        first = self.invite_client()
        second = self.invite_client()
        with self.assertRaisesMessage(InvitationError, "replaced by a newer one"):
            invitation_accept(token=first, name="Nia", password="river-stones-at-dusk")
        invitation_accept(token=second, name="Nia", password="river-stones-at-dusk")

    def test_bad_passwords_get_a_kind_message_and_keep_the_name(self):
        token = self.invite_client()
        url = reverse("accounts:invitation", kwargs={"token": token})
        page = self.as_("anonymous").post(url, {"name": "Nia Jones", "password1": "short", "password2": "different"})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "not the same")
        self.assertContains(page, 'value="Nia Jones"')
        page = self.as_("anonymous").post(url, {"name": "Nia Jones", "password1": "short", "password2": "short"})
        self.assertContains(page, "too short")
        oversized = "x" * 5000
        page = self.as_("anonymous").post(url, {"name": oversized, "password1": oversized, "password2": oversized})
        self.assertEqual(page.status_code, 200)
        self.assertFalse(User.objects.filter(email="new.client@example.test").exists())

    def test_the_owner_invites_a_therapist(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("owner").post(reverse("accounts:invite_therapist"), {"email": "tess@example.test"})
        self.assertEqual(response.status_code, 302)
        user = invitation_accept(token=token_from_email(mail.outbox[-1]), name="Tess", password="quiet-harbour-light")
        staff = StaffMember.objects.get(user=user)
        self.assertEqual(staff.practice, self.w.practice)
        self.assertTrue(staff.is_therapist)
        self.assertFalse(staff.is_owner)

    def test_a_new_client_is_announced_with_their_record_and_a_new_therapist_is_not(self):
        heard = []

        def listener(sender, *, client, **kwargs):
            heard.append((client.user.email, client.therapist))

        client_joined.connect(listener)
        self.addCleanup(client_joined.disconnect, listener)
        invitation_accept(token=self.invite_client(), name="Nia", password="river-stones-at-dusk")
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("owner").post(reverse("accounts:invite_therapist"), {"email": "tess@example.test"})
        invitation_accept(token=token_from_email(mail.outbox[-1]), name="Tess", password="quiet-harbour-light")
        self.assertEqual(heard, [("new.client@example.test", self.w.therapist)])

    def test_inviting_is_audited_without_the_address(self):
        self.invite_client("private.person@example.test")
        event = AuditEvent.objects.get(action=AuditEvent.Action.INVITE)
        self.assertEqual(event.actor_id, self.w.therapist.user.uuid)
        self.assertNotIn("private.person", str(event.detail) + event.path + event.object_id)

    def test_an_invalid_email_is_explained_next_to_the_field(self):
        page = self.as_("therapist").post(reverse("accounts:invite_client"), {"email": "not an email", "name": "Nia"})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Enter a valid email address")
        self.assertContains(page, 'value="not an email"')
        self.assertEqual(len(mail.outbox), 0)


class InvitationRaceTests(TransactionTestCase):
    """Two browser tabs accepting one invitation at the same moment make exactly one account."""

    def test_concurrent_acceptance_creates_one_account(self):
        ana = StaffFactory()
        ClientFactory(therapist=ana)  # a second row so ids are not trivially 1
        _invitation, token = invitation_create(
            invited_by=ana, email="race@example.test", role=Invitation.Role.CLIENT, therapist=ana
        )
        results: list[str] = []
        barrier = threading.Barrier(4)

        def accept(n):
            try:
                barrier.wait()
                invitation_accept(token=token, name=f"Tab {n}", password="river-stones-at-dusk")
                results.append("ok")
            except InvitationError:
                results.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=accept, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(results), ["ok", "refused", "refused", "refused"])
        self.assertEqual(User.objects.filter(email="race@example.test").count(), 1)
        self.assertEqual(Client.objects.filter(user__email="race@example.test").count(), 1)

"""Staff see the invitations still waiting, resend one (a new link; the old one stops working) and cancel one."""

import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import (
    InvitationError,
    invitation_accept,
    invitation_cancel,
    invitation_create,
    invitation_resend,
)
from audit.models import AuditEvent
from tending.testing.personas import TendingTestCase

REPLACED = "replaced by a newer one"
WITHDRAWN = "This invitation was withdrawn by the practice. If you think this is a mistake, please contact them."


def token_in(message) -> str:
    return re.search(r"/accounts/invitation/([^/\s]+)/", message.body).group(1)


class InvitationManageTests(TendingTestCase):
    def invite(self, email="nia@example.test", *, by=None, role=Invitation.Role.CLIENT, therapist="default"):
        by = by or self.w.therapist
        if therapist == "default":
            therapist = by if role == Invitation.Role.CLIENT else None
        with self.captureOnCommitCallbacks(execute=True):
            invitation, _token = invitation_create(
                invited_by=by, email=email, role=role, name="Nia", therapist=therapist
            )
        return invitation, token_in(mail.outbox[-1])

    def link_page(self, token):
        return self.as_("anonymous").get(reverse("accounts:invitation", kwargs={"token": token}))

    def resend_url(self, invitation):
        return reverse("accounts:invitation_resend", kwargs={"invitation_uuid": invitation.uuid})

    def cancel_url(self, invitation):
        return reverse("accounts:invitation_cancel", kwargs={"invitation_uuid": invitation.uuid})

    # --- Resend -------------------------------------------------------------------

    def test_resending_emails_a_fresh_link_and_the_old_one_says_it_was_replaced(self):
        invitation, old_token = self.invite()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("therapist").post(self.resend_url(invitation))
        self.assertRedirects(response, reverse("accounts:invitations"), fetch_redirect_response=False)
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(mail.outbox[-1].to, ["nia@example.test"])
        new_token = token_in(mail.outbox[-1])
        self.assertNotEqual(new_token, old_token)

        self.assertContains(self.link_page(old_token), REPLACED, status_code=410)
        self.assertContains(self.link_page(new_token), "nia@example.test")
        user = invitation_accept(token=new_token, name="Nia", password="river-stones-at-dusk")
        self.assertEqual(user.client.therapist, self.w.therapist)

        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.revoked_at)
        self.assertIsNone(invitation.cancelled_at)

    def test_a_resent_invitation_keeps_the_person_role_and_therapist(self):
        invitation, _ = self.invite(by=self.w.owner, therapist=self.w.therapist)
        with self.captureOnCommitCallbacks(execute=True):
            fresh, _token = invitation_resend(invitation=invitation, by=self.w.owner)
        self.assertNotEqual(fresh.pk, invitation.pk)
        self.assertEqual(
            (fresh.practice, fresh.email, fresh.name, fresh.role, fresh.therapist),
            (invitation.practice, "nia@example.test", "Nia", Invitation.Role.CLIENT, self.w.therapist),
        )
        self.assertGreater(fresh.expires_at, timezone.now() + timedelta(days=6))
        self.assertEqual(list(Invitation.objects.pending()), [fresh])

    def test_an_expired_invitation_can_be_resent_with_a_working_link(self):
        invitation, old_token = self.invite()
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=3))
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("therapist").post(self.resend_url(invitation))
        self.assertContains(self.link_page(old_token), REPLACED, status_code=410)
        self.assertEqual(self.link_page(token_in(mail.outbox[-1])).status_code, 200)
        page = self.as_("therapist").get(reverse("accounts:invitations"))
        self.assertEqual(list(page.context["invitations"]), list(Invitation.objects.pending()))
        self.assertNotContains(page, "Expired")

    def test_an_accepted_invitation_cannot_be_resent_or_cancelled(self):
        invitation, token = self.invite()
        invitation_accept(token=token, name="Nia", password="river-stones-at-dusk")
        with self.assertRaisesMessage(InvitationError, "already accepted"):
            invitation_resend(invitation=invitation, by=self.w.therapist)
        with self.assertRaisesMessage(InvitationError, "already accepted"):
            invitation_cancel(invitation=invitation, by=self.w.therapist)
        # Through the pages there is nothing to find.
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.as_("therapist").post(self.resend_url(invitation)).status_code, 404)
        self.assertEqual(self.as_("owner").post(self.cancel_url(invitation)).status_code, 404)
        self.assertEqual(len(mail.outbox), 1)
        invitation.refresh_from_db()
        self.assertIsNone(invitation.revoked_at)

    def test_a_cancelled_invitation_cannot_be_resent(self):
        invitation, _ = self.invite()
        invitation_cancel(invitation=invitation, by=self.w.therapist)
        with self.assertRaisesMessage(InvitationError, "was cancelled"):
            invitation_resend(invitation=invitation, by=self.w.therapist)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("therapist").post(self.resend_url(invitation), follow=True)
        self.assertContains(response, "was cancelled")
        self.assertEqual(len(mail.outbox), 1)
        self.assertFalse(Invitation.objects.pending().exists())

    def test_a_replaced_invitation_is_not_managed_again(self):
        first, _ = self.invite()
        second, _ = self.invite()
        with self.assertRaisesMessage(InvitationError, "newer invitation"):
            invitation_cancel(invitation=first, by=self.w.therapist)
        self.assertEqual(self.as_("therapist").get(self.cancel_url(first)).status_code, 404)
        second.refresh_from_db()
        self.assertTrue(second.is_usable)

    # --- Cancel -------------------------------------------------------------------

    def test_cancelling_asks_first_and_then_the_link_says_it_was_withdrawn(self):
        invitation, token = self.invite()
        http = self.as_("therapist")
        page = http.get(self.cancel_url(invitation))
        self.assertContains(page, "<h1>Cancel the invitation to Nia?</h1>", html=True)
        invitation.refresh_from_db()
        self.assertIsNone(invitation.revoked_at, "asking first changes nothing")

        response = http.post(self.cancel_url(invitation), follow=True)
        self.assertContains(response, "The invitation to nia@example.test is cancelled")
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.cancelled_at)
        self.assertEqual(invitation.revoked_at, invitation.cancelled_at)
        self.assertContains(self.link_page(token), WITHDRAWN, status_code=410)
        with self.assertRaisesMessage(InvitationError, "withdrawn by the practice"):
            invitation_accept(token=token, name="Nia", password="river-stones-at-dusk")

    def test_cancelling_twice_is_harmless(self):
        invitation, _ = self.invite()
        first = invitation_cancel(invitation=invitation, by=self.w.therapist)
        again = invitation_cancel(invitation=invitation, by=self.w.therapist)
        self.assertEqual(again.cancelled_at, first.cancelled_at)
        response = self.as_("therapist").post(self.cancel_url(invitation))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(invitation.uuid)).count(), 1
        )

    # --- Who may ------------------------------------------------------------------

    def test_a_therapist_cannot_manage_a_colleagues_invitation(self):
        bens, token = self.invite("ola@example.test", by=self.w.colleague)
        http = self.as_("therapist")
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(http.post(self.resend_url(bens)).status_code, 404)
        self.assertEqual(http.get(self.cancel_url(bens)).status_code, 404)
        self.assertEqual(http.post(self.cancel_url(bens)).status_code, 404)
        self.assertNotContains(http.get(reverse("accounts:invitations")), "ola@example.test")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(self.link_page(token).status_code, 200)

    def test_a_therapist_manages_a_client_invitation_made_for_them_but_not_a_therapist_invitation(self):
        for_ana, _ = self.invite("for.ana@example.test", by=self.w.owner, therapist=self.w.therapist)
        new_colleague, _ = self.invite("tess@example.test", by=self.w.owner, role=Invitation.Role.THERAPIST)
        http = self.as_("therapist")
        self.assertEqual(http.get(self.cancel_url(for_ana)).status_code, 200)
        self.assertEqual(http.get(self.cancel_url(new_colleague)).status_code, 404)
        self.assertEqual(list(http.get(reverse("accounts:invitations")).context["invitations"]), [for_ana])

    def test_the_owner_can_manage_every_invitation_of_the_practice(self):
        anas, _ = self.invite("nia@example.test")
        bens, _ = self.invite("ola@example.test", by=self.w.colleague)
        http = self.as_("owner")
        with self.captureOnCommitCallbacks(execute=True):
            http.post(self.resend_url(anas))
        self.assertIn("Olive Owner at Willow Tree Therapy has invited you", mail.outbox[-1].body)
        http.post(self.cancel_url(bens))
        bens.refresh_from_db()
        self.assertIsNotNone(bens.cancelled_at)
        self.assertEqual(
            set(Invitation.objects.pending().values_list("email", "therapist")),
            {("nia@example.test", self.w.therapist.pk)},
        )

    def test_people_outside_the_practice_and_clients_find_nothing(self):
        invitation, token = self.invite()
        for persona in ("outsider", "client_a", "colleague"):
            with self.subTest(persona=persona):
                http = self.as_(persona)
                self.assertEqual(http.post(self.resend_url(invitation)).status_code, 404)
                self.assertEqual(http.post(self.cancel_url(invitation)).status_code, 404)
        self.assertEqual(self.link_page(token).status_code, 200)
        anonymous = self.as_("anonymous").post(self.cancel_url(invitation))
        self.assertTrue(anonymous["Location"].startswith(reverse("account_login")))
        self.assertEqual(len(mail.outbox), 1)

    def test_resend_is_post_only(self):
        invitation, _ = self.invite()
        self.assertEqual(self.as_("therapist").get(self.resend_url(invitation)).status_code, 405)
        self.assertEqual(len(mail.outbox), 1)

    # --- Where it goes back to -----------------------------------------------------

    def test_it_goes_back_to_the_page_the_button_was_on_but_never_off_site(self):
        first, _ = self.invite("nia@example.test")
        second, _ = self.invite("ola@example.test")
        http = self.as_("therapist")
        with self.captureOnCommitCallbacks(execute=True):
            response = http.post(self.resend_url(first), {"next": "/caseload/?tab=new"})
        self.assertEqual(response["Location"], "/caseload/?tab=new")

        response = http.post(self.cancel_url(second), {"next": "https://elsewhere.example/steal"})
        self.assertEqual(response["Location"], reverse("accounts:invitations"))

        fresh = Invitation.objects.pending().get()
        page = http.get(self.cancel_url(fresh) + "?next=//evil.example/")
        self.assertContains(page, f'<input type="hidden" name="next" value="{reverse("accounts:invitations")}">')
        self.assertNotContains(page, "evil.example")

    # --- Audit ---------------------------------------------------------------------

    def test_resending_and_cancelling_are_audited_without_the_address(self):
        invitation, _ = self.invite()
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("owner").post(self.resend_url(invitation))
        fresh = Invitation.objects.pending().get()
        self.as_("therapist").post(self.cancel_url(fresh))

        events = AuditEvent.objects.filter(object_type="accounts.invitation").order_by("id")
        summary = [(e.action, e.object_id, e.actor_id) for e in events]
        owner, ana = self.w.owner.user.uuid, self.w.therapist.user.uuid
        self.assertEqual(
            summary,
            [
                (AuditEvent.Action.INVITE, str(invitation.uuid), ana),
                (AuditEvent.Action.INVITE, str(fresh.uuid), owner),
                (AuditEvent.Action.UPDATE, str(invitation.uuid), owner),
                (AuditEvent.Action.UPDATE, str(fresh.uuid), ana),
            ],
        )
        self.assertEqual(events[2].detail, {"fields": ["revoked_at"], "resent_as": str(fresh.uuid)})
        self.assertEqual(events[3].detail, {"fields": ["revoked_at", "cancelled_at"]})
        for event in events:
            self.assertEqual(event.practice_id, self.w.practice.uuid)
            self.assertNotIn("nia", str(event.detail) + event.path + event.object_id)

    # --- The list --------------------------------------------------------------------

    def test_the_list_shows_pending_and_recently_expired_invitations_only(self):
        pending, _ = self.invite("pending@example.test")
        recent, _ = self.invite("recent@example.test")
        Invitation.objects.filter(pk=recent.pk).update(expires_at=timezone.now() - timedelta(days=10))
        long_ago, _ = self.invite("long.ago@example.test")
        Invitation.objects.filter(pk=long_ago.pk).update(expires_at=timezone.now() - timedelta(days=40))
        _accepted, token = self.invite("accepted@example.test")
        invitation_accept(token=token, name="Accepted", password="river-stones-at-dusk")
        cancelled, _ = self.invite("cancelled@example.test")
        invitation_cancel(invitation=cancelled, by=self.w.therapist)
        self.invite("replaced@example.test")
        replacement, _ = self.invite("replaced@example.test")

        http = self.as_("therapist")
        http.get(reverse("accounts:invitations"))  # the first request writes the session's idle clock
        # the session, the user with their staff record, the count of open alerts, the list with its people
        with self.assertNumQueries(4):
            page = http.get(reverse("accounts:invitations"))
        self.assertContains(page, "<h1>Invitations waiting</h1>", html=True)
        self.assertEqual(list(page.context["invitations"]), [replacement, recent, pending])
        for email in ("pending@", "recent@", "replaced@"):
            self.assertContains(page, email)
        for email in ("long.ago@", "accepted@", "cancelled@"):
            self.assertNotContains(page, email)
        self.assertContains(page, "Expired", count=1)
        self.assertContains(page, "the link expired on")
        self.assertContains(page, "To see Ana Therapist")
        self.assertContains(page, self.resend_url(recent))
        self.assertContains(page, self.cancel_url(pending))
        self.assertContains(page, "csrfmiddlewaretoken", count=3)

    def test_the_list_says_so_when_nobody_is_waiting(self):
        page = self.as_("owner").get(reverse("accounts:invitations"))
        self.assertContains(page, "Nobody is waiting to join")
        self.assertEqual(list(page.context["invitations"]), [])

    def test_a_new_invitation_replaces_an_expired_one_to_the_same_address(self):
        old, old_token = self.invite()
        Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=2))
        new, _ = self.invite()
        page = self.as_("therapist").get(reverse("accounts:invitations"))
        self.assertEqual(list(page.context["invitations"]), [new])
        self.assertContains(self.link_page(old_token), REPLACED, status_code=410)

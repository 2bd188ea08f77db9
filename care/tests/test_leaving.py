"""A therapist leaving the practice, and coming back."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import InvitationError, invitation_create, invitation_for_token
from audit.models import AuditEvent
from bookings.models import Appointment, Consultation
from bookings.services_sessions import feed_token_rotate
from care.services import CareError, away_period_save, staff_deactivate, staff_reactivate
from practice.care_status import care_status_change
from risk.models import RiskAlert
from risk.services import risk_alert_raise
from tending.testing.factories import PASSWORD
from tending.testing.personas import TendingTestCase


class LeavingTests(TendingTestCase):
    def end_care_of_bens_clients(self):
        care_status_change(client=self.w.client_c, status="ended", since=timezone.localdate(), staff=self.w.colleague)

    def sign_in(self, email):
        http = self.as_("anonymous")
        http.post(reverse("account_login"), {"login": email, "password": PASSWORD})
        return http

    def test_a_therapist_with_clients_in_care_cannot_leave_until_each_moves_or_ends(self):
        with self.assertRaisesMessage(CareError, "still has clients in their care (Eli Client)"):
            staff_deactivate(staff=self.w.colleague, by=self.w.owner)
        page = self.as_("owner").post(reverse("care:deactivate", kwargs={"staff_uuid": self.w.colleague.uuid}))
        self.assertContains(page, "still has clients in their care", status_code=409)
        self.assertContains(
            page, reverse("care:handover", kwargs={"client_uuid": self.w.client_c.uuid}), status_code=409
        )
        self.w.colleague.refresh_from_db()
        self.assertTrue(self.w.colleague.is_active)

    def test_leaving_signs_them_out_everywhere_and_they_cannot_sign_in(self):
        ben = self.sign_in("ben@willow.test")
        self.assertEqual(ben.get(reverse("caseload:home")).status_code, 200)
        self.end_care_of_bens_clients()
        with self.captureOnCommitCallbacks(execute=True):
            staff_deactivate(staff=self.w.colleague, by=self.w.owner)
        self.assertFalse(
            any(s.get_decoded().get("_auth_user_id") == str(self.w.colleague.user_id) for s in Session.objects.all())
        )
        self.assertRedirects(
            ben.get(reverse("caseload:home")),
            reverse("account_login") + "?next=" + reverse("caseload:home"),
            fetch_redirect_response=False,
        )
        again = self.sign_in("ben@willow.test")
        self.assertNotEqual(again.get(reverse("caseload:home")).status_code, 200)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.DEACTIVATE).exists())

    def test_leaving_stops_the_feed_the_public_page_and_consultations(self):
        token = feed_token_rotate(therapist=self.w.colleague)
        start = (timezone.now() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
        consultation = Consultation.objects.create(
            practice=self.w.practice, name="Vic Visitor", email="vic@example.test", time_zone="Europe/London"
        )
        visit = Appointment.objects.create(
            practice=self.w.practice,
            therapist=self.w.colleague,
            consultation=consultation,
            kind="consultation",
            start=start,
            end=start + timedelta(minutes=20),
            blocked_until=start + timedelta(minutes=30),
        )
        self.end_care_of_bens_clients()
        with self.captureOnCommitCallbacks(execute=True):
            staff_deactivate(staff=self.w.colleague, by=self.w.owner)
        feed = reverse("bookings:therapist_feed", kwargs={"token": token})
        self.assertEqual(self.as_("anonymous").get(feed).status_code, 404)
        public = self.as_("anonymous").get(reverse("bookings:practice", kwargs={"slug": "willow"}))
        self.assertContains(public, "Ana Therapist")
        self.assertNotContains(public, "Ben Therapist")
        visit.refresh_from_db()
        self.assertEqual(visit.status, "cancelled")
        self.assertIn(["vic@example.test"], [m.to for m in mail.outbox])

    def test_open_alerts_of_clients_whose_care_ended_go_to_the_owners(self):
        alert = risk_alert_raise(client=self.w.client_c, source="journal_words")
        self.end_care_of_bens_clients()
        staff_deactivate(staff=self.w.colleague, by=self.w.owner)
        alert.refresh_from_db()
        self.assertIsNotNone(alert.escalated_at)
        self.assertEqual(RiskAlert.objects.for_staff(self.w.owner).get(), alert)
        detail = AuditEvent.objects.get(action=AuditEvent.Action.ESCALATE).detail
        self.assertEqual(detail, {"reason": "therapist_left"})

    def test_cover_naming_them_is_cleared_so_alerts_go_to_the_owners(self):
        today = self.w.therapist.today()
        period = away_period_save(
            staff=self.w.therapist,
            starts_on=today,
            ends_on=today + timedelta(days=3),
            cover=self.w.colleague,
            message="",
            by=self.w.therapist,
        )
        self.end_care_of_bens_clients()
        staff_deactivate(staff=self.w.colleague, by=self.w.owner)
        period.refresh_from_db()
        self.assertIsNone(period.cover)
        alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
        self.assertIsNotNone(alert.escalated_at)

    def test_their_client_invitations_stop_working(self):
        invitation, token = invitation_create(
            invited_by=self.w.colleague, email="new@example.test", role="client", therapist=self.w.colleague
        )
        self.end_care_of_bens_clients()
        staff_deactivate(staff=self.w.colleague, by=self.w.owner)
        self.assertFalse(Invitation.objects.pending().filter(pk=invitation.pk).exists())
        with self.assertRaisesMessage(InvitationError, "withdrawn by the practice"):
            invitation_for_token(token)

    def test_the_last_owner_cannot_deactivate_themselves(self):
        with self.assertRaisesMessage(CareError, "at least one other owner"):
            staff_deactivate(staff=self.w.owner, by=self.w.owner)

    def test_a_deactivated_therapist_can_be_reactivated_and_sign_in_again(self):
        self.end_care_of_bens_clients()
        staff_deactivate(staff=self.w.colleague, by=self.w.owner)
        owner = self.as_("owner")
        page = owner.get(reverse("care:staff", kwargs={"staff_uuid": self.w.colleague.uuid}))
        self.assertContains(page, "Reactivate Ben Therapist")
        owner.post(reverse("care:reactivate", kwargs={"staff_uuid": self.w.colleague.uuid}))
        self.w.colleague.refresh_from_db()
        self.assertTrue(self.w.colleague.is_active and self.w.colleague.user.is_active)
        ben = self.sign_in("ben@willow.test")
        self.assertEqual(ben.get(reverse("caseload:home")).status_code, 200)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.REACTIVATE).exists())

    def test_the_owner_sees_who_is_away_and_who_has_left(self):
        today = self.w.therapist.today()
        away_period_save(
            staff=self.w.therapist, starts_on=today, ends_on=today, cover=None, message="", by=self.w.therapist
        )
        self.end_care_of_bens_clients()
        staff_deactivate(staff=self.w.colleague, by=self.w.owner)
        page = self.as_("owner").get(reverse("practice:owner_home"))
        self.assertContains(page, "Away until")
        self.assertContains(page, "No longer active")

    def test_reactivating_twice_or_deactivating_twice_is_harmless(self):
        self.end_care_of_bens_clients()
        staff_deactivate(staff=self.w.colleague, by=self.w.owner)
        staff_deactivate(staff=self.w.colleague, by=self.w.owner)
        staff_reactivate(staff=self.w.colleague, by=self.w.owner)
        staff_reactivate(staff=self.w.colleague, by=self.w.owner)
        self.assertEqual(AuditEvent.objects.filter(action__in=["deactivate", "reactivate"]).count(), 2)

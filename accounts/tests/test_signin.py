from datetime import timedelta

import time_machine
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import hotp_value
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tending.testing.factories import PASSWORD
from tending.testing.personas import TendingTestCase


class SignInTests(TendingTestCase):
    def sign_in(self, http, email, password):
        return http.post(reverse("account_login"), {"login": email, "password": password})

    def test_a_client_signs_in_with_email_and_password(self):
        http = self.as_("anonymous")
        response = self.sign_in(http, "CARA@willow.test", PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(http.get(reverse("practice:home"))["Location"], reverse("practice:client_home"))
        self.assertTrue(
            AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, actor_id=self.w.client_a.user.uuid).exists()
        )

    def test_failed_sign_ins_are_throttled_per_account(self):
        http = self.as_("anonymous")
        for _ in range(5):
            page = self.sign_in(http, "cara@willow.test", "wrong-password")
            self.assertEqual(page.status_code, 200)
        # Even the right password is refused while the account is throttled.
        page = self.sign_in(http, "cara@willow.test", PASSWORD)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Too many failed login attempts")
        self.assertEqual(AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count(), 5)

    def test_a_failed_sign_in_is_audited_without_the_address_typed(self):
        self.sign_in(self.as_("anonymous"), "someone.private@example.test", "nope")
        event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
        self.assertNotIn("someone.private", str(event.detail) + event.object_id)

    def test_password_reset_gives_the_same_answer_whether_or_not_the_address_exists(self):
        with self.captureOnCommitCallbacks(execute=True):  # allauth's emails go through the outbox too
            known = self.as_("anonymous").post(reverse("account_reset_password"), {"email": "cara@willow.test"})
            unknown = self.as_("anonymous").post(reverse("account_reset_password"), {"email": "nobody@willow.test"})
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(known["Location"], unknown["Location"])
        self.assertEqual(len(mail.outbox), 2)  # allauth tells an unknown address that it has no account
        self.assertIn("cara@willow.test", mail.outbox[0].to)

    def test_a_reset_link_stops_working_after_an_hour(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("anonymous").post(reverse("account_reset_password"), {"email": "cara@willow.test"})
        link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line).strip()
        path = link[link.index("/accounts/") :]
        with time_machine.travel(timezone.now() + timedelta(minutes=61)):
            page = self.as_("anonymous").get(path, follow=True)
        self.assertContains(page, "invalid")

    def test_a_reset_link_works_within_the_hour(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("anonymous").post(reverse("account_reset_password"), {"email": "cara@willow.test"})
        link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line).strip()
        page = self.as_("anonymous").get(link[link.index("/accounts/") :], follow=True)
        self.assertContains(page, "password1")

    def test_nobody_can_sign_up_without_an_invitation(self):
        page = self.as_("anonymous").get(reverse("account_signup"))
        self.assertNotContains(page, 'name="password1"')


class StaffMfaTests(TendingTestCase):
    @override_settings(TENDING_STAFF_MFA_REQUIRED=True)
    def test_staff_without_two_factor_are_sent_to_set_it_up(self):
        response = self.as_("therapist").get(reverse("caseload:home"))
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)
        response = self.as_("owner").get(reverse("practice:owner_home"))
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)

    @override_settings(TENDING_STAFF_MFA_REQUIRED=True)
    def test_clients_are_offered_two_factor_but_not_made_to(self):
        self.assertEqual(self.as_("client_a").get(reverse("practice:client_home")).status_code, 200)

    @override_settings(TENDING_STAFF_MFA_REQUIRED=True)
    def test_staff_with_totp_reach_their_pages(self):
        Authenticator.objects.create(user=self.w.therapist.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
        self.assertEqual(self.as_("therapist").get(reverse("caseload:home")).status_code, 200)

    @override_settings(TENDING_STAFF_MFA_REQUIRED=True)
    def test_two_factor_is_asked_of_the_database_again_when_the_idle_clock_moves(self):
        totp = Authenticator.objects.create(user=self.w.therapist.user, type=Authenticator.Type.TOTP, data={})
        http = self.as_("therapist")
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            self.assertEqual(http.get(reverse("caseload:home")).status_code, 200)
            totp.delete()  # in another session of theirs
            # Within the minute this session keeps what it found...
            self.assertEqual(http.get(reverse("caseload:home")).status_code, 200)
            traveller.shift(timedelta(seconds=61))
            # ...and when its idle clock moves it asks again.
            response = http.get(reverse("caseload:home"))
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)

    @override_settings(TENDING_STAFF_MFA_REQUIRED=True)
    def test_removing_two_factor_asks_for_it_again_on_the_next_page(self):
        totp = Authenticator.objects.create(user=self.w.therapist.user, type=Authenticator.Type.TOTP, data={})
        http = self.as_("therapist")
        self.assertEqual(http.get(reverse("caseload:home")).status_code, 200)
        http.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        http.post(reverse("mfa_deactivate_totp"))
        self.assertFalse(Authenticator.objects.filter(pk=totp.pk).exists())
        response = http.get(reverse("caseload:home"))
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)

    @override_settings(TENDING_STAFF_MFA_REQUIRED=True)
    def test_the_crisis_page_never_waits_for_two_factor(self):
        self.assertEqual(self.as_("therapist").get(reverse("practice:crisis")).status_code, 200)

    def test_a_therapist_turns_on_totp_after_confirming_their_password(self):
        http = self.as_("therapist")
        http.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        page = http.get(reverse("mfa_activate_totp"))
        self.assertEqual(page.status_code, 200)
        secret = http.session["mfa.totp.secret"]
        code = hotp_value(secret, int(timezone.now().timestamp()) // 30)
        response = http.post(reverse("mfa_activate_totp"), {"code": f"{code:06d}"})
        self.assertEqual(response.status_code, 302, response.content[:500])
        self.assertTrue(Authenticator.objects.filter(user=self.w.therapist.user, type="totp").exists())
        self.assertTrue(get_adapter().is_mfa_enabled(self.w.therapist.user))

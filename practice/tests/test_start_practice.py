"""`manage.py start_practice`: a practice and its owner, an email with a link, and nothing half-made."""

import re
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase

from accounts.models import User
from audit.models import AuditEvent
from outbox.models import Email
from practice.models import Practice, StaffMember


def start(**options):
    out = StringIO()
    arguments = {
        "name": "Calm Waters",
        "country": "GB",
        "time_zone": "Europe/London",
        "owner_email": "Rosa@CalmWaters.test",
        **options,
    }
    call_command("start_practice", *[f"--{k.replace('_', '-')}={v}" for k, v in arguments.items()], stdout=out)
    return out.getvalue()


class StartPracticeTests(TestCase):
    def test_it_starts_a_practice_whose_owner_also_sees_clients_by_default(self):
        said = start(owner_name="Rosa Reyes")
        practice = Practice.objects.get()
        self.assertEqual(
            (practice.name, practice.slug, practice.country, practice.time_zone),
            (
                "Calm Waters",
                "calm-waters",
                "GB",
                "Europe/London",
            ),
        )
        owner = StaffMember.objects.get(practice=practice)
        self.assertTrue(owner.is_owner)
        self.assertTrue(owner.is_therapist)
        self.assertEqual(owner.user.email, "rosa@calmwaters.test")
        self.assertEqual(owner.user.name, "Rosa Reyes")
        self.assertFalse(owner.user.has_usable_password())
        self.assertIn("Started Calm Waters (United Kingdom, Europe/London)", said)
        self.assertIn("rosa@calmwaters.test is its owner and therapist", said)

    def test_it_emails_the_owner_a_link_and_never_prints_it(self):
        said = start()
        email = Email.objects.get()
        self.assertEqual(email.to_addresses, ["rosa@calmwaters.test"])
        self.assertEqual(email.kind, "Invitation (owner)")
        link = re.search(r"http\S+/start/\S+/(\S+)/", email.body)
        self.assertIsNotNone(link)
        self.assertNotIn(link.group(1), said)
        self.assertNotIn("/start/", said)

    def test_an_owner_who_does_not_see_clients(self):
        call_command(
            "start_practice",
            "--name=Calm Waters",
            "--country=IE",
            "--time-zone=Europe/Dublin",
            "--owner-email=rosa@calmwaters.test",
            "--owner-not-therapist",
            stdout=StringIO(),
        )
        owner = StaffMember.objects.get()
        self.assertEqual((owner.is_owner, owner.is_therapist), (True, False))
        self.assertEqual(owner.practice.country, "IE")

    def test_it_audits_the_start_and_the_owners_invitation(self):
        start()
        practice = Practice.objects.get()
        actions = set(AuditEvent.objects.filter(practice_id=practice.uuid).values_list("action", "object_type"))
        self.assertIn((AuditEvent.Action.CREATE, "practice.practice"), actions)
        self.assertIn((AuditEvent.Action.INVITE, "accounts.user"), actions)

    def test_a_second_practice_on_the_same_server_gets_its_own_address(self):
        start()
        start(owner_email="sol@calmwaters.test")
        self.assertEqual(sorted(Practice.objects.values_list("slug", flat=True)), ["calm-waters", "calm-waters-2"])

    def test_a_chosen_slug_is_used(self):
        start(slug="calm")
        self.assertEqual(Practice.objects.get().slug, "calm")


class StartPracticeRefusals(TestCase):
    def assert_refused(self, expected: str, **options):
        with self.assertRaises(CommandError) as caught:
            start(**options)
        message = str(caught.exception)
        self.assertIn("Nothing was created.", message)
        self.assertIn(expected, message)
        return message

    def test_an_unknown_country_is_refused_and_nothing_is_made(self):
        self.assert_refused("--country:", country="XX")
        self.assertFalse(Practice.objects.exists())
        self.assertFalse(User.objects.exists())
        self.assertFalse(Email.objects.exists())

    def test_a_made_up_time_zone_is_refused(self):
        self.assert_refused("--time-zone:", time_zone="Europe/Atlantis")
        self.assertFalse(Practice.objects.exists())

    def test_a_broken_email_address_is_refused(self):
        self.assert_refused("--owner-email:", owner_email="rosa-at-calmwaters")
        self.assertFalse(Practice.objects.exists())

    def test_a_taken_slug_is_refused(self):
        start(slug="calm")
        self.assert_refused(
            "--slug: Another practice on this server has this web address",
            slug="calm",
            owner_email="sol@calmwaters.test",
        )
        self.assertEqual(Practice.objects.count(), 1)

    def test_an_address_that_already_has_an_account_is_refused(self):
        start()
        self.assert_refused("--owner-email: There is already an account", name="Second")
        self.assertEqual(Practice.objects.count(), 1)

    def test_every_problem_is_named_at_once(self):
        message = self.assert_refused("--country:", country="XX", time_zone="Nowhere")
        self.assertIn("--time-zone:", message)

    def test_a_missing_option_is_named(self):
        with self.assertRaises(CommandError) as caught:
            call_command("start_practice", "--name=Calm Waters", stdout=StringIO())
        self.assertIn("--country", str(caught.exception))

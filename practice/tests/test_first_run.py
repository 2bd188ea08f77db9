"""The first-run page of a server with no practice, and the owner's welcome link."""

import re

import pytest
import time_machine
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from outbox.models import Email
from practice.first_run import WRONG_CODES_PER_ADDRESS, setup_code
from practice.models import Practice, StaffMember
from practice.starting import NotTheFirst, practice_start
from tending.testing.concurrency import race

PASSWORD = "quiet river morning tea"


def first_run_data(**changes) -> dict:
    return {
        "code": setup_code(),
        "name": "Calm Waters",
        "country": "GB",
        "time_zone": "Europe/London",
        "owner_name": "Rosa Reyes",
        "owner_email": "rosa@calmwaters.test",
        "owner_is_therapist": "on",
        "slug": "",
        **changes,
    }


def welcome_link(email: Email) -> str:
    return re.search(r"http://[^/\s]+(/start/\S+/)", email.body).group(1)


class FirstRunPageTests(TestCase):
    def test_the_front_door_of_an_empty_server_leads_to_the_first_run_page(self):
        self.assertRedirects(self.client.get("/"), reverse("practice:first_run"))

    def test_it_asks_for_the_code_from_the_log_and_prints_the_code_there(self):
        with self.assertLogs("practice.first_run", level="WARNING") as logged:
            page = self.client.get(reverse("practice:first_run"))
        self.assertContains(page, "<h1>Start your practice on Tending</h1>", html=True)
        self.assertContains(page, "Set-up code")
        self.assertNotContains(page, setup_code())
        self.assertIn(f"Tending set-up code: {setup_code()}", logged.output[0])

    def test_the_code_is_the_same_in_every_worker_and_another_with_another_secret(self):
        first = setup_code()
        self.assertRegex(first, r"^[A-Z2-7]{5}-[A-Z2-7]{5}$")
        self.assertEqual(setup_code(), first)
        with override_settings(SECRET_KEY="another secret key for another server, long enough to be one"):
            self.assertNotEqual(setup_code(), first)

    def test_the_right_code_starts_the_practice_and_emails_the_owner(self):
        page = self.client.post(reverse("practice:first_run"), first_run_data())
        self.assertContains(page, "Calm Waters is ready")
        self.assertContains(page, "rosa@calmwaters.test")
        owner = StaffMember.objects.select_related("practice", "user").get()
        self.assertEqual((owner.is_owner, owner.is_therapist, owner.user.name), (True, True, "Rosa Reyes"))
        self.assertEqual(owner.practice.slug, "calm-waters")
        self.assertEqual(Email.objects.get().to_addresses, ["rosa@calmwaters.test"])

    def test_the_code_may_be_typed_in_small_letters_and_without_its_dash(self):
        code = setup_code().replace("-", "").lower()
        self.client.post(reverse("practice:first_run"), first_run_data(code=code))
        self.assertTrue(Practice.objects.exists())

    def test_once_a_practice_exists_the_page_is_gone(self):
        self.client.post(reverse("practice:first_run"), first_run_data())
        self.assertEqual(self.client.get(reverse("practice:first_run")).status_code, 404)
        again = self.client.post(reverse("practice:first_run"), first_run_data(owner_email="mal@else.test"))
        self.assertEqual(again.status_code, 404)
        self.assertEqual(Practice.objects.count(), 1)

    def test_a_wrong_code_is_refused_with_what_was_typed_kept(self):
        page = self.client.post(reverse("practice:first_run"), first_run_data(code="AAAAA-AAAAA"))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "There is a problem")
        self.assertContains(page, "This is not the set-up code")
        self.assertContains(page, 'href="#id_code"')
        self.assertContains(page, 'value="Calm Waters"')
        self.assertFalse(Practice.objects.exists())

    def test_wrong_codes_are_limited_and_then_even_the_right_one_waits(self):
        for _ in range(WRONG_CODES_PER_ADDRESS):
            self.client.post(reverse("practice:first_run"), first_run_data(code="AAAAA-AAAAA"))
        page = self.client.post(reverse("practice:first_run"), first_run_data())
        self.assertContains(page, "this page is resting for an hour")
        self.assertFalse(Practice.objects.exists())

    def test_other_problems_are_named_together(self):
        page = self.client.post(
            reverse("practice:first_run"), first_run_data(owner_email="not an address", time_zone="Mars/Base")
        )
        self.assertContains(page, 'href="#id_owner_email"')
        self.assertContains(page, 'href="#id_time_zone"')
        self.assertFalse(Practice.objects.exists())
        self.assertFalse(User.objects.exists())


class OwnerWelcomeTests(TestCase):
    def setUp(self):
        self.owner = practice_start(
            name="Calm Waters",
            country="GB",
            time_zone="Europe/London",
            owner_email="rosa@calmwaters.test",
            owner_name="Rosa",
            how="test",
        )
        self.link = welcome_link(Email.objects.get())

    def choose(self, link=None, **changes):
        data = {"name": "Rosa Reyes", "password1": PASSWORD, "password2": PASSWORD, **changes}
        return self.client.post(link or self.link, data)

    def test_the_owner_chooses_a_password_and_arrives_at_the_practice_page(self):
        page = self.client.get(self.link)
        self.assertContains(page, "<h1>Welcome to Calm Waters</h1>", html=True)
        self.assertContains(page, 'value="Rosa"')
        response = self.choose()
        self.assertRedirects(response, reverse("practice:owner_home"), fetch_redirect_response=False)
        home = self.client.get(reverse("practice:owner_home"))
        self.assertContains(home, "Welcome to Calm Waters. Your account is ready.")
        self.assertContains(home, "Getting Calm Waters ready")
        self.owner.user.refresh_from_db()
        self.assertEqual(self.owner.user.name, "Rosa Reyes")
        self.assertTrue(self.owner.user.check_password(PASSWORD))

    def test_the_owner_can_sign_in_afterwards(self):
        self.choose()
        self.client.logout()
        signed_in = self.client.post(reverse("account_login"), {"login": "rosa@calmwaters.test", "password": PASSWORD})
        self.assertEqual(signed_in.status_code, 302)

    def test_the_link_works_once(self):
        self.choose()
        self.client.logout()
        again = self.client.get(self.link)
        self.assertContains(again, "This link cannot be used", status_code=410)

    def test_the_link_lasts_as_long_as_an_invitation_and_no_longer(self):
        with time_machine.travel(timezone.now() + timezone.timedelta(days=6), tick=False):
            self.assertEqual(self.client.get(self.link).status_code, 200)
        with time_machine.travel(timezone.now() + timezone.timedelta(days=8), tick=False):
            self.assertEqual(self.client.get(self.link).status_code, 410)

    def test_an_owner_whose_link_expired_can_ask_for_a_new_password_link(self):
        self.client.post(reverse("account_reset_password"), {"email": "rosa@calmwaters.test"})
        self.assertEqual(Email.objects.filter(kind__startswith="Account:").count(), 1)

    def test_a_changed_token_is_refused(self):
        broken = re.sub(r"/([^/]+)/$", "/1-abcdef/", self.link)
        self.assertEqual(self.client.get(broken).status_code, 410)

    def test_two_different_passwords_are_refused_kindly(self):
        page = self.choose(password2="something else entirely")
        self.assertContains(page, "The two passwords are not the same")
        self.assertContains(page, 'href="#id_password2"')
        self.owner.user.refresh_from_db()
        self.assertFalse(self.owner.user.has_usable_password())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_people_starting_the_first_practice_at_once_start_one():
    """Real threads with their own connections: the first-run page's start holds the practices table
    (PostgreSQL) or the one writer (SQLite), so the second finds a practice and creates nothing."""

    def start(n):
        return lambda: practice_start(
            name=f"Practice {n}",
            country="GB",
            time_zone="Europe/London",
            owner_email=f"owner{n}@example.test",
            how="first-run page",
            first=True,
        )

    results, errors = race([start(1), start(2)], expected=(NotTheFirst,))
    assert errors == []
    assert sum(isinstance(r, NotTheFirst) for r in results) == 1
    assert Practice.objects.count() == 1 and StaffMember.objects.count() == 1

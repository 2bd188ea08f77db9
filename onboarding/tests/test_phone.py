"""The client's phone number: asked in the intake, changeable under "My choices", sealed, exported and erased."""

from django import forms
from django.db import connection
from django.test import SimpleTestCase
from django.urls import reverse

from audit.models import AuditEvent
from dataprivacy import registry
from dataprivacy.services import erasure_complete, erasure_request
from onboarding.forms import clean_phone_number
from onboarding.models import ConsentChoice, Intake
from onboarding.services import intake_phone_save
from tending.testing.personas import TendingTestCase

HINT = "So your therapist can reach you quickly if they are worried about you"


class PhoneNumberRulesTests(SimpleTestCase):
    def test_the_usual_ways_of_writing_a_number_are_accepted_as_typed(self):
        for typed, kept in (
            ("07700 900123", "07700 900123"),
            ("  +44 (0)7700  900123 ", "+44 (0)7700 900123"),
            ("020-7946-0958", "020-7946-0958"),
            ("116123", "116123"),
            ("", ""),
        ):
            with self.subTest(typed=typed):
                self.assertEqual(clean_phone_number(typed), kept)

    def test_anything_else_is_explained_kindly(self):
        for typed, words in (
            ("call me maybe", "Please use only digits, spaces and brackets"),
            ("07700 900123 ext. 4", "Please use only digits, spaces and brackets"),
            ("44+7700900123", "with a + at the start"),
            ("12345", "That number has 5 digits"),
            ("1" * 21, "That number has 21 digits"),
        ):
            with self.subTest(typed=typed), self.assertRaises(forms.ValidationError) as raised:
                clean_phone_number(typed)
            self.assertIn(words, raised.exception.messages[0])


class IntakePhoneTests(TendingTestCase):
    def test_the_intake_asks_for_the_phone_with_a_kind_hint_and_keeps_it_sealed(self):
        http = self.as_("client_a")
        page = http.get(reverse("onboarding:intake"))
        self.assertContains(page, "Your phone number (optional)")
        self.assertContains(page, HINT)
        self.assertContains(page, 'type="tel"')
        http.post(reverse("onboarding:intake"), {"phone": "07700 900123", "hopes": "Sleep"})
        intake = Intake.objects.get(client=self.w.client_a)
        self.assertEqual(intake.phone, "07700 900123")
        self.assertIsNotNone(intake.completed_at)
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM onboarding_intake WHERE id = %s", [intake.id])
            self.assertNotIn("900123", cursor.fetchone()[0])
        self.assertContains(http.get(reverse("onboarding:intake")), 'value="07700 900123"')
        record = self.as_("therapist").get(
            reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid})
        )
        self.assertContains(record, '<a class="tel" href="tel:07700900123">07700 900123</a>', html=True)

    def test_a_mistyped_phone_keeps_every_answer_and_saves_nothing(self):
        response = self.as_("client_a").post(reverse("onboarding:intake"), {"phone": "07700", "hopes": "Calmer days"})
        self.assertContains(response, "That number has 5 digits", status_code=400)
        self.assertContains(response, "Calmer days", status_code=400)
        self.assertFalse(Intake.objects.filter(client=self.w.client_a).exists())

    def test_the_phone_is_optional(self):
        self.as_("client_a").post(reverse("onboarding:intake"), {"hopes": "Sleep"})
        self.assertIsNone(Intake.objects.get(client=self.w.client_a).phone)


class ChoicesPhoneTests(TendingTestCase):
    def test_the_phone_is_saved_from_my_choices_without_touching_a_consent(self):
        http = self.as_("client_a")
        page = http.get(reverse("onboarding:choices"))
        self.assertContains(page, "Your phone number")
        self.assertContains(page, HINT)
        response = http.post(reverse("onboarding:choices"), {"section": "phone", "phone": "+44 7700 900123"})
        self.assertRedirects(response, reverse("onboarding:choices"))
        intake = Intake.objects.get(client=self.w.client_a)
        self.assertEqual(intake.phone, "+44 7700 900123")
        # A number alone is not a filled-in intake, and no consent was decided by this button.
        self.assertIsNone(intake.completed_at)
        self.assertFalse(ConsentChoice.objects.filter(client=self.w.client_a).exists())
        event = AuditEvent.objects.filter(object_type="onboarding.intake", action="update").latest("id")
        self.assertEqual(event.detail, {"fields": ["phone"]})
        self.assertNotIn("900123", str(event.detail))
        self.assertContains(http.get(reverse("onboarding:choices")), 'value="+44 7700 900123"')

    def test_changing_the_phone_keeps_the_rest_of_the_intake(self):
        http = self.as_("client_a")
        http.post(reverse("onboarding:intake"), {"phone": "07700 900123", "emergency_contact": "Sam 07700 900456"})
        http.post(reverse("onboarding:choices"), {"section": "phone", "phone": "07700 900999"})
        intake = Intake.objects.get(client=self.w.client_a)
        self.assertEqual((intake.phone, intake.emergency_contact), ("07700 900999", "Sam 07700 900456"))
        http.post(reverse("onboarding:choices"), {"section": "phone", "phone": ""})
        self.assertIsNone(Intake.objects.get(client=self.w.client_a).phone)

    def test_a_mistyped_phone_is_explained_on_the_choices_page(self):
        http = self.as_("client_a")
        response = http.post(reverse("onboarding:choices"), {"section": "phone", "phone": "my mobile"})
        self.assertContains(response, "Please use only digits, spaces and brackets", status_code=400)
        self.assertContains(response, 'value="my mobile"', status_code=400)
        self.assertFalse(Intake.objects.filter(client=self.w.client_a).exists())
        self.assertFalse(ConsentChoice.objects.filter(client=self.w.client_a).exists())

    def test_saving_the_choices_leaves_the_phone_alone(self):
        intake_phone_save(client=self.w.client_a, phone="07700 900123")
        self.as_("client_a").post(reverse("onboarding:choices"), {"email_reminders": "on", "gap_days": "28"})
        self.assertEqual(Intake.objects.get(client=self.w.client_a).phone, "07700 900123")
        self.assertTrue(ConsentChoice.objects.filter(client=self.w.client_a, kind="email_reminders").exists())


class PhonePrivacyTests(TendingTestCase):
    def test_the_phone_is_in_the_clients_export(self):
        intake_phone_save(client=self.w.client_a, phone="07700 900123")
        sections = registry.collect(self.w.client_a)
        self.assertEqual([row["phone"] for row in sections["intake"]], ["07700 900123"])

    def test_erasure_clears_the_phone(self):
        intake_phone_save(client=self.w.client_a, phone="07700 900123")
        erasure_complete(erasure=erasure_request(client=self.w.client_a), owner=self.w.owner)
        self.assertFalse(Intake.objects.filter(client=self.w.client_a).exists())

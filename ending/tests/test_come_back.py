"""Coming back: one tap from a former client's space asks the practice for a conversation about returning,
down the free consultation path, with their earlier therapist first if still available, and nothing clinical."""

from django.test import Client as HttpClient
from django.urls import reverse

from bookings.consultation_requests import consultation_ask_return, waiting_requests
from bookings.models import Availability, BookingSettings, Consultation
from ending.tests.test_followups import clinical_words, ended_client
from outbox.models import Email
from tending.testing.personas import TendingTestCase


class ComeBackTests(TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.client_, cls.ending = ended_client(cls.w, months_ago=3)

    def setUp(self):
        self.http = HttpClient()
        self.http.force_login(self.client_.user, backend="accounts.backends.ModelBackend")
        self.url = reverse("ending:come_back")

    def test_one_tap_makes_one_waiting_request_and_a_second_changes_nothing(self):
        page = self.http.get(self.url)
        self.assertContains(page, "Ask about coming back")
        response = self.http.post(self.url, follow=True)
        self.assertContains(
            response, "We&#x27;ve let the practice know. Someone will be in touch by email within two working days."
        )
        request = Consultation.objects.get(returning_client=self.client_)
        self.assertTrue(request.asked_without_time)
        self.assertEqual(request.name, self.client_.display_name)
        self.assertEqual(request.email, self.client_.user.email)
        self.assertEqual(request.reach_by, "email")
        self.assertEqual(request.earlier_therapist, self.w.therapist)
        self.assertIn(request, list(waiting_requests(self.w.practice)))
        emails = Email.objects.filter(about_type="bookings.consultation", about_id=str(request.uuid))
        self.assertEqual(emails.count(), 1)
        self.assertIsNone(clinical_words(emails.get().subject + emails.get().body))
        again = self.http.post(self.url, follow=True)
        self.assertContains(again, "You&#x27;ve already asked")
        self.assertEqual(Consultation.objects.filter(returning_client=self.client_).count(), 1)
        self.assertEqual(emails.count(), 1)

    def test_the_home_card_asks_in_one_tap(self):
        home = self.http.get(reverse("practice:client_home"))
        self.assertContains(home, f'action="{self.url}"')
        self.http.post(self.url)
        home = self.http.get(reverse("practice:client_home"))
        self.assertContains(home, "Someone will be in touch by email within two working days")
        self.assertNotContains(home, f'action="{self.url}"')

    def test_not_limited_by_consultations_per_email(self):
        BookingSettings.for_practice(self.w.practice)
        BookingSettings.objects.filter(practice=self.w.practice).update(consultations_per_email=1)
        Consultation.objects.create(
            practice=self.w.practice, name="Rowan", email=self.client_.user.email, asked_without_time=True
        )
        _request, created = consultation_ask_return(client=self.client_)
        self.assertTrue(created)

    def test_an_earlier_therapist_who_takes_no_clients_is_not_named(self):
        Availability.objects.create(therapist=self.w.therapist, accepts_bookings=False)
        request, _created = consultation_ask_return(client=self.client_)
        self.assertIsNone(request.earlier_therapist)

    def test_an_earlier_therapist_who_left_is_not_named(self):
        type(self.w.therapist).objects.filter(pk=self.w.therapist.pk).update(is_active=False)
        request, _created = consultation_ask_return(client=self.client_)
        self.assertIsNone(request.earlier_therapist)

    def test_the_office_sees_who_is_coming_back_and_offers_their_earlier_therapist_first(self):
        Availability.objects.create(therapist=self.w.therapist)
        self.http.post(self.url)
        request = Consultation.objects.get(returning_client=self.client_)
        office = self.as_("owner")
        page = office.get(reverse("bookings:consult_requests"))
        self.assertContains(page, self.client_.display_name)
        self.assertContains(page, f"Coming back — saw {self.w.therapist.display_name} before")
        text = page.content.decode()
        self.assertIsNone(
            clinical_words(text.split("<main", 1)[1].split("</main>", 1)[0]), "clinical words on the list"
        )
        offer = office.get(reverse("bookings:consult_request_offer", kwargs={"consultation_uuid": request.uuid}))
        self.assertContains(offer, f'value="{self.w.therapist.uuid}" selected')

    def test_a_client_in_care_gets_404_and_nothing_is_made(self):
        other = self.as_("client_a")
        self.assertEqual(other.get(self.url).status_code, 404)
        self.assertEqual(other.post(self.url).status_code, 404)
        self.assertFalse(Consultation.objects.filter(returning_client=self.w.client_a).exists())
        self.assertEqual(self.as_("therapist").post(self.url).status_code, 404)

from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse

from audit.models import AuditEvent
from crisis.contacts import contacts_for
from risk.support import safety_plan_url
from safetyplan.models import SafetyPlan, SafetyPlanVersion
from safetyplan.services import safety_plan_save
from safetyplan.templatetags.safetyplan_tags import tel_links
from tending.testing.factories import PASSWORD
from tending.testing.personas import TendingTestCase

FULL = {
    "warning_signs": "Lying awake replaying the day",
    "coping_alone": "Soothing-rhythm breathing\nA hot shower",
    "distractions": "The park by the river",
    "people_to_ask": "My sister Jo 07700 900123",
    "professionals": "My GP surgery 020 7946 0000",
    "safer_surroundings": "Ask Jo to keep my tablets",
    "reasons_for_living": "My niece",
}


class ClientWritesTheirPlanTests(TendingTestCase):
    def test_a_client_writes_a_plan_and_sees_every_step_in_order(self):
        http = self.as_("client_a")
        response = http.post(reverse("safetyplan:edit"), FULL)
        self.assertRedirects(response, reverse("safetyplan:mine"))
        page = http.get(reverse("safetyplan:mine")).content.decode()
        positions = [
            page.index(heading)
            for heading in (
                "Warning signs",
                "Things I can do on my own",
                "People and places that take my mind off things",
                "People I can ask for help",
                "Professionals and services I can contact",
                "Making my surroundings safer",
                "My reasons for living",
            )
        ]
        self.assertEqual(positions, sorted(positions))
        self.assertIn("A hot shower", page)
        self.assertIn("Last updated", page)
        self.assertIn("version 1, written by you", page)

    def test_phone_numbers_in_the_plan_become_tel_links(self):
        safety_plan_save(client=self.w.client_a, content=FULL, written_by=self.w.client_a.user)
        page = self.as_("client_a").get(reverse("safetyplan:mine")).content.decode()
        self.assertIn('href="tel:07700900123"', page)
        self.assertIn('href="tel:02079460000"', page)

    def test_the_practices_crisis_lines_are_always_in_step_five(self):
        page = self.as_("client_a").get(reverse("safetyplan:mine")).content.decode()
        self.assertIn('href="tel:116123"', page)
        self.assertIn('href="tel:999"', page)
        self.assertIn(self.w.therapist.display_name, page)

    def test_each_save_adds_a_version_and_keeps_the_earlier_one(self):
        http = self.as_("client_a")
        http.post(reverse("safetyplan:edit"), FULL)
        http.post(reverse("safetyplan:edit"), {**FULL, "reasons_for_living": "My niece\nThe sea"})
        plan = SafetyPlan.objects.get(client=self.w.client_a)
        self.assertEqual(plan.version_count, 2)
        self.assertEqual([v.number for v in plan.versions.all()], [2, 1])
        self.assertEqual(plan.versions.get(number=1).reasons_for_living, "My niece")
        self.assertEqual(plan.current().reasons_for_living, "My niece\nThe sea")

    def test_saving_the_same_words_again_adds_no_version(self):
        http = self.as_("client_a")
        http.post(reverse("safetyplan:edit"), FULL)
        http.post(reverse("safetyplan:edit"), FULL)
        self.assertEqual(SafetyPlanVersion.objects.filter(plan__client=self.w.client_a).count(), 1)

    def test_an_empty_plan_gets_a_kind_message_and_nothing_is_saved(self):
        response = self.as_("client_a").post(reverse("safetyplan:edit"), {name: "  " for name in FULL})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "One line is a good start")
        self.assertFalse(SafetyPlan.objects.exists())

    def test_too_long_a_step_keeps_what_was_typed_next_to_a_kind_message(self):
        words = "I notice " * 500
        response = self.as_("client_a").post(reverse("safetyplan:edit"), {**FULL, "warning_signs": words})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Your words are still here")
        self.assertContains(response, "I notice I notice")
        self.assertFalse(SafetyPlan.objects.exists())

    def test_fields_outside_the_plan_are_ignored(self):
        self.as_("client_a").post(
            reverse("safetyplan:edit"),
            {
                **FULL,
                "client": self.w.client_b.pk,
                "number": 99,
                "author": "in_session",
                "written_by": self.w.therapist.user.pk,
            },
        )
        version = SafetyPlanVersion.objects.get()
        self.assertEqual(version.plan.client, self.w.client_a)
        self.assertEqual((version.number, version.author, version.written_by), (1, "client", self.w.client_a.user))
        self.assertFalse(SafetyPlan.objects.filter(client=self.w.client_b).exists())


class TherapistWritesInSessionTests(TendingTestCase):
    def test_the_therapist_writes_the_plan_with_their_client_in_session(self):
        url = reverse("safetyplan:client_edit", kwargs={"client_uuid": self.w.client_a.uuid})
        response = self.as_("therapist").post(url, FULL)
        self.assertRedirects(response, reverse("safetyplan:client_plan", kwargs={"client_uuid": self.w.client_a.uuid}))
        version = SafetyPlan.objects.get(client=self.w.client_a).current()
        self.assertEqual(version.author, SafetyPlanVersion.Author.IN_SESSION)
        page = self.as_("client_a").get(reverse("safetyplan:mine")).content.decode()
        self.assertIn("written together in session", page)

    def test_a_colleague_cannot_open_or_change_another_therapists_client_plan(self):
        safety_plan_save(client=self.w.client_a, content=FULL, written_by=self.w.client_a.user)
        kwargs = {"client_uuid": self.w.client_a.uuid}
        self.assertEqual(self.as_("colleague").get(reverse("safetyplan:client_plan", kwargs=kwargs)).status_code, 404)
        self.assertEqual(
            self.as_("colleague").post(reverse("safetyplan:client_edit", kwargs=kwargs), FULL).status_code, 404
        )
        self.assertEqual(self.as_("owner").get(reverse("safetyplan:client_plan", kwargs=kwargs)).status_code, 404)

    def test_a_client_sees_only_their_own_plan(self):
        safety_plan_save(client=self.w.client_a, content=FULL, written_by=self.w.client_a.user)
        page = self.as_("client_b").get(reverse("safetyplan:mine")).content.decode()
        self.assertNotIn("A hot shower", page)
        self.assertIn("Start my plan", page)


class PrivacyTests(TendingTestCase):
    def test_the_plan_is_encrypted_in_the_database(self):
        safety_plan_save(client=self.w.client_a, content=FULL, written_by=self.w.client_a.user)
        with connection.cursor() as cursor:
            cursor.execute("SELECT warning_signs, reasons_for_living FROM safetyplan_safetyplanversion")
            stored = cursor.fetchone()
        self.assertTrue(all(value.startswith("v2:") for value in stored))
        self.assertNotIn("replaying", " ".join(stored))

    def test_every_read_is_audited_without_the_plans_words(self):
        safety_plan_save(client=self.w.client_a, content=FULL, written_by=self.w.client_a.user)
        self.as_("therapist").get(reverse("safetyplan:client_plan", kwargs={"client_uuid": self.w.client_a.uuid}))
        read = AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_type="safetyplan.safetyplan").get()
        self.assertEqual(read.actor_id, self.w.therapist.user.uuid)
        self.assertEqual(read.client_id, self.w.client_a.uuid)
        created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="safetyplan.safetyplan")
        self.assertEqual(created.detail["changed"][0], "warning_signs")
        for event in AuditEvent.objects.all():
            self.assertNotIn("replaying", str(event.detail))

    def test_the_plan_page_uses_a_fixed_number_of_queries(self):
        safety_plan_save(client=self.w.client_a, content=FULL, written_by=self.w.client_a.user)
        http = self.as_("client_a")
        http.get(reverse("safetyplan:mine"))
        # On SQLite the audit append moves the chain's head in a statement of its own: one more statement.
        with self.assertNumQueries(9 + (connection.vendor == "sqlite")):
            http.get(reverse("safetyplan:mine"))


class ReachTests(TendingTestCase):
    def test_the_plan_is_one_tap_from_the_client_navigation_on_every_page(self):
        for url in (reverse("practice:client_home"), reverse("practice:crisis"), reverse("safetyplan:edit")):
            with self.subTest(url=url):
                self.assertContains(self.as_("client_a").get(url), f'href="{reverse("safetyplan:mine")}"')

    def test_the_client_home_has_a_safety_plan_panel(self):
        self.assertContains(self.as_("client_a").get(reverse("practice:client_home")), "Start my safety plan")

    def test_the_phq9_item9_response_and_journal_risk_support_link_the_plan(self):
        self.assertEqual(safety_plan_url(), reverse("safetyplan:mine"))
        html = render_to_string(
            "journal/_support.html", {"findings": {"show_contacts": True}, "country": contacts_for("GB")}
        )
        self.assertIn(f'href="{reverse("safetyplan:mine")}"', html)

    def test_the_therapists_client_page_links_the_plan(self):
        response = self.as_("therapist").get(
            reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid})
        )
        self.assertContains(response, reverse("safetyplan:client_plan", kwargs={"client_uuid": self.w.client_a.uuid}))


class TelLinkTests(TendingTestCase):
    def test_text_around_numbers_is_escaped(self):
        html = str(tel_links('<script>alert(1)</script> Jo +44 7700 900123 "x"'))
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;", html)
        self.assertIn('<a class="tel" href="tel:+447700900123">+44 7700 900123</a>', html)

    def test_short_numbers_and_dates_in_words_stay_text(self):
        self.assertEqual(str(tel_links("Walk 2 miles at 10")), "Walk 2 miles at 10")


class OfflineTests(TendingTestCase):
    def test_only_the_clients_own_plan_page_is_marked_for_the_private_offline_copy(self):
        self.assertEqual(self.as_("client_a").get(reverse("safetyplan:mine"))["X-Tending-Offline"], "private")
        therapist_view = self.as_("therapist").get(
            reverse("safetyplan:client_plan", kwargs={"client_uuid": self.w.client_a.uuid})
        )
        self.assertNotIn("X-Tending-Offline", therapist_view)
        self.assertNotContains(therapist_view, "data-keep-offline")

    def test_signing_out_clears_what_the_site_kept_on_the_device(self):
        http = self.as_("client_a")
        response = http.post(reverse("account_logout"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Clear-Site-Data"], '"cache", "storage"')

    def test_signing_in_clears_what_the_last_person_left_on_the_device(self):
        response = self.client.post(reverse("account_login"), {"login": "cara@willow.test", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertIn("storage", response["Clear-Site-Data"])

    def test_the_service_worker_keeps_the_plan_in_its_own_cache_and_drops_it_when_signed_out(self):
        worker = self.client.get("/sw.js").content.decode()
        self.assertIn("const PRIVATE = [/^\\/safety-plan\\/$/];", worker)
        self.assertIn('headers.get("X-Tending-Offline") === "private"', worker)
        self.assertIn("caches.delete(PRIVATE_CACHE)", worker)

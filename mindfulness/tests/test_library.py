import datetime
import json

from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from mindfulness.content import EXERCISES, GROUNDING_SLUG, all_client_text
from mindfulness.models import CustomExercise, ExerciseLog, Recommendation
from mindfulness.offline import OFFLINE_HEADER
from mindfulness.services import exercise_log_record
from tending.testing.personas import TendingTestCase

REQUIRED = {
    "soothing-rhythm-breathing",
    "compassionate-self",
    "safe-place",
    "self-compassion-break",
    "body-scan",
    "three-step-breathing-space",
    "grounding-5-4-3-2-1",
    "kindness-to-myself",
    "compassionate-letter",
    "rain",
    "mindful-walking",
    "compassionate-friend",
}


class ContentTests(TendingTestCase):
    def test_the_library_holds_every_practice_the_issue_names(self):
        self.assertLessEqual(REQUIRED, {p.slug for p in EXERCISES})
        self.assertGreaterEqual(len(EXERCISES), 12)

    def test_each_short_version_is_one_to_three_minutes_and_the_longer_one_is_longer(self):
        for exercise in EXERCISES:
            with self.subTest(exercise.slug):
                short = sum(step.seconds for step in exercise.short)
                long = sum(step.seconds for step in exercise.long)
                self.assertGreaterEqual(short, 60)
                self.assertLessEqual(short, 180)
                self.assertGreater(long, short)

    def test_each_practice_says_when_it_may_help_and_is_kind_when_it_does_not(self):
        for exercise in EXERCISES:
            with self.subTest(exercise.slug):
                self.assertTrue(exercise.helps_when)
                self.assertIn("not your fault", exercise.if_not_today)

    def test_breath_and_body_practices_warn_gently_and_offer_an_outside_anchor(self):
        for slug in ("soothing-rhythm-breathing", "body-scan", "three-step-breathing-space"):
            caution = next(p for p in EXERCISES if p.slug == slug).caution
            self.assertIn("panic", caution)
            self.assertIn("feet", caution)

    def test_practices_offer_choice_and_never_say_you_must(self):
        text = " ".join(all_client_text()).lower()
        self.assertNotIn("you must", text)
        for exercise in EXERCISES:
            first = exercise.short[0].text.lower()
            self.assertTrue("stop at any time" in first or "stop at any moment" in first, exercise.slug)

    def test_practices_end_back_in_the_room_with_an_ungraded_kind_word(self):
        for exercise in EXERCISES:
            last = exercise.long[-1].text.lower()
            with self.subTest(exercise.slug):
                self.assertTrue("you gave yourself this time" in last or "take your time" in last)


class LibraryTests(TendingTestCase):
    def test_the_library_lists_every_practice_with_short_and_longer_versions(self):
        response = self.as_("client_a").get(reverse("mindfulness:library"))
        self.assertEqual(response.status_code, 200)
        for exercise in EXERCISES:
            self.assertContains(response, reverse("mindfulness:play", kwargs={"slug": exercise.slug}))
            self.assertContains(response, reverse("mindfulness:play_long", kwargs={"slug": exercise.slug}))

    def test_the_library_shows_the_clients_own_therapists_practices_only(self):
        CustomExercise.objects.create(author=self.w.therapist, title="Ana's kind hands", steps_text="One.")
        CustomExercise.objects.create(author=self.w.colleague, title="Ben's evening pause", steps_text="One.")
        response = self.as_("client_a").get(reverse("mindfulness:library"))
        self.assertContains(response, "Ana&#x27;s kind hands")
        self.assertNotContains(response, "Ben&#x27;s evening pause")

    def test_the_library_keeps_private_suggestions_out_of_the_page_it_lets_phones_keep(self):
        Recommendation.objects.create(
            client=self.w.client_a, therapist=self.w.therapist, builtin_slug="safe-place", note="For the nights."
        )
        response = self.as_("client_a").get(reverse("mindfulness:library"))
        self.assertEqual(response[OFFLINE_HEADER], "cache")
        self.assertNotContains(response, "For the nights.")
        self.assertContains(response, f'hx-get="{reverse("mindfulness:suggested")}"')

    def test_library_queries_are_pinned(self):
        CustomExercise.objects.create(author=self.w.therapist, title="Own", steps_text="One.")
        http = self.as_("client_a")
        url = reverse("mindfulness:library")
        http.get(url)  # the first request of a session starts its idle clock
        # session, user, staff check, client, the therapist's practices with authors, the nav's practice.
        with self.assertNumQueries(3):
            http.get(url)
        for n in range(5):
            CustomExercise.objects.create(author=self.w.therapist, title=f"Own {n}", steps_text="One.")
        with self.assertNumQueries(3):
            http.get(url)


class SuggestionTests(TendingTestCase):
    def test_suggestions_come_marked_from_the_therapist_with_their_note(self):
        Recommendation.objects.create(
            client=self.w.client_a, therapist=self.w.therapist, builtin_slug="safe-place", note="For the nights."
        )
        response = self.as_("client_a").get(reverse("mindfulness:suggested"), headers={"HX-Request": "true"})
        html = response.content.decode()
        self.assertIn("From Ana Therapist", html)
        self.assertIn("For the nights.", html)
        self.assertLess(html.index("From Ana Therapist"), html.index("A safe place"))
        self.assertNotIn("<h1>", html)  # the partial, for the library page

    def test_a_client_never_sees_anothers_suggestions(self):
        Recommendation.objects.create(
            client=self.w.client_b, therapist=self.w.therapist, builtin_slug="safe-place", note="Only for Dev."
        )
        response = self.as_("client_a").get(reverse("mindfulness:suggested"))
        self.assertNotContains(response, "Only for Dev.")

    def test_suggested_page_queries_do_not_grow_with_suggestions(self):
        http = self.as_("client_a")
        url = reverse("mindfulness:suggested")
        Recommendation.objects.create(client=self.w.client_a, therapist=self.w.therapist, builtin_slug="rain")
        http.get(url)
        with self.assertNumQueries(3):
            http.get(url)
        custom = CustomExercise.objects.create(author=self.w.therapist, title="Tea", steps_text="Sip.")
        Recommendation.objects.create(client=self.w.client_a, therapist=self.w.therapist, custom=custom)
        Recommendation.objects.create(client=self.w.client_a, therapist=self.w.therapist, builtin_slug="safe-place")
        with self.assertNumQueries(3):
            http.get(url)


class PlayerTests(TendingTestCase):
    def test_every_step_is_readable_without_javascript(self):
        exercise = next(p for p in EXERCISES if p.slug == "body-scan")
        response = self.as_("client_a").get(reverse("mindfulness:play_long", kwargs={"slug": "body-scan"}))
        for step in exercise.long:
            self.assertContains(response, step.text.replace("'", "&#x27;"))
        self.assertContains(response, 'aria-live="polite"')
        self.assertEqual(response[OFFLINE_HEADER], "cache")

    def test_every_practice_links_grounding_and_urgent_help(self):
        http = self.as_("client_a")
        for exercise in EXERCISES:
            response = http.get(reverse("mindfulness:play", kwargs={"slug": exercise.slug}))
            with self.subTest(exercise.slug):
                self.assertContains(response, reverse("practice:crisis"))
                if exercise.slug != GROUNDING_SLUG:
                    self.assertContains(response, reverse("mindfulness:play", kwargs={"slug": GROUNDING_SLUG}))

    def test_an_unknown_practice_is_not_found(self):
        response = self.as_("client_a").get(reverse("mindfulness:play", kwargs={"slug": "no-such-thing"}))
        self.assertEqual(response.status_code, 404)

    def test_player_queries_are_pinned(self):
        http = self.as_("client_a")
        url = reverse("mindfulness:play", kwargs={"slug": "safe-place"})
        http.get(url)
        # session, user, staff check, client, the nav's practice: the practice itself is in code.
        with self.assertNumQueries(2):
            http.get(url)


class LoggingTests(TendingTestCase):
    def test_recording_a_practice_is_a_single_insert(self):
        exercise = EXERCISES[0]
        with self.assertNumQueries(1):
            exercise_log_record(client=self.w.client_a, exercise=exercise, calm_before=3, calm_after=6, word="lighter")
        log = ExerciseLog.objects.get()
        self.assertEqual((log.calm_before, log.calm_after, log.word), (3, 6, "lighter"))

    def test_the_client_notes_how_they_felt_before_and_after(self):
        response = self.as_("client_a").post(
            reverse("mindfulness:after", kwargs={"slug": "safe-place"}) + "?length=long",
            {
                "length": "long",
                "calm_before": "2",
                "calm_after": "6",
                "kindness_before": "1",
                "kindness_after": "4",
                "word": "softer",
            },
        )
        self.assertRedirects(response, reverse("mindfulness:what_helps"))
        log = ExerciseLog.objects.get(client=self.w.client_a)
        self.assertEqual(
            (log.builtin_slug, log.length, log.kindness_after, log.word), ("safe-place", "long", 4, "softer")
        )

    def test_half_a_pair_gets_a_kind_message_and_keeps_what_was_chosen(self):
        response = self.as_("client_a").post(
            reverse("mindfulness:after", kwargs={"slug": "safe-place"}),
            {"length": "short", "calm_before": "3", "word": "tired"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please choose how your calm feels now too")
        self.assertContains(response, 'value="tired"')
        self.assertContains(response, '<option value="3" selected>')
        self.assertFalse(ExerciseLog.objects.exists())

    def test_a_rating_outside_nought_to_ten_is_refused_kindly(self):
        response = self.as_("client_a").post(
            reverse("mindfulness:after", kwargs={"slug": "safe-place"}),
            {"length": "short", "calm_before": "11", "calm_after": "3"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please choose a number from 0 to 10")
        self.assertFalse(ExerciseLog.objects.exists())

    def test_nothing_is_required_after_a_practice(self):
        response = self.as_("client_a").post(reverse("mindfulness:after", kwargs={"slug": "rain"}), {"length": "short"})
        self.assertRedirects(response, reverse("mindfulness:what_helps"))
        self.assertEqual(ExerciseLog.objects.get().calm_before, None)


class WhatHelpsTests(TendingTestCase):
    def log(self, slug, calm, kind=(None, None), client=None, when=None):
        exercise = next(p for p in EXERCISES if p.slug == slug)
        exercise_log_record(
            client=client or self.w.client_a,
            exercise=exercise,
            calm_before=calm[0],
            calm_after=calm[1],
            kindness_before=kind[0],
            kindness_after=kind[1],
            practised_at=when,
        )

    def test_practices_are_ranked_by_the_clients_own_average_change_with_times_tried(self):
        self.log("safe-place", (3, 4))
        self.log("safe-place", (3, 5))  # +1.5 on average
        self.log("rain", (2, 7), (2, 6))  # +4.5
        self.log("body-scan", (5, 5))  # 0
        self.log("mindful-walking", (None, None))  # tried, not rated
        response = self.as_("client_a").get(reverse("mindfulness:what_helps"))
        html = response.content.decode()
        order = [
            html.index(title)
            for title in ("RAIN for hard feelings", "A safe place", "A gentle body scan", "Mindful walking")
        ]
        self.assertEqual(order, sorted(order))
        self.assertIn("+1.5 on average", html)
        self.assertIn("2 times", html)
        self.assertIn("Also tried", html)

    def test_what_helps_shows_only_the_clients_own_practices(self):
        self.log("rain", (2, 7), client=self.w.client_b)
        response = self.as_("client_a").get(reverse("mindfulness:what_helps"))
        self.assertNotContains(response, "RAIN for hard feelings")
        self.assertContains(response, "Nothing here yet")

    def test_coming_back_after_a_gap_is_welcomed_and_nothing_counts_days(self):
        self.log("rain", (2, 7), when=timezone.now() - datetime.timedelta(days=30))
        response = self.as_("client_a").get(reverse("mindfulness:what_helps"))
        self.assertContains(response, "Welcome back")
        for word in ("streak", "missed", "in a row"):
            self.assertNotContains(response, word)

    def test_what_helps_queries_are_pinned(self):
        custom = CustomExercise.objects.create(author=self.w.therapist, title="Tea", steps_text="Sip.")
        self.log("rain", (2, 7))
        http = self.as_("client_a")
        url = reverse("mindfulness:what_helps")
        http.get(url)
        # session, user, staff check, client, one grouped query over the log, the nav's practice.
        with self.assertNumQueries(3):
            http.get(url)
        for slug in ("safe-place", "body-scan", "mindful-walking"):
            for _ in range(3):
                self.log(slug, (3, 5))
        exercise_log_record(client=self.w.client_a, exercise=custom, calm_before=1, calm_after=2)
        with self.assertNumQueries(3):
            http.get(url)


class OfflineTests(TendingTestCase):
    def test_the_service_worker_is_served_from_the_root_as_javascript(self):
        response = self.client.get("/sw.js")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/javascript"))
        body = response.content.decode()
        self.assertIn('"/crisis/"', body)
        self.assertIn("X-Tending-Offline", body)

    def test_the_worker_and_manifest_need_no_database(self):
        http = self.as_("client_a")
        with self.assertNumQueries(0):
            self.assertEqual(http.get("/sw.js").status_code, 200)
            self.assertEqual(http.get("/manifest.webmanifest").status_code, 200)

    def test_the_worker_never_keeps_journal_or_private_practice_pages(self):
        body = self.client.get("/sw.js").content.decode()
        for private in ("journal", "what-helps-me", "suggested", "after", "self-care"):
            self.assertNotIn(private, body.split("const KEEPABLE")[1].split("];")[0])

    def test_private_pages_are_not_marked_for_keeping(self):
        http = self.as_("client_a")
        for name in ("mindfulness:what_helps", "mindfulness:suggested", "journal:list", "selfcare:plan"):
            response = http.get(reverse(name))
            with self.subTest(name):
                self.assertNotIn(OFFLINE_HEADER, response)

    def test_the_manifest_makes_the_app_installable(self):
        response = self.client.get("/manifest.webmanifest")
        self.assertEqual(response["Content-Type"], "application/manifest+json")
        manifest = json.loads(response.content)
        self.assertEqual(manifest["display"], "standalone")
        sizes = {icon["sizes"] for icon in manifest["icons"]}
        self.assertLessEqual({"192x192", "512x512"}, sizes)
        for icon in manifest["icons"]:
            self.assertIsNotNone(finders.find(icon["src"].removeprefix("/static/")), icon["src"])

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEvent
from mindfulness.content import BY_SLUG
from mindfulness.forms import MAX_AUDIO_BYTES
from mindfulness.models import CustomExercise, Recommendation
from mindfulness.panels import client_record
from mindfulness.services import exercise_log_record
from tending.testing.personas import TendingTestCase

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


def upload(name="calm.mp3", content=MP3, content_type="audio/mpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


class CustomExerciseTests(TendingTestCase):
    def create(self, **extra):
        data = {
            "title": "Tea with attention",
            "summary": "",
            "helps_when": "",
            "steps_text": "Hold the cup.\n\nSip.",
            "step_seconds": "30",
        }
        data.update(extra)
        return self.as_("therapist").post(reverse("mindfulness:custom_new"), data)

    def test_a_therapist_writes_a_practice_with_a_recording_for_their_clients(self):
        response = self.create(audio=upload())
        self.assertRedirects(response, reverse("mindfulness:manage"))
        exercise = CustomExercise.objects.get()
        self.assertEqual(exercise.author, self.w.therapist)
        self.assertEqual(exercise.audio_content_type, "audio/mpeg")
        self.assertTrue(exercise.audio.name.startswith("mindfulness/audio/"))
        self.assertNotIn("calm", exercise.audio.name)  # never the uploaded file's name
        self.assertEqual([s.text for s in exercise.steps()], ["Hold the cup.", "Sip."])
        self.assertTrue(AuditEvent.objects.filter(object_type="mindfulness.custompractice", action="create").exists())

    def test_the_recording_plays_only_for_that_therapists_own_clients(self):
        self.create(audio=upload())
        exercise = CustomExercise.objects.get()
        url = reverse("mindfulness:audio", kwargs={"exercise_uuid": exercise.uuid})
        response = self.as_("client_a").get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "audio/mpeg")
        self.assertEqual(b"".join(response.streaming_content), MP3)
        for persona in ("client_b",):
            self.assertEqual(self.as_(persona).get(url).status_code, 200)
        for persona in ("therapist", "colleague", "outsider", "owner"):
            self.assertEqual(self.as_(persona).get(url).status_code, 404, persona)
        eli = self.client
        eli.force_login(self.w.client_c.user)
        self.assertEqual(eli.get(url).status_code, 404)
        self.assertEqual(
            eli.get(reverse("mindfulness:play_custom", kwargs={"exercise_uuid": exercise.uuid})).status_code, 404
        )

    def test_a_file_that_is_not_audio_is_refused_with_a_kind_message_and_the_words_kept(self):
        response = self.create(audio=upload("calm.mp3", b"<html>not audio</html>", "audio/mpeg"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "does not look like audio we can play")
        self.assertContains(response, "Tea with attention")
        self.assertFalse(CustomExercise.objects.exists())

    def test_a_recording_over_the_size_limit_is_refused(self):
        big = MP3 + b"\x00" * (MAX_AUDIO_BYTES + 1 - len(MP3))
        response = self.create(audio=upload(content=big))
        self.assertContains(response, "larger than 15 MB")
        self.assertFalse(CustomExercise.objects.exists())

    def test_a_practice_needs_steps_or_a_recording(self):
        response = self.create(steps_text="")
        self.assertContains(response, "Please write at least one step, or add a recording.")

    def test_a_colleague_cannot_open_or_archive_anothers_practice(self):
        exercise = CustomExercise.objects.create(author=self.w.therapist, title="Mine", steps_text="One.")
        edit = reverse("mindfulness:custom_edit", kwargs={"exercise_uuid": exercise.uuid})
        archive = reverse("mindfulness:custom_archive", kwargs={"exercise_uuid": exercise.uuid})
        self.assertEqual(self.as_("colleague").get(edit).status_code, 404)
        self.assertEqual(self.as_("colleague").post(archive).status_code, 404)
        exercise.refresh_from_db()
        self.assertFalse(exercise.is_archived)

    def test_an_archived_practice_disappears_for_clients(self):
        exercise = CustomExercise.objects.create(author=self.w.therapist, title="Mine", steps_text="One.")
        self.as_("therapist").post(reverse("mindfulness:custom_archive", kwargs={"exercise_uuid": exercise.uuid}))
        url = reverse("mindfulness:play_custom", kwargs={"exercise_uuid": exercise.uuid})
        self.assertEqual(self.as_("client_a").get(url).status_code, 404)


class RecommendationTests(TendingTestCase):
    def test_a_therapist_suggests_a_practice_with_a_note_and_the_client_sees_it_first(self):
        url = reverse("mindfulness:recommend", kwargs={"client_uuid": self.w.client_a.uuid})
        response = self.as_("therapist").post(url, {"practice": "safe-place", "note": "For the evenings."})
        self.assertRedirects(response, url)
        rec = Recommendation.objects.get()
        self.assertEqual((rec.client, rec.builtin_slug, rec.note), (self.w.client_a, "safe-place", "For the evenings."))
        page = self.as_("client_a").get(reverse("mindfulness:suggested")).content.decode()
        self.assertIn("From Ana Therapist", page)
        self.assertIn("For the evenings.", page)

    def test_suggesting_the_same_practice_again_replaces_the_note(self):
        url = reverse("mindfulness:recommend", kwargs={"client_uuid": self.w.client_a.uuid})
        http = self.as_("therapist")
        http.post(url, {"practice": "safe-place", "note": "First."})
        http.post(url, {"practice": "safe-place", "note": "Second."})
        self.assertEqual(list(Recommendation.objects.active().values_list("note", flat=True)), ["Second."])

    def test_a_therapist_may_suggest_their_own_practice_but_not_a_colleagues(self):
        mine = CustomExercise.objects.create(author=self.w.therapist, title="Mine", steps_text="One.")
        bens = CustomExercise.objects.create(author=self.w.colleague, title="Ben's", steps_text="One.")
        url = reverse("mindfulness:recommend", kwargs={"client_uuid": self.w.client_a.uuid})
        http = self.as_("therapist")
        http.post(url, {"practice": mine.slug, "note": ""})
        response = http.post(url, {"practice": bens.slug, "note": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please choose")
        self.assertEqual(list(Recommendation.objects.values_list("custom", flat=True)), [mine.id])

    def test_only_the_clients_own_therapist_can_suggest(self):
        url = reverse("mindfulness:recommend", kwargs={"client_uuid": self.w.client_a.uuid})
        for persona in ("colleague", "outsider", "owner", "client_a"):
            self.assertEqual(self.as_(persona).post(url, {"practice": "rain"}).status_code, 404, persona)
        self.assertFalse(Recommendation.objects.exists())

    def test_withdrawing_a_suggestion_hides_it_from_the_client(self):
        rec = Recommendation.objects.create(
            client=self.w.client_a, therapist=self.w.therapist, builtin_slug="rain", note="x"
        )
        self.as_("therapist").post(
            reverse("mindfulness:recommendation_remove", kwargs={"recommendation_uuid": rec.uuid})
        )
        self.assertNotContains(self.as_("client_a").get(reverse("mindfulness:suggested")), "RAIN")

    def test_the_clients_page_shows_the_therapist_which_practices_were_used_never_the_ratings(self):
        exercise_log_record(client=self.w.client_a, exercise=BY_SLUG["rain"], calm_before=2, calm_after=6)
        response = self.as_("therapist").get(
            reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid})
        )
        self.assertContains(response, "<li>RAIN for hard feelings: 1 time</li>", html=True)
        self.assertNotContains(response, "+4.0")
        self.assertNotContains(response, "calm")
        self.assertTrue(AuditEvent.objects.reads_of("mindfulness.practicelog").exists())

    def test_the_clients_page_lists_what_was_suggested_newest_first_in_one_query(self):
        own = CustomExercise.objects.create(author=self.w.therapist, title="Tea & toast", steps_text="One.")
        Recommendation.objects.create(client=self.w.client_a, therapist=self.w.therapist, builtin_slug="rain")
        Recommendation.objects.create(client=self.w.client_a, therapist=self.w.therapist, custom=own)
        withdrawn = Recommendation.objects.create(
            client=self.w.client_a, therapist=self.w.therapist, builtin_slug="safe-place"
        )
        Recommendation.objects.filter(pk=withdrawn.pk).update(withdrawn_at=withdrawn.created_at)
        request = RequestFactory().get("/")
        request.staff, request.user = self.w.therapist, self.w.therapist.user
        # What helps (one query) and the suggestions (one query); nothing read, so no audit write.
        with self.assertNumQueries(2):
            html = client_record(request, self.w.client_a)
        self.assertIn(f"Suggested: Tea &amp; toast, {BY_SLUG['rain'].title}.", html)
        self.assertNotIn(BY_SLUG["safe-place"].title, html)

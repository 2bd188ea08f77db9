from django.contrib.auth import get_user

from accounts.backends import ModelBackend
from tending.testing.personas import TendingTestCase


class RoleLoadingBackendTests(TendingTestCase):
    def test_a_client_is_loaded_with_their_practice_and_therapist_in_one_query(self):
        with self.assertNumQueries(1):
            user = ModelBackend().get_user(self.w.client_a.user.pk)
            self.assertEqual(user.client, self.w.client_a)
            self.assertEqual(user.client.practice, self.w.practice)
            self.assertEqual(user.client.therapist.user.name, self.w.therapist.user.name)

    def test_staff_are_loaded_with_their_practice_and_known_not_to_be_clients(self):
        with self.assertNumQueries(1):
            user = ModelBackend().get_user(self.w.therapist.user.pk)
            self.assertEqual(user.staff_member.practice, self.w.practice)
            self.assertFalse(hasattr(user, "client"))

    def test_an_inactive_user_is_not_loaded(self):
        user = self.w.client_a.user
        user.is_active = False
        user.save(update_fields=["is_active"])
        self.assertIsNone(ModelBackend().get_user(user.pk))

    def test_a_signed_in_page_gets_the_client_from_these_backends(self):
        http = self.as_("client_a")
        response = http.get("/me/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(get_user(response.wsgi_request).client, self.w.client_a)

    def test_each_load_reads_the_person_asked_for_as_they_are_now(self):
        # The query is kept once per process (core/compiled.py); the values and the rows are each request's own.
        backend = ModelBackend()
        first = backend.get_user(self.w.client_a.user.pk)
        other = backend.get_user(self.w.therapist.user.pk)
        self.assertEqual(first, self.w.client_a.user)
        self.assertEqual(other, self.w.therapist.user)
        user = self.w.client_a.user
        user.name = "Renamed Since"
        user.save(update_fields=["name"])
        self.assertEqual(backend.get_user(user.pk).name, "Renamed Since")

    def test_nobody_is_loaded_for_an_id_that_is_not_a_person(self):
        backend = ModelBackend()
        missing = max(type(self.w.client_a.user).objects.values_list("pk", flat=True)) + 1
        self.assertIsNone(backend.get_user(missing))
        self.assertIsNone(backend.get_user("not a number"))
        self.assertIsNone(backend.get_user(None))
        # A session's id arrives as text.
        self.assertEqual(backend.get_user(str(self.w.client_a.user.pk)), self.w.client_a.user)

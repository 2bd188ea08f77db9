"""The ``{% url %}`` every template uses remembers addresses without arguments or with one UUID, and answers as
Django's does."""

from uuid import UUID, uuid4

from django.template import Context, engines
from django.test import SimpleTestCase, override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix

from core.templatetags.constant_urls import ConstantURLNode


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def _nothing(request):  # pragma: no cover - never called, only reversed
    raise AssertionError


# The same name as the real check-in page, at another address: a remembered answer must not leak across.
urlpatterns = [
    path("elsewhere/", include(([path("check-in/", _nothing, name="today")], "checkins"))),
    path("elsewhere/<uuid:client_uuid>/", include(([path("", _nothing, name="client_detail")], "practice"))),
]


class ConstantUrlTests(SimpleTestCase):
    def test_it_is_the_url_tag_of_every_template(self):
        template = engines["django"].from_string("{% url 'checkins:today' %}")
        self.assertIsInstance(template.template.nodelist[0], ConstantURLNode)

    def test_it_answers_as_reverse_with_and_without_arguments_and_as_a_variable(self):
        self.assertEqual(render("{% url 'checkins:today' %}"), reverse("checkins:today"))
        self.assertEqual(render("{% url 'checkins:today' %}"), "/checkin/")  # the second time, remembered
        address = reverse("practice:client_detail", kwargs={"client_uuid": "00000000-0000-0000-0000-000000000000"})
        self.assertEqual(
            render("{% url 'practice:client_detail' client_uuid=u %}", u="00000000-0000-0000-0000-000000000000"),
            address,
        )
        self.assertEqual(render("{% url name %}", name="journal:list"), reverse("journal:list"))
        self.assertEqual(render("{% url 'checkins:today' as here %}[{{ here }}]"), "[/checkin/]")

    def test_an_unknown_name_raises_unless_it_is_kept_as_a_variable(self):
        with self.assertRaises(NoReverseMatch):
            render("{% url 'no:such' %}")
        self.assertEqual(render("{% url 'no:such' as nowhere %}[{{ nowhere }}]"), "[]")

    def test_another_urlconf_or_script_prefix_gets_its_own_answer(self):
        self.assertEqual(render("{% url 'checkins:today' %}"), "/checkin/")
        with override_settings(ROOT_URLCONF=__name__):
            self.assertEqual(render("{% url 'checkins:today' %}"), "/elsewhere/check-in/")
        self.assertEqual(render("{% url 'checkins:today' %}"), "/checkin/")
        set_script_prefix("/practice/")
        try:
            self.assertEqual(render("{% url 'checkins:today' %}"), "/practice/checkin/")
        finally:
            set_script_prefix("/")
        self.assertEqual(render("{% url 'checkins:today' %}"), "/checkin/")

    def test_it_escapes_as_the_context_says(self):
        template = engines["django"].from_string("{% url 'checkins:today' %}").template
        self.assertEqual(template.render(Context(autoescape=False)), "/checkin/")

    def test_an_address_of_one_uuid_is_each_rows_own_by_keyword_or_position(self):
        first, second = uuid4(), uuid4()
        for value in (first, second, UUID(int=0), first):
            with self.subTest(value=value):
                expected = reverse("practice:client_detail", kwargs={"client_uuid": value})
                self.assertEqual(render("{% url 'practice:client_detail' client_uuid=u %}", u=value), expected)
                self.assertEqual(render("{% url 'practice:client_detail' u %}", u=value), expected)
                self.assertEqual(render("{% url 'practice:client_detail' u as there %}{{ there }}", u=value), expected)
        with override_settings(ROOT_URLCONF=__name__):
            self.assertEqual(
                render("{% url 'practice:client_detail' client_uuid=u %}", u=first), f"/elsewhere/{first}/"
            )
        self.assertEqual(
            render("{% url 'practice:client_detail' client_uuid=u %}", u=first),
            reverse("practice:client_detail", kwargs={"client_uuid": first}),
        )

    def test_other_arguments_are_reversed_as_django_does(self):
        # Text, a wrong keyword and two arguments: no pattern is remembered for them, and Django's answer stands.
        self.assertEqual(
            render("{% url 'practice:client_detail' client_uuid=u %}", u=str(UUID(int=7))),
            reverse("practice:client_detail", kwargs={"client_uuid": UUID(int=7)}),
        )
        with self.assertRaises(NoReverseMatch):
            render("{% url 'practice:client_detail' nobody=u %}", u=uuid4())
        with self.assertRaises(NoReverseMatch):
            render("{% url 'practice:client_detail' u u %}", u=uuid4())
        self.assertEqual(render("{% url 'checkins:today' u as nowhere %}[{{ nowhere }}]", u=uuid4()), "[]")

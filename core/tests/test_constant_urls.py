"""The ``{% url %}`` every template uses remembers addresses without arguments, and answers as Django's does."""

from django.template import Context, engines
from django.test import SimpleTestCase, override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix

from core.templatetags.constant_urls import ConstantURLNode


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def _nothing(request):  # pragma: no cover - never called, only reversed
    raise AssertionError


# The same name as the real check-in page, at another address: a remembered answer must not leak across.
urlpatterns = [path("elsewhere/", include(([path("check-in/", _nothing, name="today")], "checkins")))]


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

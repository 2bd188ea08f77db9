"""The ``{% url %}`` every template uses remembers addresses without arguments or with one UUID, slug or whole number,
and answers as Django's does."""

from uuid import UUID, uuid4

from django.template import Context, engines
from django.test import SimpleTestCase, override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix

from core.links import constant_url, url_maker
from core.templatetags.constant_urls import ConstantURLNode


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def _nothing(request):  # pragma: no cover - never called, only reversed
    raise AssertionError


# The same name as the real check-in page, at another address: a remembered answer must not leak across.
urlpatterns = [
    path("elsewhere/", include(([path("check-in/", _nothing, name="today")], "checkins"))),
    path("elsewhere/<uuid:client_uuid>/", include(([path("", _nothing, name="client_detail")], "practice"))),
    path("elsewhere/play/<slug:slug>/", include(([path("", _nothing, name="play")], "mindfulness"))),
    path("elsewhere/page/<int:number>/", include(([path("", _nothing, name="page")], "pages"))),
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

    def test_an_address_of_one_slug_or_whole_number_is_remembered_for_each_value(self):
        for slug in ("self-compassion-break", "body-scan", "self-compassion-break"):
            with self.subTest(slug=slug):
                expected = reverse("mindfulness:play", kwargs={"slug": slug})
                self.assertEqual(render("{% url 'mindfulness:play' slug=s %}", s=slug), expected)
                self.assertEqual(render("{% url 'mindfulness:play' s %}", s=slug), expected)
                self.assertEqual(render("{% url 'mindfulness:play' s as there %}{{ there }}", s=slug), expected)
        with override_settings(ROOT_URLCONF=__name__):
            self.assertEqual(render("{% url 'mindfulness:play' slug=s %}", s="body-scan"), "/elsewhere/play/body-scan/")
            for number in (1, 2, 1):
                self.assertEqual(render("{% url 'pages:page' n %}", n=number), f"/elsewhere/page/{number}/")
            # Text the number's converter refuses raises, as Django's tag does.
            with self.assertRaises(NoReverseMatch):
                render("{% url 'pages:page' n %}", n="two")
            # True equals 1 as a key, but Django reverses it as "True", which no number matches.
            with self.assertRaises(NoReverseMatch):
                render("{% url 'pages:page' n %}", n=True)
        self.assertEqual(render("{% url 'mindfulness:play' slug=s %}", s="body-scan"), "/practices/play/body-scan/")

    def test_a_value_the_pattern_refuses_still_raises_and_is_never_remembered_as_an_answer(self):
        for _ in range(2):
            with self.assertRaises(NoReverseMatch):
                render("{% url 'mindfulness:play' slug=s %}", s="not a slug")
            with self.assertRaises(NoReverseMatch):
                render("{% url 'mindfulness:play' slug=s %}", s="")
        self.assertEqual(render("{% url 'mindfulness:play' slug=s as nowhere %}[{{ nowhere }}]", s="no/pe"), "[]")

    def test_text_that_is_not_a_short_slug_is_reversed_by_django_every_time(self):
        token = "a" * 65
        self.assertEqual(
            render("{% url 'selfcare:reminder_stop' token=t %}", t=token),
            reverse("selfcare:reminder_stop", kwargs={"token": token}),
        )
        signed = "abc:1xaMfo:c8AjIA1EdWl"
        self.assertEqual(
            render("{% url 'selfcare:reminder_stop' token=t %}", t=signed),
            reverse("selfcare:reminder_stop", kwargs={"token": signed}),
        )


class LinkMakerTests(SimpleTestCase):
    """``core.links`` remembers its patterns the same way, for views that write their rows themselves."""

    def test_a_link_maker_and_a_constant_address_answer_as_reverse_in_each_urlconf_and_prefix(self):
        row = uuid4()
        for _ in range(2):  # the second time, remembered
            self.assertEqual(url_maker("practice:client_detail", "client_uuid")(row), f"/therapist/clients/{row}/")
            self.assertEqual(constant_url("checkins:today"), reverse("checkins:today"))
            self.assertEqual(constant_url("mindfulness:play", slug="body-scan"), "/practices/play/body-scan/")
        with override_settings(ROOT_URLCONF=__name__):
            self.assertEqual(url_maker("practice:client_detail", "client_uuid")(row), f"/elsewhere/{row}/")
            self.assertEqual(constant_url("checkins:today"), "/elsewhere/check-in/")
            self.assertEqual(constant_url("mindfulness:play", slug="body-scan"), "/elsewhere/play/body-scan/")
        set_script_prefix("/practice/")
        try:
            self.assertEqual(
                url_maker("practice:client_detail", "client_uuid")(row), f"/practice/therapist/clients/{row}/"
            )
            self.assertEqual(constant_url("checkins:today"), "/practice/checkin/")
        finally:
            set_script_prefix("/")
        self.assertEqual(url_maker("practice:client_detail", "client_uuid")(row), f"/therapist/clients/{row}/")

    def test_an_unknown_name_raises_each_time(self):
        for _ in range(2):
            with self.assertRaises(NoReverseMatch):
                constant_url("no:such")
            with self.assertRaises(NoReverseMatch):
                url_maker("no:such", "client_uuid")
            with self.assertRaises(NoReverseMatch):
                constant_url("mindfulness:play", slug="not a slug")

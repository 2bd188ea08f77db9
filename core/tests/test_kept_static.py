"""``{% static %}`` remembers each file's address, answers as Django's does, and forgets when the settings change."""

import re
from pathlib import Path

from django.template import engines
from django.templatetags.static import StaticNode
from django.test import SimpleTestCase, override_settings
from django.urls import set_script_prefix

from core.templatetags.kept_static import KeptStaticNode


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


ROOT = Path(__file__).resolve().parents[2]
LOAD = re.compile(r"\{%\s*load\s+([^%]*?)\s*%\}")
MANIFEST = {
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
}


class KeptStaticTests(SimpleTestCase):
    def test_it_is_the_static_tag_of_every_template_and_no_template_loads_djangos(self):
        template = engines["django"].from_string("{% static 'css/tending.css' %}")
        self.assertIsInstance(template.template.nodelist[0], KeptStaticNode)
        # ``{% load static %}`` would put Django's tag back in that template.
        loading = [
            str(path.relative_to(ROOT))
            for path in ROOT.glob("**/templates/**/*.html")
            if ".venv" not in path.parts and "node_modules" not in path.parts
            if any("static" in found.split() for found in LOAD.findall(path.read_text()))
        ]
        self.assertEqual(loading, [])

    def test_it_answers_as_djangos_tag_for_a_literal_a_variable_and_as_a_variable(self):
        expected = StaticNode.handle_simple("css/tending.css")
        self.assertEqual(render("{% static 'css/tending.css' %}"), expected)
        self.assertEqual(render("{% static 'css/tending.css' %}"), expected)  # the second time, remembered
        self.assertEqual(render("{% static path %}", path="js/messages.js"), StaticNode.handle_simple("js/messages.js"))
        self.assertEqual(render("{% static 'a b.js' as here %}[{{ here }}]"), "[/static/a%20b.js]")

    def test_a_change_of_settings_is_followed_and_then_undone(self):
        self.assertEqual(render("{% static 'css/tending.css' %}"), "/static/css/tending.css")
        with override_settings(STATIC_URL="https://files.example.org/s/"):
            self.assertEqual(render("{% static 'css/tending.css' %}"), "https://files.example.org/s/css/tending.css")
        self.assertEqual(render("{% static 'css/tending.css' %}"), "/static/css/tending.css")

    def test_a_relative_static_url_answers_as_djangos_under_another_script_prefix(self):
        with override_settings(STATIC_URL="static/"):
            for prefix in ("/practice/", "/"):
                set_script_prefix(prefix)
                try:
                    self.assertEqual(
                        render("{% static 'css/tending.css' %}"), StaticNode.handle_simple("css/tending.css")
                    )
                finally:
                    set_script_prefix("/")
            self.assertTrue(render("{% static 'css/tending.css' %}").endswith("static/css/tending.css"))

    def test_a_file_missing_from_the_manifest_raises_every_time(self):
        with self.settings(STORAGES={"default": MANIFEST, "staticfiles": MANIFEST}):
            for _ in range(2):  # a failure is not remembered as an answer
                with self.assertRaises(ValueError):
                    render("{% static 'no/such/file.css' %}")

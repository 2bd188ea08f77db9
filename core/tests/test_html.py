"""``format_many`` and ``format_rows`` write exactly what ``format_html`` and ``format_html_join`` write, escaping
every argument the same way."""

from django.test import SimpleTestCase
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.html import format_many, format_rows


class Written:
    def __html__(self):
        return "<b>already written</b>"


class FormatManyTests(SimpleTestCase):
    def test_it_writes_what_format_html_writes_for_every_kind_of_argument(self):
        lazy_text = lazy(lambda: "<lazy & 'quoted'>", str)()
        arguments = [
            "Mon 3 Nov",
            "<script>alert(\"x\")</script> & 'more'",
            mark_safe("<a href='/x/'>kept</a>"),  # noqa: S308 - the test's own safe text
            Written(),
            5.5,
            7,
            None,
            "–",
            lazy_text,
        ]
        row = "<td>{}</td>" * len(arguments)
        written = format_many(row, *arguments)
        self.assertEqual(written, format_html(row, *arguments))
        self.assertIsInstance(written, SafeString)
        self.assertIn("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;more&#x27;", written)
        self.assertIn("<a href='/x/'>kept</a>", written)

    def test_a_table_of_many_rows_is_one_format(self):
        figures = [x for n in range(300) for x in (f"day {n}", n / 10)]
        row = "<tr><th>{}</th><td>{}</td></tr>"
        self.assertEqual(format_many(row * 300, *figures), format_html(row * 300, *figures))


class FormatRowsTests(SimpleTestCase):
    def test_it_writes_what_format_html_join_writes_for_every_kind_of_argument_and_separator(self):
        lazy_text = lazy(lambda: "<lazy & 'quoted'>", str)()
        rows = [
            ("Mon 3 Nov", "<script>alert(\"x\")</script> & 'more'", 7),
            (mark_safe("<a href='/x/'>kept</a>"), Written(), None),  # noqa: S308 - the test's own safe text
            (lazy_text, 5.5, "–"),
        ]
        row = "<li>{}<span>{}</span>{}</li>"
        for separator in ("", "\n", "<br>", mark_safe("<br>")):  # noqa: S308 - the test's own safe text
            with self.subTest(separator=separator):
                written = format_rows(separator, row, iter(rows))
                self.assertEqual(written, format_html_join(separator, row, iter(rows)))
                self.assertIsInstance(written, SafeString)
        self.assertIn("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;more&#x27;", written)
        self.assertIn("<a href='/x/'>kept</a><span><b>already written</b></span>None", written)

    def test_no_rows_is_nothing(self):
        self.assertEqual(format_rows("\n", "<li>{}</li>", []), "")

    def test_no_module_writes_rows_with_djangos_slower_join(self):
        # One way to write a list of rows, so a list added later is not three times slower than its neighbours.
        from pathlib import Path

        from django.apps import apps

        root = Path(__file__).resolve().parents[2]
        ours = [
            Path(config.path)
            for config in apps.get_app_configs()
            if Path(config.path).is_relative_to(root) and not Path(config.path).is_relative_to(root / ".venv")
        ]
        users = [
            str(path.relative_to(root))
            for app in ours
            for path in app.rglob("*.py")
            if "tests" not in path.relative_to(app).parts
            and path != root / "core" / "html.py"
            and "format_html_join(" in path.read_text()
        ]
        self.assertGreater(len(ours), 10)
        self.assertEqual(users, [])

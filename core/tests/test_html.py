"""``format_many`` writes exactly what ``format_html`` writes, escaping every argument the same way."""

from django.test import SimpleTestCase
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.html import format_many


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

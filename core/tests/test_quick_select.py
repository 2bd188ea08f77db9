from django import forms
from django.test import SimpleTestCase

from core.forms import QuickSelect

CHOICES = [("", "Anything"), ("a1", "Ann <Smith>"), ("Group & co", [("b2", 'Bea "B" & Co'), ("c3", "Cy")])]


class Choose(forms.Form):
    fast = forms.ChoiceField(label="Item", choices=CHOICES, widget=QuickSelect, help_text="Pick one")
    plain = forms.ChoiceField(label="Item", choices=CHOICES, help_text="Pick one")


class QuickSelectTests(SimpleTestCase):
    def test_it_writes_what_djangos_select_writes(self):
        for data in (None, {"fast": "b2", "plain": "b2"}, {"fast": "nobody", "plain": "nobody"}, {}):
            with self.subTest(data=data):
                form = Choose(data)
                form.is_valid()
                fast = str(form["fast"]).replace("fast", "plain")
                self.assertHTMLEqual(fast, str(form["plain"]))

    def test_words_are_escaped_and_the_choice_is_selected(self):
        html = str(Choose({"fast": "c3"})["fast"])
        self.assertIn("Ann &lt;Smith&gt;", html)
        self.assertIn('<optgroup label="Group &amp; co">', html)
        self.assertIn('<option value="c3" selected>', html)
        self.assertEqual(html.count("selected"), 1)

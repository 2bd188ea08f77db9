from django import forms
from django.test import SimpleTestCase

from core.forms import LongSelect

CHOICES = [("", "Any client"), ("a1", "Ann <Smith>"), ("b2", 'Bea "B" & Co'), ("c3", "Cy")]


class Choose(forms.Form):
    fast = forms.ChoiceField(required=False, label="Client", choices=CHOICES, widget=LongSelect)
    plain = forms.ChoiceField(required=False, label="Client", choices=CHOICES)


class LongSelectTests(SimpleTestCase):
    def test_it_writes_what_djangos_select_writes(self):
        for data in (None, {"fast": "b2", "plain": "b2"}, {"fast": "nobody", "plain": "nobody"}):
            with self.subTest(data=data):
                form = Choose(data)
                form.is_valid()
                fast = str(form["fast"]).replace("fast", "plain")
                self.assertHTMLEqual(fast, str(form["plain"]))

    def test_names_are_escaped_and_the_choice_is_selected(self):
        html = str(Choose({"fast": "a1"})["fast"])
        self.assertIn("Ann &lt;Smith&gt;", html)
        self.assertIn('<option value="a1" selected>', html)
        self.assertEqual(html.count("selected"), 1)

from django import forms
from django.test import SimpleTestCase

from core.forms import QuickHiddenInput, QuickSelect, QuickTextarea, QuickTextInput

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


class Write(forms.Form):
    fast_body = forms.CharField(label="Words", widget=QuickTextarea(attrs={"rows": 5}), max_length=50, help_text="Say")
    plain_body = forms.CharField(
        label="Words", widget=forms.Textarea(attrs={"rows": 5}), max_length=50, help_text="Say"
    )
    fast_note = forms.CharField(label="Note", widget=QuickTextInput, required=False, max_length=500)
    plain_note = forms.CharField(label="Note", required=False, max_length=500)
    fast_key = forms.UUIDField(widget=QuickHiddenInput)
    plain_key = forms.UUIDField(widget=forms.HiddenInput)


class QuickInputTests(SimpleTestCase):
    def test_they_write_what_djangos_widgets_write(self):
        words = 'Ann <b>"hello"</b> & co\nsecond line'
        for data in (None, {}, {"body": words, "note": words, "key": "5f0c1a8e-0000-4000-8000-000000000001"}):
            for name in ("body", "note", "key"):
                with self.subTest(data=data, name=name):
                    given = {
                        f"{side}_{key}": value for side in ("fast", "plain") for key, value in (data or {}).items()
                    }
                    form = Write(given if data is not None else None, initial={"fast_key": "x1", "plain_key": "x1"})
                    form.is_valid()
                    fast = str(form[f"fast_{name}"]).replace("fast_", "plain_")
                    self.assertHTMLEqual(fast, str(form[f"plain_{name}"]))

    def test_words_are_escaped(self):
        form = Write({"fast_body": "<script>", "fast_note": '"x"'})
        self.assertIn("&lt;script&gt;</textarea>", str(form["fast_body"]))
        self.assertIn('value="&quot;x&quot;"', str(form["fast_note"]))

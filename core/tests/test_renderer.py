"""core.renderer writes Django's widget, label and error-list templates exactly as the templates do.

The whole suite checks this on every form it renders (tending/testing/forms.py); here the corners a
project's forms may not reach: safe and unsafe values, True and False attributes, option groups,
numbers and days as labels, lazy words, a widget's template of its own, errors tied to a field.
"""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.renderer import FormRenderer
from tending.testing.forms import CheckedFormRenderer

_CHOICES = [
    ("", "Choose…"),
    ("Fruit", [("a", "Apple & <pear>"), ("b", mark_safe("<b>Banana</b>"))]),
    (3, 3),
    (datetime.date(2026, 12, 4), datetime.date(2026, 12, 4)),
    ("lazy", gettext_lazy("Words translated later")),
]


class _CustomOption(forms.RadioSelect):
    option_template_name = "django/forms/widgets/input.html"


class Everything(forms.Form):
    text = forms.CharField(help_text="Some help", widget=forms.TextInput(attrs={"autofocus": True, "data-x": False}))
    number = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"step": 1}))
    email = forms.EmailField(required=False)
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    when = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    url = forms.URLField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "wide"}))
    agree = forms.BooleanField(required=False)
    choose = forms.ChoiceField(choices=_CHOICES, required=False)
    several = forms.MultipleChoiceField(choices=_CHOICES[1:], required=False)
    radio = forms.ChoiceField(
        choices=_CHOICES[1:],
        required=False,
        help_text="Pick <one>",
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    ticks = forms.MultipleChoiceField(choices=_CHOICES[1:], required=False, widget=forms.CheckboxSelectMultiple)
    custom = forms.ChoiceField(choices=[("x", "X")], required=False, widget=_CustomOption)


_VALUES = {
    "text": 'He said "hi" & <left>',
    "number": "12",
    "email": "not an email",
    "password": "s<e>cret",
    "hidden": mark_safe("<kept>"),
    "day": "2026-12-04",
    "when": "2026-12-04 10:30",
    "time": "10:30",
    "url": "example",
    "note": "Line one\n<two> & three",
    "agree": "on",
    "choose": "b",
    "several": ["a", "3"],
    "radio": "2026-12-04",
    "ticks": ["lazy", "b"],
    "custom": "x",
}


def _everything_written(form) -> list[str]:
    """Each field's widget, label and errors as the form's renderer writes them."""
    return [
        str(part)
        for field in form
        for part in (field, field.label_tag(), field.legend_tag(), field.errors, field.as_field_group())
    ]


@pytest.mark.parametrize("data", [None, {}, _VALUES, {**_VALUES, "text": "", "choose": "none"}], ids=str)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_every_widget_label_and_error_list_is_written_as_django_writes_it(data, auto_id):
    written = _everything_written(Everything(data, auto_id=auto_id, renderer=FormRenderer()))
    rendered = _everything_written(Everything(data, auto_id=auto_id, renderer=DjangoTemplates()))
    assert written == rendered
    assert any("<optgroup" in part for part in written) and any("<textarea" in part for part in written)
    if auto_id:
        assert any('<fieldset aria-describedby="id_radio_helptext">' in part for part in written)


def test_errors_tied_to_their_field_carry_its_id():
    form = Everything({"text": ""}, renderer=FormRenderer())
    assert str(form["text"].errors) == (
        '<ul class="errorlist" id="id_text_error"><li>This field is required.</li></ul>'
    )


def test_a_widget_with_a_template_of_its_own_is_rendered_by_its_template(monkeypatch):
    written = []
    original = DjangoTemplates.get_template
    monkeypatch.setattr(
        DjangoTemplates, "get_template", lambda self, name: written.append(name) or original(self, name)
    )
    form = Everything(renderer=FormRenderer())
    str(form["custom"])
    str(form["text"])
    assert written == ["django/forms/widgets/input.html"]


def test_the_suites_check_fails_on_any_difference(monkeypatch):
    monkeypatch.setitem(
        __import__("core.renderer", fromlist=["_WRITERS"])._WRITERS,
        "django/forms/widgets/text.html",
        lambda renderer, context: "<input>",
    )
    with pytest.raises(AssertionError, match="differently from Django's template"):
        str(Everything(renderer=CheckedFormRenderer())["text"])

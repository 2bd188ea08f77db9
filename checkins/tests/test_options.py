"""The check-in's options (``choice_options``) written as Django's own widgets describe them."""

from html import escape

from django.test import SimpleTestCase

from checkins.forms import CheckInForm
from checkins.templatetags.checkin_tags import choice_options


def expected(field, label_class: str, *, ends: bool) -> str:
    """Each option from Django's subwidgets, one value at a time: what the tag must write, however it writes it."""
    options = list(field.subwidgets)
    parts = []
    for index, option in enumerate(options):
        named = ""
        if ends and index == 0:
            named = f' aria-label="0, {escape(field.field.low.lower())}"'
        elif ends and index == len(options) - 1:
            named = f' aria-label="10, {escape(field.field.high.lower())}"'
        parts.append(
            f'<label class="{label_class}"><input type="{option.data["type"]}" name="{option.data["name"]}"'
            f' value="{escape(str(option.data["value"]))}" id="{option.id_for_label}"{named}'
            f"{' checked' if option.data['selected'] else ''}{' aria-invalid="true"' if field.errors else ''}>"
            f"<span>{escape(str(option.choice_label))}</span></label>"
        )
    return "".join(parts)


class ChoiceOptionsTests(SimpleTestCase):
    def forms(self):
        yield CheckInForm()
        yield CheckInForm(initial={"mood": 7, "feelings": ["calm", "tired"]})
        invalid = CheckInForm({"mood": "99", "feelings": ["calm", "not-a-feeling"]})
        invalid.is_valid()
        yield invalid

    def test_every_option_of_every_choice_field_as_django_describes_it(self):
        checked = 0
        for form in self.forms():
            for field in form:
                if not hasattr(field.field, "choices"):
                    continue
                ends = hasattr(field.field, "low")
                label_class = "scale__choice" if ends else "chip"
                with self.subTest(field=field.name, bound=form.is_bound):
                    self.assertHTMLEqual(
                        str(choice_options(field, label_class, ends=ends)), expected(field, label_class, ends=ends)
                    )
                    checked += 1
        self.assertGreater(checked, 6)

    def test_a_chosen_value_and_an_error_are_written(self):
        form = CheckInForm({"mood": "99", "feelings": ["calm"]})
        form.is_valid()
        mood = str(choice_options(form["mood"], "scale__choice", ends=True))
        self.assertIn('aria-invalid="true"', mood)
        self.assertIn('aria-label="0, ', mood)
        feelings = str(choice_options(form["feelings"], "chip"))
        self.assertIn('value="calm" id="id_feelings_', feelings)
        self.assertEqual(feelings.count(" checked"), 1)

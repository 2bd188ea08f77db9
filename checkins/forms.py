from django import forms

from checkins.models import BODY_AREAS, FEELINGS, SCALES

SCALE_CHOICES = [(n, str(n)) for n in range(11)]


class CheckInForm(forms.Form):
    feelings = forms.MultipleChoiceField(
        label="How I feel", choices=FEELINGS, required=False, widget=forms.CheckboxSelectMultiple
    )
    body_areas = forms.MultipleChoiceField(
        label="Where in my body I feel it (optional)",
        choices=BODY_AREAS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="A short note (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Up to 500 characters. Your therapist can see your check-ins, including this note.",
        error_messages={
            "max_length": "That's a little long for a check-in (up to %(limit_value)d characters). "
            "The journal has room for more."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (_domain, question, low, high) in SCALES.items():
            self.fields[name] = forms.TypedChoiceField(
                label=question,
                choices=SCALE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=f"0 is {low.lower()}, 10 is {high.lower()}",
                error_messages={"invalid_choice": "Please choose a number from 0 to 10."},
            )
            self.fields[name].low, self.fields[name].high = low, high

    @property
    def scales(self) -> dict:
        """Bound scale fields by domain, for the template: ``form.scales.body``."""
        found: dict = {}
        for name, spec in SCALES.items():
            found.setdefault(spec[0], []).append(self[name])
        return found

    def clean(self):
        cleaned = super().clean()
        answered = any(cleaned.get(name) is not None for name in SCALES) or any(
            cleaned.get(name) for name in ("feelings", "body_areas", "note")
        )
        if not answered:
            raise forms.ValidationError(
                "There's nothing to save yet. Tap anything that fits, or come back another time."
            )
        return cleaned

    @classmethod
    def initial_from(cls, checkin) -> dict:
        data = {name: getattr(checkin, name) for name in SCALES}
        data.update(feelings=checkin.feelings, body_areas=checkin.body_areas, note=checkin.note or "")
        return data

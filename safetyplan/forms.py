from django import forms
from django.core.exceptions import ValidationError

from safetyplan.models import STEPS

MAX_STEP_LENGTH = 4000


class SafetyPlanForm(forms.Form):
    """The six steps and reasons for living. Only these fields are read from the request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, (name, heading, prompt) in enumerate(STEPS, start=1):
            label = f"{number}. {heading}" if number <= 6 else heading
            self.fields[name] = forms.CharField(
                label=label,
                help_text=prompt,
                required=False,
                max_length=MAX_STEP_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={
                    "max_length": "This step is longer than we can keep (%(limit_value)d characters). "
                    "Could you shorten it a little? Your words are still here."
                },
            )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any((cleaned.get(name) or "").strip() for name, _, _ in STEPS):
            raise ValidationError("Write a line in any step you like to start your plan. One line is a good start.")
        return cleaned

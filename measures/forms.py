from django import forms

from measures.instruments import DIFFICULTY_CHOICES, DIFFICULTY_QUESTION, INSTRUMENT_CHOICES, Instrument
from measures.models import MeasureSchedule

NOT_APPLICABLE = "na"


class QuestionnaireForm(forms.Form):
    """One radio group per item, in printed order. Every item is needed (an incomplete form is not scored)."""

    def __init__(self, instrument: Instrument, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for index, text in enumerate(instrument.items):
            choices = [
                (NOT_APPLICABLE if option.value is None else str(option.value), option.label)
                for option in instrument.options_for(index)
            ]
            self.fields[f"item_{index + 1}"] = forms.ChoiceField(
                label=f"{index + 1}. {text}",
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "This one still needs an answer.",
                    "invalid_choice": "Please choose one of the answers.",
                },
            )
        if instrument.difficulty_item:
            self.fields["difficulty"] = forms.ChoiceField(
                label=DIFFICULTY_QUESTION + " (optional)",
                choices=DIFFICULTY_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )

    def item_fields(self):
        return [self[f"item_{n + 1}"] for n in range(self.instrument.n_items)]

    def clean(self):
        cleaned = super().clean()
        missing = [n for n in range(1, self.instrument.n_items + 1) if f"item_{n}" in self.errors]
        if missing:
            if len(missing) == 1:
                message = "One question still needs an answer. It's marked below, and your other answers are kept."
            else:
                message = "A few questions still need an answer. They're marked below, and your other answers are kept."
            raise forms.ValidationError(message)
        return cleaned

    def answers(self) -> list:
        return [
            None if self.cleaned_data[f"item_{n + 1}"] == NOT_APPLICABLE else int(self.cleaned_data[f"item_{n + 1}"])
            for n in range(self.instrument.n_items)
        ]


class SendForm(forms.Form):
    instrument = forms.ChoiceField(label="Questionnaire", choices=INSTRUMENT_CHOICES)
    rhythm = forms.ChoiceField(label="How often", choices=MeasureSchedule.Rhythm.choices, initial="once")

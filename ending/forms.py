from django import forms

from ending.selectors import WORDS

MAX_WORDS = 4000
MAX_LETTER = 6000


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StartForm(forms.Form):
    prefix = "ending"  # its field sits on the client's record among other panels' forms
    planned_on = forms.DateField(
        label="Planned last session (optional)",
        required=False,
        widget=_date_input(),
        help_text="You can change or leave this; it is only a plan.",
    )

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_planned_on(self):
        planned = self.cleaned_data["planned_on"]
        if planned is not None and planned < self.today:
            raise forms.ValidationError("Choose today or a later date for the plan.")
        return planned


class LetterForm(forms.Form):
    letter = forms.CharField(
        label="Your letter to the client (optional)",
        required=False,
        max_length=MAX_LETTER,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="A few warm words they can keep. They choose whether it goes in their summary.",
    )


class EndForm(forms.Form):
    ended_on = forms.DateField(label="Our work together ended on", widget=_date_input())

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if ended_on > self.today:
            raise forms.ValidationError(
                "Choose today or an earlier date. Care that will end later can be ended on the day."
            )
        return ended_on


class WordsForm(forms.Form):
    """The client's own words and which parts go in their summary."""

    show_scores = forms.BooleanField(label="Include where I started and where I am now", required=False)
    show_what_helps = forms.BooleanField(label="Include what helps me", required=False)
    show_practices = forms.BooleanField(label="Include the practices I returned to most", required=False)
    show_selfcare = forms.BooleanField(label="Include my self-care plan", required=False)
    show_causes = forms.BooleanField(label="Include what we worked on together", required=False)
    show_letter = forms.BooleanField(label="Include the letter", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, heading in WORDS:
            self.fields[name] = forms.CharField(
                label=heading,
                required=False,
                max_length=MAX_WORDS,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def words(self) -> dict:
        return {name: self.cleaned_data[name] for name, _heading in WORDS}

    def choices(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name.startswith("show_")}


class FollowUpChoiceForm(forms.Form):
    follow_up = forms.BooleanField(label="Yes, I would like a check-in at three and at six months", required=False)

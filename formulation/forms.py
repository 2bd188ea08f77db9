from django import forms
from django.utils import timezone

from formulation.models import CauseState, SymptomKind, SymptomState


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # A date input takes ISO dates whatever the language (en-GB would otherwise render 26/11/2026).
        super().__init__(attrs, format="%Y-%m-%d")


def _not_in_future(value):
    if value > timezone.localdate():
        raise forms.ValidationError("Please choose today or a date in the past.")
    return value


class SymptomForm(forms.Form):
    kind = forms.ChoiceField(label="Symptom", choices=SymptomKind.choices)
    custom_name = forms.CharField(
        label="In your words (optional)",
        required=False,
        max_length=120,
        help_text="Needed for “something else”; otherwise a more exact name, such as “waking at 4am”.",
    )
    status = forms.ChoiceField(label="Where it is now", choices=SymptomState.choices, initial=SymptomState.PRESENT)
    severity = forms.IntegerField(
        label="Severity (0 to 10)",
        min_value=0,
        max_value=10,
        initial=5,
        help_text="0 is none, 10 the most it has been.",
    )
    on = forms.DateField(label="Since", widget=DateInput, initial=timezone.localdate)
    causes = forms.MultipleChoiceField(
        label="Linked to these causes", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    shared_with_client = forms.BooleanField(label="Show this symptom to the client", required=False)

    def __init__(self, *args, causes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cause_rows = {str(c.uuid): c for c in causes}
        self.fields["causes"].choices = [(str(c.uuid), c.hypothesis) for c in causes]
        if not causes:
            del self.fields["causes"]

    def clean_on(self):
        return _not_in_future(self.cleaned_data["on"])

    def clean(self):
        data = super().clean()
        if data.get("kind") == SymptomKind.OTHER and not data.get("custom_name", "").strip():
            self.add_error("custom_name", "Please give this symptom a name.")
        data["cause_objects"] = [self.cause_rows[u] for u in data.get("causes", [])]
        return data


class SymptomEditForm(forms.Form):
    kind = forms.ChoiceField(label="Symptom", choices=SymptomKind.choices)
    custom_name = forms.CharField(label="In your words (optional)", required=False, max_length=120)
    shared_with_client = forms.BooleanField(label="Show this symptom to the client", required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == SymptomKind.OTHER and not data.get("custom_name", "").strip():
            self.add_error("custom_name", "Please give this symptom a name.")
        return data


class SymptomRecordForm(forms.Form):
    status = forms.ChoiceField(label="Where it is now", choices=SymptomState.choices)
    severity = forms.IntegerField(label="Severity (0 to 10)", min_value=0, max_value=10)
    on = forms.DateField(label="On", widget=DateInput, initial=timezone.localdate)

    def clean_on(self):
        return _not_in_future(self.cleaned_data["on"])


class CauseForm(forms.Form):
    hypothesis = forms.CharField(
        label="Underlying cause (your working hypothesis)",
        max_length=300,
        help_text="For example: a harsh inner critic, an unprocessed loss, early shame, a need to please.",
    )
    client_wording = forms.CharField(
        label="How the client might see it (optional)",
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Compassionate words, shown only if you choose to share this cause.",
    )
    shared_with_client = forms.BooleanField(label="Show this cause to the client", required=False)
    symptoms = forms.MultipleChoiceField(
        label="Symptoms it may lie beneath", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, symptoms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.symptom_rows = {str(s.uuid): s for s in symptoms}
        self.fields["symptoms"].choices = [(str(s.uuid), s.name) for s in symptoms]
        if not symptoms:
            del self.fields["symptoms"]

    def clean(self):
        data = super().clean()
        if data.get("shared_with_client") and not data.get("client_wording", "").strip():
            self.add_error("client_wording", "Please add the words the client will see before sharing this cause.")
        data["symptom_objects"] = [self.symptom_rows[u] for u in data.get("symptoms", [])]
        return data


class CauseNewForm(CauseForm):
    status = forms.ChoiceField(label="Where it is now", choices=CauseState.choices, initial=CauseState.OPEN)
    on = forms.DateField(label="Since", widget=DateInput, initial=timezone.localdate)

    field_order = ["hypothesis", "status", "on", "symptoms", "client_wording", "shared_with_client"]

    def clean_on(self):
        return _not_in_future(self.cleaned_data["on"])


class CauseRecordForm(forms.Form):
    status = forms.ChoiceField(label="Where it is now", choices=CauseState.choices)
    on = forms.DateField(label="On", widget=DateInput, initial=timezone.localdate)

    def clean_on(self):
        return _not_in_future(self.cleaned_data["on"])


class DismissForm(forms.Form):
    note = forms.CharField(
        label="A note for yourself (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this is not a shift, or what you will explore. Only you see it.",
    )

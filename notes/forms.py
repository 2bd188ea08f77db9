from django import forms

from notes.models import SECTIONS, NoteTemplate

TEXT_LIMIT = 20_000


class NoteForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, heading, prompt in SECTIONS:
            self.fields[name] = forms.CharField(
                label=heading,
                required=False,
                max_length=TEXT_LIMIT,
                help_text=prompt,
                widget=forms.Textarea(attrs={"rows": 4}),
                strip=False,
            )

    def texts(self) -> dict:
        return {name: self.cleaned_data[name] for name, _h, _p in SECTIONS}


class StartForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Start from",
        queryset=NoteTemplate.objects.none(),
        required=False,
        empty_label="A blank note",
        to_field_name="uuid",
    )

    def __init__(self, *args, therapist, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        field.queryset = NoteTemplate.objects.for_therapist(therapist)
        default = field.queryset.filter(is_default=True).first()
        if default is not None:
            self.initial.setdefault("template", default.uuid)


class AmendmentForm(forms.Form):
    section = forms.ChoiceField(label="Which part", choices=[(n, h) for n, h, _p in SECTIONS])
    text = forms.CharField(
        label="What to add or correct", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 5})
    )
    reason = forms.CharField(
        label="Why (optional)", required=False, max_length=500, help_text="For example: a detail remembered later."
    )


class TemplateForm(forms.ModelForm):
    class Meta:
        model = NoteTemplate
        fields = [
            "name",
            "is_default",
            "mind",
            "body",
            "soul",
            "themes",
            "causes_work",
            "practices",
            "risk",
            "free_text",
        ]
        labels = {
            "name": "Template name",
            "is_default": "Use this template for new notes",
            **{name: heading for name, heading, _p in SECTIONS},
        }
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name, _h, _p in SECTIONS}

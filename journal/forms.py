from django import forms

from journal.models import Prompt

MAX_ENTRY = 20_000


class EntryForm(forms.Form):
    prompt = forms.ChoiceField(choices=Prompt.choices, initial=Prompt.FREE, widget=forms.HiddenInput)
    # Filled in by the first autosave, so saving updates that draft instead of making a second entry.
    entry = forms.UUIDField(required=False, widget=forms.HiddenInput(attrs={"id": "journal-entry-uuid"}))
    body = forms.CharField(
        label="Your entry",
        strip=False,
        max_length=MAX_ENTRY,
        widget=forms.Textarea(attrs={"rows": 12, "id": "journal-body"}),
        error_messages={
            "required": "There is nothing here yet. Even a word is enough, whenever you are ready.",
            "max_length": "This entry is longer than we can keep in one piece (20,000 characters). You could split it into two.",
        },
    )


class AutosaveForm(forms.Form):
    prompt = forms.ChoiceField(choices=Prompt.choices, required=False)
    entry = forms.UUIDField(required=False)
    body = forms.CharField(strip=False, required=False, max_length=MAX_ENTRY)

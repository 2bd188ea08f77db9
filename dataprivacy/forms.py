from django import forms

from dataprivacy.models import PrivacySettings


class ErasureRequestForm(forms.Form):
    understood = forms.BooleanField(
        label="I understand that my account, journal, check-ins, safety plan and everything I wrote here will be deleted, "
        "and that my practice keeps its session records, restricted, as the law requires.",
        error_messages={"required": "Please tick the box if you would like to go ahead. There is no rush."},
    )


class ErasureCompleteForm(forms.Form):
    confirm = forms.CharField(
        label="Type ERASE to confirm",
        max_length=10,
        error_messages={"required": "Please type ERASE to confirm."},
    )

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.upper() != "ERASE":
            raise forms.ValidationError("Please type ERASE, in capitals, to confirm. Nothing has been deleted.")
        return value


class RetentionForm(forms.ModelForm):
    class Meta:
        model = PrivacySettings
        fields = ["retention_years"]
        labels = {"retention_years": "Keep restricted records for this many years after care ends"}
        help_texts = {"retention_years": "20 years is the usual period for mental-health records in England."}

    def clean_retention_years(self):
        years = self.cleaned_data["retention_years"]
        if not 1 <= years <= 100:
            raise forms.ValidationError("Please choose between 1 and 100 years.")
        return years


class HoldBackForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=120)
    reason = forms.CharField(
        label="Why hold this back?",
        help_text="Only where showing it would be likely to cause serious harm to the client or someone else. "
        "Your reason is kept, sealed, with your name; the client does not see it.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Please write a short reason. It is kept with your name, and the client does not see it."
        },
    )

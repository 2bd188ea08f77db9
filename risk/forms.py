from django import forms

from risk.models import RiskAlert


class AcknowledgeForm(forms.Form):
    action_taken = forms.ChoiceField(
        label="What did you do?",
        choices=RiskAlert.Action.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose what you did."},
    )
    note = forms.CharField(
        label="A short note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept encrypted, for the clinical record. Needed when you choose “Something else”.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action_taken") == RiskAlert.Action.OTHER and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Please say briefly what you did.")
        return cleaned

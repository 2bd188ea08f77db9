from datetime import date

from django import forms

from onboarding.services import WORDING


class AcceptForm(forms.Form):
    agree = forms.BooleanField(
        label="I've read the therapy agreement and the privacy notice, and I agree to them",
        error_messages={"required": "When you're ready, please tick the box to say you agree."},
    )


class IntakeForm(forms.Form):
    preferred_name = forms.CharField(label="What would you like to be called?", max_length=80, required=False)
    pronouns = forms.CharField(label="Your pronouns (optional)", max_length=40, required=False)
    date_of_birth = forms.DateField(
        label="Date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gp_details = forms.CharField(
        label="Your GP (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The surgery's name and town is enough.",
    )
    emergency_contact = forms.CharField(
        label="Someone we could contact in an emergency (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Their name, how they know you and a phone number.",
    )
    hopes = forms.CharField(
        label="What are you hoping for from therapy? (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="As much or as little as you like.",
    )
    previous_support = forms.CharField(
        label="Any support you've had before (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        if value and not (date(1900, 1, 1) <= value <= date.today()):
            raise forms.ValidationError("Please check the date of birth; it looks like it might be mistyped.")
        return value


class ChoicesForm(forms.Form):
    email_reminders = forms.BooleanField(label=WORDING["email_reminders"], required=False)
    journal_risk_alerts = forms.BooleanField(label=WORDING["journal_risk_alerts"], required=False)
    booking_nudge = forms.BooleanField(label=WORDING["booking_nudge"], required=False)
    gap_days = forms.TypedChoiceField(
        label="After how long without a session?",
        coerce=int,
        choices=[(14, "Two weeks"), (28, "Four weeks"), (42, "Six weeks"), (56, "Eight weeks"), (84, "Twelve weeks")],
        initial=28,
    )


class DocumentForm(forms.Form):
    body = forms.CharField(label="Text", max_length=20000, widget=forms.Textarea(attrs={"rows": 16}))

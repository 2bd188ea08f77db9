from datetime import date

from django import forms

from onboarding.services import WORDING


class AcceptForm(forms.Form):
    agree = forms.BooleanField(
        label="I've read the therapy agreement and the privacy notice, and I agree to them",
        error_messages={"required": "When you're ready, please tick the box to say you agree."},
    )


PHONE_ALLOWED = frozenset("0123456789 +()-")
PHONE_DIGITS = (6, 20)


def clean_phone_number(value: str) -> str:
    """A phone number as the client typed it (spaces tidied), or a kind ``ValidationError``.

    Digits, spaces, brackets, dashes and one leading +; 6 to 20 digits, which covers short
    local numbers and the longest international ones (E.164 allows 15, plus extensions).
    """
    number = " ".join((value or "").split())
    if not number:
        return ""
    if not set(number) <= PHONE_ALLOWED or "+" in number[1:]:
        raise forms.ValidationError(
            "Please use only digits, spaces and brackets, with a + at the start if you like, for example 07700 900123."
        )
    digits = sum(ch.isdigit() for ch in number)
    if not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise forms.ValidationError(
            f"That number has {digits} digits; phone numbers have between {PHONE_DIGITS[0]} and {PHONE_DIGITS[1]}. "
            "Could you check it?"
        )
    return number


def phone_field() -> forms.CharField:
    return forms.CharField(
        label="Your phone number (optional)",
        required=False,
        max_length=40,
        help_text="So your therapist can reach you quickly if they are worried about you.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


class IntakeForm(forms.Form):
    preferred_name = forms.CharField(label="What would you like to be called?", max_length=80, required=False)
    pronouns = forms.CharField(label="Your pronouns (optional)", max_length=40, required=False)
    date_of_birth = forms.DateField(
        label="Date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = phone_field()
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

    def clean_phone(self):
        return clean_phone_number(self.cleaned_data.get("phone"))


class ChoicesForm(forms.Form):
    email_reminders = forms.BooleanField(label=WORDING["email_reminders"], required=False)
    journal_risk_alerts = forms.BooleanField(label=WORDING["journal_risk_alerts"], required=False)
    checkin_risk_alerts = forms.BooleanField(label=WORDING["checkin_risk_alerts"], required=False)
    message_risk_alerts = forms.BooleanField(label=WORDING["message_risk_alerts"], required=False)
    booking_nudge = forms.BooleanField(label=WORDING["booking_nudge"], required=False)
    gap_days = forms.TypedChoiceField(
        label="After how long without a session?",
        coerce=int,
        choices=[(14, "Two weeks"), (28, "Four weeks"), (42, "Six weeks"), (56, "Eight weeks"), (84, "Twelve weeks")],
        initial=28,
    )


class DocumentForm(forms.Form):
    body = forms.CharField(label="Text", max_length=20000, widget=forms.Textarea(attrs={"rows": 16}))


class PhoneForm(forms.Form):
    """The client's phone number, on its own under "My choices" (saved apart from the consent choices)."""

    phone = phone_field()

    def clean_phone(self):
        return clean_phone_number(self.cleaned_data.get("phone"))

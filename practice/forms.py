import zoneinfo

from django import forms

from practice.models import Practice, default_risk_procedure


def _time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class PracticeSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label="Time zone", choices=_time_zone_choices)

    class Meta:
        model = Practice
        fields = [
            "name",
            "description",
            "contact_email",
            "time_zone",
            "country",
            "extra_crisis_line",
            "extra_crisis_number",
            "risk_procedure",
            "record_openings_show_therapist",
        ]
        labels = {
            "record_openings_show_therapist": "Show clients the days their therapist read their record",
            "name": "Practice name",
            "description": "About your practice",
            "country": "Country (for crisis contacts)",
            "extra_crisis_line": "An extra helpline's name",
            "extra_crisis_number": "Its phone number",
            "risk_procedure": "Your risk procedure",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "risk_procedure": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Say what alerts show while this is empty, with this practice's emergency number.
        default = default_risk_procedure(self.instance.country)
        self.fields["risk_procedure"].help_text = (
            "Shown on every risk alert: what whoever picks one up should do, in your own words. "
            f"While it is empty, alerts say: “{default}”"
        )
        self.fields["record_openings_show_therapist"].help_text = (
            "On their “Who has opened my record” page, each client sees one line a day when their therapist "
            "read their record (never their messages). Untick to leave these everyday lines out; exports and "
            "emergency access are always listed."
        )

    def clean_extra_crisis_number(self):
        number = self.cleaned_data["extra_crisis_number"].strip()
        if number and not all(ch.isdigit() or ch in " +-()" for ch in number):
            raise forms.ValidationError("Please use only digits, spaces and + - ( ) in the number.")
        return number


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see this client's record?",
        help_text=(
            "Kept sealed, with your name and the time. The client's therapist is told at once and sees your reason; "
            "the client sees it on their “Who has opened my record” page once the access has ended."
        ),
        max_length=1000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"min_length": "Please say a little more about why (at least 10 characters)."},
    )


class ProfileForm(forms.Form):
    name = forms.CharField(label="Your name, as clients and visitors see it", max_length=150)
    bio = forms.CharField(
        label="A short bio for the practice's public page",
        help_text="A few sentences on how you work. Visitors read this before booking a free consultation.",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ClientNameSearchForm(forms.Form):
    q = forms.CharField(label="Find a client by name or email", required=False, max_length=100)

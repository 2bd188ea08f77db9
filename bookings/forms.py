import zoneinfo
from functools import cache

from django import forms

from bookings.models import Availability, BookingSettings, Mode


@cache
def zone_choices() -> list[tuple[str, str]]:
    names = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return [(name, name.replace("_", " ")) for name in names]


def valid_zone(name: str | None) -> str | None:
    return name if name and name in _zone_names() else None


@cache
def _zone_names() -> frozenset:
    return frozenset(value for value, _label in zone_choices())


class ConsultationForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=120, help_text="Whatever you would like us to call you.")
    email = forms.EmailField(label="Email address", help_text="We send the confirmation and calendar file here.")
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
    mode = forms.ChoiceField(label="How would you like to meet?", choices=Mode.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="What brings you (optional)",
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence or two is plenty. Please don't share anything you'd rather say in person.",
    )
    # A field people never see; bots fill it in.
    website = forms.CharField(required=False, label="Leave this empty", max_length=200)
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    tz = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, modes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if modes:
            self.fields["mode"].choices = [(m, label) for m, label in Mode.choices if m in modes]
            self.fields["mode"].initial = modes[0]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"


class ConsultationAskForm(forms.Form):
    """Asking for a free consultation without a time: when one is usually free and how to reach them."""

    name = forms.CharField(label="Your name", max_length=120, help_text="Whatever you would like us to call you.")
    email = forms.EmailField(label="Email address", help_text="We send the time we offer here, with a link to book it.")
    usually_free = forms.CharField(
        label="When are you usually free?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: weekday evenings after 6, or Saturday mornings.",
    )
    reach_by = forms.ChoiceField(
        label="How would you like us to reach you?",
        choices=[("email", "By email"), ("phone", "By phone")],
        widget=forms.RadioSelect,
        initial="email",
    )
    phone = forms.CharField(
        label="Phone (optional)", max_length=40, required=False, help_text="Needed if you'd like a call."
    )
    # A field people never see; bots fill it in.
    website = forms.CharField(required=False, label="Leave this empty", max_length=200)
    tz = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"

    def clean(self):
        data = super().clean()
        if data.get("reach_by") == "phone" and not data.get("phone", "").strip():
            self.add_error("phone", "Please give a number we can call, or choose email.")
        return data


class ConsultationOfferForm(forms.Form):
    """The practice offering a waiting request a time (in the practice's time zone)."""

    therapist = forms.ModelChoiceField(label="With", queryset=None, empty_label=None, to_field_name="uuid")
    start = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="In the practice's time zone.",
    )
    mode = forms.ChoiceField(label="How", choices=Mode.choices, widget=forms.RadioSelect, initial=Mode.ONLINE)

    def __init__(self, *args, therapists=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists
        self.fields["therapist"].label_from_instance = lambda staff: staff.display_name


class SessionForm(forms.Form):
    mode = forms.ChoiceField(label="How would you like to meet?", choices=Mode.choices, widget=forms.RadioSelect)
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, modes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if modes:
            self.fields["mode"].choices = [(m, label) for m, label in Mode.choices if m in modes]
            self.fields["mode"].initial = modes[0]


class TherapistBookForm(forms.Form):
    start = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="In the practice's time zone.",
    )
    mode = forms.ChoiceField(label="Where", choices=Mode.choices, widget=forms.RadioSelect, initial=Mode.IN_PERSON)


class AvailabilityForm(forms.ModelForm):
    class Meta:
        model = Availability
        fields = [
            "accepts_bookings",
            "offers_consultation",
            "consultation_minutes",
            "offers_session",
            "session_minutes",
            "offers_in_person",
            "offers_online",
            "buffer_minutes",
            "minimum_notice_hours",
            "horizon_days",
        ]
        labels = {
            "accepts_bookings": "Take new bookings",
            "offers_consultation": "Offer free consultations",
            "consultation_minutes": "Consultation length (minutes)",
            "offers_session": "Let clients book sessions",
            "session_minutes": "Session length (minutes)",
            "offers_in_person": "In person",
            "offers_online": "Online",
            "buffer_minutes": "Break between appointments (minutes)",
            "minimum_notice_hours": "Minimum notice (hours)",
            "horizon_days": "How far ahead people may book (days)",
        }

    def clean(self):
        data = super().clean()
        for name, low, high in (
            ("consultation_minutes", 10, 120),
            ("session_minutes", 20, 180),
            ("buffer_minutes", 0, 120),
            ("minimum_notice_hours", 0, 24 * 14),
            ("horizon_days", 1, 365),
        ):
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, f"Please choose between {low} and {high}.")
        if data.get("offers_in_person") is False and data.get("offers_online") is False:
            self.add_error("offers_online", "Please keep at least one way of meeting.")
        return data


class HoursRangeForm(forms.Form):
    """One range of working hours on one day of the weekly grid (``bookings/views_availability.py``)."""

    start_time = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label="Until", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args, weekday: int | None = None, **kwargs):
        if weekday is not None:
            # Each day's form has its own ids, so seven "From" fields on one page stay distinct. The day
            # itself is in the form's URL.
            kwargs.setdefault("prefix", f"day{weekday}")
        super().__init__(*args, **kwargs)
        self.fields["start_time"].error_messages["required"] = "Please choose when these hours start."
        self.fields["end_time"].error_messages["required"] = "Please choose when these hours end."
        for name in ("start_time", "end_time"):
            self.fields[name].error_messages["invalid"] = "Please enter a time such as 09:30."

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", "Please choose an end time after the start time.")
        return data


class DayOffForm(forms.Form):
    """A day off, or several in a row (a holiday)."""

    date = forms.DateField(label="First day", widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(
        label="Last day (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for a single day.",
    )
    note = forms.CharField(label="Note (optional)", max_length=120, required=False, help_text="Only you see this.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = "Please choose the day you are off."
        for name in ("date", "last"):
            self.fields[name].error_messages["invalid"] = "Please enter a date such as 2 March 2027."


class BookingSettingsForm(forms.ModelForm):
    class Meta:
        model = BookingSettings
        fields = [
            "approach",
            "require_confirmation",
            "consultations_per_email",
            "notice_hours",
            "reminder_hours",
            "video_url_template",
            "other_help",
        ]
        labels = {
            "approach": "About compassion-led therapy",
            "require_confirmation": "Confirm each consultation before it is final",
            "consultations_per_email": "Free consultations per person",
            "notice_hours": "Notice for moving or cancelling (hours)",
            "reminder_hours": "Send reminders this many hours before",
            "video_url_template": "Online session link",
            "other_help": "Other sources of help",
        }
        widgets = {"approach": forms.Textarea(attrs={"rows": 6}), "other_help": forms.Textarea(attrs={"rows": 4})}

    def clean_video_url_template(self):
        value = self.cleaned_data["video_url_template"].strip()
        if not value.startswith("https://") or "{token}" not in value:
            raise forms.ValidationError(
                "Please give an https:// link containing {token}, for example https://meet.jit.si/{token}."
            )
        return value

    def clean(self):
        data = super().clean()
        for name, low, high in (
            ("consultations_per_email", 1, 10),
            ("notice_hours", 0, 24 * 14),
            ("reminder_hours", 1, 24 * 7),
        ):
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, f"Please choose between {low} and {high}.")
        return data


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did it go?",
        widget=forms.RadioSelect,
        choices=[("good_fit", "Good fit — invite them as a client"), ("not_now", "Not now — send a kind email")],
    )
    include_other_help = forms.BooleanField(
        label="Include the practice's list of other sources of help", required=False, initial=True
    )


class FeedForm(forms.Form):
    feed_shows_names = forms.BooleanField(label="Show clients' names in my calendar feed", required=False)


class CareForm(forms.Form):
    status = forms.ChoiceField(
        label="Care",
        choices=[("active", "Active"), ("paused", "Paused — nothing is sent to them"), ("ended", "Ended")],
    )
    since = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))

import datetime

from django import forms
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from core.forms import LongSelect


class AuditFilterForm(forms.Form):
    """Filters for the owner's audit page. People and clients are offered by name, sent as UUIDs."""

    action = forms.ChoiceField(required=False, label="Kind of entry")
    # Everyone in the practice: thousands of options, written in one pass.
    person = forms.ChoiceField(required=False, label="Person", widget=LongSelect)
    client = forms.ChoiceField(required=False, label="Client", widget=LongSelect)
    since = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Please give a date like 2026-11-01."},
    )
    until = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Please give a date like 2026-11-30."},
    )

    def __init__(self, *args, people: list[tuple[str, str]], clients: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Everything"), *AuditEvent.Action.choices]
        self.fields["person"].choices = [("", "Anyone"), *people]
        self.fields["client"].choices = [("", "Any client"), *clients]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "Please choose from the list."

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise ValidationError("The 'From' date comes after the 'To' date: please swap them.")
        return cleaned

    def date_range(self, zone) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """The chosen days as aware datetimes in the practice's zone: [start of From, start of the day after To)."""
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        start = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone) if since else None
        end = (
            datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
            if until
            else None
        )
        return start, end

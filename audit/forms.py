import datetime

from django import forms
from django.core.exceptions import ValidationError

from audit.models import AuditEvent

# How many clients a name search narrows the log to; when more match, the page asks for more of the name.
NAME_MATCHES = 20


class AuditFilterForm(forms.Form):
    """Filters for the owner's audit page.

    The practice's staff are offered by name (a few dozen at most). Clients are found by typing part of a
    name: a practice of two thousand clients is not a list to scroll, and writing one out made this the
    slowest page of the practice (docs/benchmarks.md). A link may also name one client by UUID (``client``).
    """

    action = forms.ChoiceField(required=False, label="Kind of entry")
    person = forms.ChoiceField(required=False, label="Member of staff")
    name = forms.CharField(
        required=False,
        max_length=100,
        label="Client’s name",
        help_text="Part of a name or email address is enough.",
    )
    client = forms.UUIDField(required=False, widget=forms.HiddenInput)
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

    def __init__(self, *args, people: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Everything"), *AuditEvent.Action.choices]
        self.fields["person"].choices = [("", "Anyone"), *people]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "Please choose from the list."
        self.fields["client"].error_messages["invalid"] = "That link names no client: please search by name."

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

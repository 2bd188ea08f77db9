"""The client's request for a superbill (a month, or dates of their choosing) and the therapist's preparation."""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError

from money.models import Superbill
from money.services import month_bounds
from money.superbills import LONGEST_PERIOD, is_us, parse_diagnosis_codes

DATES = "dates"
# How many past months the client can pick from the list (earlier ones by dates).
MONTHS_OFFERED = 12


def _months(today: date) -> list[tuple[str, str]]:
    """This month and the twelve before it, newest first: ("2026-11", "November 2026")."""
    choices, day = [], today.replace(day=1)
    for _ in range(MONTHS_OFFERED + 1):
        choices.append((f"{day:%Y-%m}", f"{day:%B %Y}"))
        day = (day - timedelta(days=1)).replace(day=1)
    return choices


class SuperbillRequestForm(forms.Form):
    """A period: one month from the list (last month by default), or from one day to another."""

    period = forms.ChoiceField(label="Which sessions", help_text="A month, or choose the dates yourself.")
    first_day = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Please give a date, for example 1 October."},
    )
    last_day = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Please give a date, for example 31 October."},
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        months = _months(today)
        self.fields["period"].choices = [*months, (DATES, "Dates of my choosing")]
        self.fields["period"].initial = months[1][0]  # last month
        self.fields["first_day"].help_text = "Only if you chose dates of your choosing."
        self.fields["period"].error_messages["invalid_choice"] = (
            "Please choose a month from the list, or your own dates."
        )

    def clean(self):
        data = super().clean()
        period = data.get("period")
        if not period:
            return data
        if period == DATES:
            first, last = data.get("first_day"), data.get("last_day")
            if first is None and "first_day" not in self.errors:
                self.add_error("first_day", "Please give the first day.")
            if last is None and "last_day" not in self.errors:
                self.add_error("last_day", "Please give the last day.")
            if first is None or last is None:
                return data
        else:
            year, month = (int(part) for part in period.split("-"))
            first, last = month_bounds(date(year, month, 1))
            last = min(last, self.today)  # this month so far
        if last < first:
            self.add_error("last_day", "The last day comes before the first day. Please swap them round.")
        elif first > self.today:
            self.add_error(
                "first_day" if period == DATES else "period",
                "A superbill covers sessions that have already taken place: please choose a period up to today.",
            )
        elif last > self.today:
            self.add_error(
                "last_day",
                "A superbill covers sessions that have already taken place: please end the period today or earlier.",
            )
        elif last - first > LONGEST_PERIOD:
            self.add_error("last_day", "One superbill covers up to a year. Please ask for a shorter period.")
        data["first"], data["last"] = first, last
        return data


class SuperbillPrepareForm(forms.Form):
    diagnosis_codes = forms.CharField(
        label="ICD-10 diagnosis codes (optional)",
        required=False,
        max_length=200,
        help_text="For example F41.1. Separate several with commas. Leave empty if you give none: "
        "the client's insurer may ask for one.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": "That is longer than a superbill holds: please give the main codes only."},
    )

    def clean_diagnosis_codes(self):
        try:
            return parse_diagnosis_codes(self.cleaned_data["diagnosis_codes"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


def mine_superbills(client, *, today: date, form: SuperbillRequestForm | None = None) -> dict | None:
    """The "Superbills" section of a US client's "My invoices": their superbills and the form to ask; None elsewhere."""
    if not is_us(client.practice):
        return None
    return {
        "form": form or SuperbillRequestForm(today=today),
        "list": list(Superbill.objects.for_client(client).order_by("-requested_at")),
    }

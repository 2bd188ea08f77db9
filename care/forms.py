from django import forms
from django.utils.html import escape

from care.models import Handover
from practice.models import StaffMember


class _TherapistChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _colleagues(staff_or_practice, *, besides):
    practice = getattr(staff_or_practice, "practice", staff_or_practice)
    return StaffMember.objects.therapists().in_practice(practice).exclude(pk=besides.pk).select_related("user")


class AwayForm(forms.Form):
    starts_on = forms.DateField(label="First day away", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label="Last day away",
        help_text="Clients see that you are back the day after.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    cover = _TherapistChoice(
        queryset=StaffMember.objects.none(),
        required=False,
        label="A colleague who covers (optional)",
        empty_label="Nobody: alerts go to the practice's owners",
        help_text="Risk alerts for your clients go to them at once while you are away. They see the alerts only.",
    )
    message = forms.CharField(
        label="A message for your clients (optional)",
        help_text="Shown in their space while you are away. For example: I'm on leave and back on the 6th.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, staff: StaffMember, by: StaffMember | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cover"].queryset = _colleagues(staff, besides=staff).order_by("user__name")
        if by is not None and by != staff:  # an owner recording someone else's time away
            fields, name = self.fields, staff.display_name
            # Django renders help text as it is (labels it escapes): the name goes in escaped.
            fields["ends_on"].help_text = f"Clients see that {escape(name)} is back the day after."
            fields["cover"].help_text = f"Risk alerts for {escape(name)}'s clients go to them at once then."
            fields["message"].label = f"A message for {name}'s clients (optional)"
            fields["message"].help_text = "Shown in their space during this time."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", "The last day away can't be before the first.")
        return cleaned


class HandoverForm(forms.Form):
    to_therapist = _TherapistChoice(queryset=StaffMember.objects.none(), label="Their new therapist", empty_label=None)
    notes = forms.ChoiceField(
        label="Earlier session notes",
        choices=[
            ("go", "Go with the client: the new therapist can read them (not change them)"),
            ("stay", "Stay with their author: only the former therapist can read them"),
        ],
        widget=forms.RadioSelect,
        help_text="The safety plan, alerts, formulation, questionnaires and shared journal entries always go.",
    )
    messages = forms.ChoiceField(
        label="Earlier messages",
        choices=[
            ("go", "Earlier messages go to the new therapist: they can read the whole conversation"),
            ("stay", "Only new messages: the new therapist reads messages sent from now on"),
        ],
        initial="stay",
        widget=forms.RadioSelect,
        help_text="The client always keeps their whole conversation.",
    )
    future = forms.ChoiceField(
        label="Sessions already booked", choices=Handover.Future.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Why the care is moving",
        help_text="Kept with the handover record. The client is not shown it.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_therapist"].queryset = _colleagues(client.practice, besides=client.therapist).order_by(
            "user__name"
        )

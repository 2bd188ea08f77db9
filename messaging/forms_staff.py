"""The practice's forms for messages: writing, who may start, sharing a practice, the promise, notices."""

import uuid

from django import forms

from messaging.models import MAX_MESSAGE_LENGTH, Conversation, MessagingSettings, Notice
from mindfulness.content import EXERCISES


class StaffMessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        required=False,
        # Longer text is kept and answered kindly by the service rather than cut off by the browser.
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())


class WhoStartsForm(forms.Form):
    who_starts = forms.ChoiceField(
        label="Who may start a conversation",
        choices=[
            (Conversation.WhoStarts.ANYONE, "They may write any time"),
            (Conversation.WhoStarts.REPLIES, "They reply to my messages only"),
        ],
        widget=forms.RadioSelect,
    )


SELFCARE_PREFIX = "activity:"


class ShareForm(forms.Form):
    """A practice (a built-in mindfulness exercise, by its slug) or a self-care activity of the client's own
    plan (``activity:<uuid>``), with an optional line of the therapist's."""

    item = forms.ChoiceField(label="What to send", widget=forms.Select)
    note = forms.CharField(
        label="A few words with it (optional)", required=False, max_length=500, widget=forms.TextInput
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        practices = [(f"practice:{e.slug}", e.title) for e in EXERCISES]
        choices = [("Practices", practices)]
        if activities:
            choices.append(("From their self-care plan", [(f"selfcare:{a.uuid}", a.text) for a in activities]))
        self.fields["item"].choices = choices
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def shared(self) -> tuple[str, str]:
        """(shared_kind, shared_ref) of the chosen item."""
        kind, _, ref = self.cleaned_data["item"].partition(":")
        return kind, ref


class SettingsForm(forms.ModelForm):
    reply_within_days = forms.IntegerField(label="I reply within this many working days", min_value=1, max_value=10)
    long_message_after = forms.IntegerField(
        label="Suggest keeping it for a session past this many characters",
        min_value=200,
        max_value=MAX_MESSAGE_LENGTH,
    )

    class Meta:
        model = MessagingSettings
        fields = ["promise", "reply_within_days", "long_message_after", "emails"]
        labels = {
            "promise": "When you read messages and how soon you reply, in your own words",
            "emails": "Email me (without the words) when a client writes, in my working hours",
        }
        widgets = {"promise": forms.Textarea(attrs={"rows": 3})}


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["title", "body", "shown_until"]
        labels = {"shown_until": "Show until (optional)"}
        help_texts = {
            "body": "Every client of the practice sees this. Practical news only: nothing clinical, "
            "nothing about any one person.",
            "shown_until": "After this day it leaves clients' home pages. Leave empty to show it until read.",
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
            "shown_until": forms.DateInput(attrs={"type": "date"}),
        }

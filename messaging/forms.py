"""The client's forms: writing a message, the autosaved draft, and their choices about the conversation.

The body has no ``max_length`` here on purpose: the service refuses a too-long message in kind words and
the page shows the text again, so nothing typed is lost (the textarea's own maxlength is only a guide).
"""

import uuid

from django import forms

from messaging.models import MAX_MESSAGE_LENGTH, Conversation


class SendForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_MESSAGE_LENGTH, "id": "message-body"}),
    )
    # Made when the form is shown: a second press of Send (or a resent form) is stored once.
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class DraftForm(forms.Form):
    body = forms.CharField(required=False, strip=False)


class ChoicesForm(forms.ModelForm):
    class Meta:
        model = Conversation
        fields = ["client_shows_read", "client_emails"]
        labels = {
            "client_shows_read": "Let {who} see when I have read their messages",
            "client_emails": "Email me when a message arrives (the email never includes the message)",
        }

    def __init__(self, *args, who: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        label = self.fields["client_shows_read"].label
        self.fields["client_shows_read"].label = label.format(who=who)

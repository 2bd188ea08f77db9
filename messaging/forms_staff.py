"""The practice's forms for messages: writing, who may start, sharing a practice, the promise, notices."""

import uuid
from functools import cache
from typing import NamedTuple

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from core.html import format_many, format_rows
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
_PRACTICES = ("Practices", [(f"practice:{e.slug}", e.title) for e in EXERCISES])


def _ideas(activities) -> list:
    """The client's own self-care ideas as the share form's second group of choices (none without any)."""
    return [("From their self-care plan", [(f"selfcare:{a.uuid}", a.text) for a in activities])] if activities else []


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
        self.fields["item"].choices = [_PRACTICES, *_ideas(activities)]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def shared(self) -> tuple[str, str]:
        """(shared_kind, shared_ref) of the chosen item."""
        kind, _, ref = self.cleaned_data["item"].partition(":")
        return kind, ref


class Shown(NamedTuple):
    """A field of a fresh form as a template uses it (``{{ form.body }}``, its ``id_for_label`` and ``label``)."""

    html: SafeString
    id_for_label: str
    label: str

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@cache
def _written_once(form_class, name: str, value=None) -> Shown:
    """A field of a fresh ``form_class`` (its initial value ``value``) as Django writes it, once per process."""
    field = (form_class(initial={name: value}) if value is not None else form_class())[name]
    return Shown(conditional_escape(field), field.id_for_label, field.label)


# ShareForm's key and list of things to send, written as Django's widgets write them.
_KEY = '<input type="hidden" name="idempotency_key" value="{}" id="id_idempotency_key">'
_SELECT = '<select name="item" id="id_item">\n{}</select>'
_GROUP = '  <optgroup label="{}">\n{}  </optgroup>\n'
_OPTION = '  <option value="{}">{}</option>\n\n'


def _group(label: str, options) -> SafeString:
    return format_many(_GROUP, label, format_rows("", _OPTION, options))


@cache
def _practices_group() -> SafeString:
    return _group(*_PRACTICES)


def _key() -> Shown:
    return Shown(format_many(_KEY, uuid.uuid4()), "id_idempotency_key", "Idempotency key")


# The conversation's three forms when nothing was sent, as the page shows them on every view (messaging/views_staff.py).
# Their fields are the same on every view but the forms' keys and the client's own self-care ideas: each is written by
# Django once per process, and these add only the keys and the ideas. Made by the forms on every view, the fields were
# about a tenth of the page's work (docs/benchmarks.md, twenty-seventh pass). The tests compare them with the forms'.
def fresh_message_form() -> dict[str, Shown]:
    """``StaffMessageForm()``'s fields."""
    return {"body": _written_once(StaffMessageForm, "body"), "idempotency_key": _key()}


def fresh_share_form(activities) -> dict[str, Shown]:
    """``ShareForm(activities=activities)``'s fields."""
    groups = format_many("{}{}", _practices_group(), format_rows("", "{}", ((_group(*g),) for g in _ideas(activities))))
    item = _written_once(ShareForm, "item")._replace(html=format_many(_SELECT, groups))
    return {"item": item, "note": _written_once(ShareForm, "note"), "idempotency_key": _key()}


def fresh_who_starts_form(who_starts: str) -> dict[str, Shown]:
    """``WhoStartsForm(initial={"who_starts": who_starts})``'s field."""
    return {"who_starts": _written_once(WhoStartsForm, "who_starts", who_starts)}


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

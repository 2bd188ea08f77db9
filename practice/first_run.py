"""The first-run page's set-up code and the form that starts a practice (also used by the command).

The code is an HMAC of a fixed purpose under ``SECRET_KEY``: every worker derives the same one with
nothing stored, and it opens nothing once a practice exists (the page is then a 404), which is what
makes it one-time. Wrong codes are counted per address and in all, so it cannot be guessed.
"""

import base64
import hashlib
import hmac
import logging
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils.crypto import constant_time_compare

from audit.services import client_ip
from core.forms import ChoosePasswordForm
from crisis.contacts import COUNTRY_CHOICES
from practice.forms import _time_zone_choices
from practice.models import Practice

logger = logging.getLogger("practice.first_run")

PURPOSE = b"tending.practice.first-run-code"
# Wrong codes allowed in an hour: from one address, and from everyone together (many addresses).
WRONG_CODES_PER_ADDRESS = 5
WRONG_CODES_IN_ALL = 30
WINDOW = 60 * 60


def setup_code() -> str:
    """Ten letters and digits, as ``ABCDE-FGHJK``: 50 bits, with at most 30 guesses an hour."""
    digest = hmac.new(settings.SECRET_KEY.encode(), PURPOSE, hashlib.sha256).digest()
    letters = base64.b32encode(digest).decode()[:10]
    return f"{letters[:5]}-{letters[5:]}"


def code_matches(typed: str) -> bool:
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return constant_time_compare(cleaned, setup_code().replace("-", ""))


def log_setup_code() -> None:
    """Print the code where whoever runs the server can read it (and only while no practice exists)."""
    logger.warning("Tending set-up code: %s (type it on the first-run page to start your practice)", setup_code())


def _keys(request) -> list[str]:
    return [f"practice:first-run:wrong:{client_ip(request) or 'unknown'}", "practice:first-run:wrong:all"]


def too_many_wrong_codes(request) -> bool:
    address, everyone = (cache.get(key, 0) for key in _keys(request))
    return address >= WRONG_CODES_PER_ADDRESS or everyone >= WRONG_CODES_IN_ALL


def count_wrong_code(request) -> None:
    for key in _keys(request):
        cache.add(key, 0, timeout=WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW)


def no_practice_yet() -> bool:
    return not Practice.objects.exists()


class StartPracticeForm(forms.Form):
    """What a practice needs to begin. The command fills it from its options; the page adds the code."""

    name = forms.CharField(label="The practice's name", max_length=120)
    country = forms.ChoiceField(
        label="Country", choices=COUNTRY_CHOICES, help_text="Decides which crisis contacts your clients see."
    )
    time_zone = forms.ChoiceField(label="Time zone", choices=_time_zone_choices, initial="Europe/London")
    owner_name = forms.CharField(
        label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    owner_email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We email you a link to choose your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    owner_is_therapist = forms.BooleanField(
        label="I see clients here too",
        required=False,
        initial=True,
        help_text="Untick if you run the practice without seeing clients yourself.",
    )
    slug = forms.SlugField(
        label="Web address of the public page",
        max_length=60,
        required=False,
        help_text="Made from the name when left empty.",
    )

    def clean_time_zone(self):
        zone = self.cleaned_data["time_zone"]
        if zone not in zoneinfo.available_timezones():  # the command passes any text
            raise forms.ValidationError("Please choose a time zone from the list, for example Europe/London.")
        return zone

    def clean_owner_email(self):
        email = self.cleaned_data["owner_email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "There is already an account for this email address. Please use another, "
                "or ask for this person to be added to the practice by its owner."
            )
        return email

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug and Practice.objects.filter(slug=slug).exists():
            raise forms.ValidationError("Another practice on this server has this web address. Please choose another.")
        return slug


class FirstRunForm(StartPracticeForm):
    code = forms.CharField(
        label="Set-up code",
        max_length=20,
        help_text="Printed in the server's log when this page opened: look for “Tending set-up code”.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    field_order = ["code", "name", "country", "time_zone", "owner_name", "owner_email", "owner_is_therapist", "slug"]

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_code(self):
        if too_many_wrong_codes(self.request):
            raise forms.ValidationError(
                "That is a lot of tries in a short time, so this page is resting for an hour. "
                "The code is in the server's log, or you can use manage.py start_practice instead."
            )
        if not code_matches(self.cleaned_data["code"]):
            count_wrong_code(self.request)
            raise forms.ValidationError(
                "This is not the set-up code. Please copy it from the server's log, where it follows "
                "“Tending set-up code”."
            )
        return self.cleaned_data["code"]


class OwnerWelcomeForm(ChoosePasswordForm):
    name = forms.CharField(label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def password_user(self, cleaned):
        return self.user

from django import forms

from mindfulness.content import EXERCISES
from mindfulness.models import CustomExercise, ExerciseLog

RATING_CHOICES = [("", "Choose, if you like")] + [
    (str(n), f"{n}{' (not at all)' if n == 0 else ' (very)' if n == 10 else ''}") for n in range(11)
]

# Audio a browser can play, recognised by the file's first bytes rather than its name.
MAX_AUDIO_BYTES = 15 * 1024 * 1024
AUDIO_KINDS = {
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "webm": "audio/webm",
}


def sniff_audio(head: bytes) -> str | None:
    """The audio kind these bytes start with, or None."""
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


def _rating(label):
    return forms.TypedChoiceField(
        label=label,
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Please choose a number from 0 to 10, or leave it empty."},
    )


class ExerciseLogForm(forms.Form):
    """After an exercise: how it felt, entirely optional, in the client's own numbers."""

    length = forms.ChoiceField(choices=ExerciseLog.Length.choices, widget=forms.HiddenInput, initial="short")
    calm_before = _rating("Calm before (0 to 10)")
    calm_after = _rating("Calm now (0 to 10)")
    kindness_before = _rating("Kindness to myself before (0 to 10)")
    kindness_after = _rating("Kindness to myself now (0 to 10)")
    word = forms.CharField(
        label="A word for how you feel, if one comes",
        max_length=40,
        required=False,
        help_text="Just for you, for example: lighter, tired, soft.",
    )

    def clean(self):
        data = super().clean()
        for before, after, what in (
            ("calm_before", "calm_after", "calm"),
            ("kindness_before", "kindness_after", "kindness to yourself"),
        ):
            has_before, has_after = data.get(before) is not None, data.get(after) is not None
            if has_before and not has_after:
                self.add_error(after, f"Please choose how your {what} feels now too, or leave both empty.")
            if has_after and not has_before:
                self.add_error(before, f"Please choose how your {what} felt before too, or leave both empty.")
        return data


class CustomExerciseForm(forms.ModelForm):
    audio = forms.FileField(
        label="Audio recording (optional)",
        required=False,
        help_text="MP3, M4A, OGG, WAV or WebM, up to 15 MB. Only your own clients can play it.",
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}),
    )
    remove_audio = forms.BooleanField(label="Remove the current recording", required=False)

    class Meta:
        model = CustomExercise
        fields = ["title", "summary", "helps_when", "steps_text", "step_seconds"]
        labels = {
            "summary": "In a sentence, what is it?",
            "helps_when": "When it may help",
            "steps_text": "Steps",
            "step_seconds": "Seconds for each step",
        }
        help_texts = {
            "steps_text": "One step per paragraph: leave an empty line between steps. Offer choice; end back in the room.",
            "step_seconds": "How long the player stays on each step, from 10 to 600.",
        }
        widgets = {"steps_text": forms.Textarea(attrs={"rows": 10})}
        error_messages = {
            "title": {"required": "Please give the practice a title."},
            "step_seconds": {
                "invalid": "Please enter a number of seconds, such as 45.",
                "min_value": "At least 10 seconds, please.",
                "max_value": "At most 600 seconds, please.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance and self.instance.audio):
            del self.fields["remove_audio"]

    def clean_audio(self):
        upload = self.cleaned_data.get("audio")
        if not upload:
            return None
        if upload.size > MAX_AUDIO_BYTES:
            raise forms.ValidationError(
                "That recording is larger than 15 MB. A shorter or more compressed file would fit."
            )
        head = upload.read(16)
        upload.seek(0)
        kind = sniff_audio(head)
        if kind is None:
            raise forms.ValidationError(
                "That file does not look like audio we can play. Please use MP3, M4A, OGG, WAV or WebM."
            )
        upload.tending_extension = f".{kind}"
        upload.tending_content_type = AUDIO_KINDS[kind]
        return upload

    def clean(self):
        data = super().clean()
        has_steps = bool((data.get("steps_text") or "").strip())
        keeps_audio = bool(self.instance.audio) and not data.get("remove_audio")
        if not has_steps and not data.get("audio") and not keeps_audio:
            self.add_error("steps_text", "Please write at least one step, or add a recording.")
        return data


class RecommendForm(forms.Form):
    practice = forms.ChoiceField(
        label="Practice",
        error_messages={
            "required": "Please choose a practice from the list.",
            "invalid_choice": "Please choose a practice from the list.",
        },
    )
    note = forms.CharField(
        label="A personal note (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your client sees this beside the practice, for example when it might help them.",
    )

    def __init__(self, *args, own_exercises=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("Tending's library", [(e.slug, e.title) for e in EXERCISES])]
        own = [(e.slug, e.title) for e in own_exercises]
        if own:
            choices.append(("Your own practices", own))
        self.fields["practice"].choices = [("", "Choose a practice")] + choices

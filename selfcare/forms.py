from django import forms

from selfcare.models import Activity, Area, Reminder


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["text", "area", "rhythm"]
        labels = {
            "text": "Something that nurtures you",
            "area": "Mostly for your",
            "rhythm": "How often, roughly",
        }
        help_texts = {
            "text": "In your own words, for example “a walk by the river” or “call my sister”.",
            "rhythm": "A rough rhythm you choose. Nothing is counted against you.",
        }
        widgets = {"area": forms.RadioSelect}
        error_messages = {
            "text": {"required": "Please write a few words about what you would like to do."},
            "area": {
                "required": "Please choose mind, body or soul.",
                "invalid_choice": "Please choose mind, body or soul.",
            },
            "rhythm": {"invalid_choice": "Please choose one of the rhythms in the list."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = Area.choices  # no empty "select an option" radio

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Please write a few words about what you would like to do.")
        return text


class ReminderForm(forms.ModelForm):
    class Meta:
        model = Reminder
        fields = ["is_on", "time_of_day", "days", "message"]
        labels = {
            "is_on": "Send me a gentle reminder by email",
            "time_of_day": "At about",
            "days": "On",
            "message": "In your own words, what would you like the reminder to say?",
        }
        help_texts = {
            "time_of_day": "In your practice's time zone, for example 18:30.",
            "message": "Write it the way a kind friend might say it to you. We send it exactly as you write it.",
        }
        widgets = {
            "time_of_day": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "message": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"time_of_day": {"invalid": "Please enter a time such as 18:30."}}

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.contrib.auth import password_validation

from accounts.models import Invitation, Pronouns, User


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        help_text="What you would like us to call you.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        max_length=128,
        help_text="At least 10 characters. A few unrelated words together work well.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same. Please type them again.")
        elif first:
            try:
                password_validation.validate_password(first, User(email=self.email, name=cleaned.get("name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InviteForm(forms.Form):
    name = forms.CharField(label="Their name", max_length=150, required=False)
    email = forms.EmailField(label="Their email address", max_length=254)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class InviteClientForm(InviteForm):
    role = Invitation.Role.CLIENT


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Our page shows its own "Forgotten your password?" link below the form.
        self.fields["password"].help_text = ""
        self.fields["login"].label = "Email"


class PronounsForm(forms.Form):
    pronouns = forms.ChoiceField(
        label="How we refer to you",
        choices=Pronouns.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=(
            "When a page or an email mentions you without your name, it uses the words you choose here, "
            "so the people at your practice see them."
        ),
    )

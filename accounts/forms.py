from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms

from accounts.models import Invitation, Pronouns, User
from core.forms import ChoosePasswordForm


class AcceptInvitationForm(ChoosePasswordForm):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        help_text="What you would like us to call you.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def password_user(self, cleaned):
        return User(email=self.email, name=cleaned.get("name", ""))


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

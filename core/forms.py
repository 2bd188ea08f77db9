"""Form pieces shared across layers."""

from django import forms
from django.contrib.auth import password_validation


class ChoosePasswordForm(forms.Form):
    """Choosing a password the first time (an invitation, a new practice's owner): typed twice, and checked by
    the project's password validators against the person it is for (``password_user``)."""

    field_order = ["name", "password1", "password2"]

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

    def password_user(self, cleaned: dict):
        """The person the password is for, as the validators compare it (their email and name)."""
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same. Please type them again.")
        elif first:
            try:
                password_validation.validate_password(first, self.password_user(cleaned))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

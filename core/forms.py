"""Form pieces shared across layers."""

from django import forms
from django.contrib.auth import password_validation
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


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


class QuickSelect(forms.Select):
    """A ``<select>`` written in one pass, for one shown on a busy page or with many options.

    Django's ``Select`` renders each option through a template of its own (tens of microseconds each): the
    conversation page's "Send a practice" list made its options a quarter of the page's time. The markup is
    ``Select``'s: the attributes ``BoundField`` adds (id, aria-describedby, aria-invalid, required), option
    groups, each option escaped and the chosen one ``selected`` (core/tests/test_quick_select.py).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}

        def options(choices):
            return format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((option, " selected" if str(option) in chosen else "", label) for option, label in choices),
            )

        parts = (
            format_html('<optgroup label="{}">{}</optgroup>', group, options(label))
            if isinstance(label, (list, tuple))
            else options([(group, label)])
            for group, label in self.choices
        )
        final = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(final), format_html_join("", "{}", ((p,) for p in parts))
        )


class QuickTextarea(forms.Textarea):
    """A ``<textarea>`` written in one pass (Django's renders a template each time): the markup of ``Textarea``,
    its words escaped (core/tests/test_quick_select.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', name, flatatt(final), self.format_value(value) or ""
        )


class _QuickInput:
    """An ``<input>`` written in one pass: the markup of Django's ``Input``."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        final = self.build_attrs(self.attrs, attrs)
        written = format_html(' value="{}"', value) if value is not None else ""
        return format_html('<input type="{}" name="{}"{}{}>', self.input_type, name, written, flatatt(final))


class QuickTextInput(_QuickInput, forms.TextInput):
    pass


class QuickHiddenInput(_QuickInput, forms.HiddenInput):
    pass

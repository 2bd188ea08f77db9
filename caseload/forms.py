from django import forms

from practice.models import Client


class ClientSearchForm(forms.Form):
    q = forms.CharField(label="Search by name or email", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Care",
        required=False,
        choices=[("", "Active and paused"), ("all", "Everyone"), *Client.CareStatus.choices],
    )

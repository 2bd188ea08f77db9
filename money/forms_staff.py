"""Forms for the staff's work with a client's money. Amounts are typed as people write them ("70", "£70.50")."""

import uuid

from django import forms

from money.formatting import money, parse_money
from money.models import BillingMode, Payment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AmountField(forms.CharField):
    """An amount typed in the practice's currency, cleaned to minor units with a kind message otherwise."""

    def __init__(self, *, currency: str, locale: str, allow_zero: bool = False, **kwargs):
        self.currency, self.locale, self.allow_zero = currency, locale, allow_zero
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            minor = parse_money(value, self.currency, self.locale)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        if minor == 0 and not self.allow_zero:
            raise forms.ValidationError("Please enter an amount above zero.")
        if minor > 10_000_000:
            raise forms.ValidationError("That amount looks too large: please check it.")
        return minor


class BillingForm(forms.Form):
    mode = forms.ChoiceField(label="How they are invoiced", choices=BillingMode.choices, widget=forms.RadioSelect)
    billing_name = forms.CharField(
        label="Name on invoices",
        max_length=150,
        required=False,
        help_text="Leave empty to use the client's own name.",
    )
    address = forms.CharField(
        label="Address on invoices",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional.",
    )


class AgreedFeeForm(forms.Form):
    agreed_on = forms.DateField(label="Agreed on", widget=DateInput, help_text="It applies to sessions from this day.")
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Private to the therapist and the practice's owners.",
    )
    review_on = forms.DateField(label="Review on", required=False, widget=DateInput, help_text="Optional.")

    def __init__(self, *args, currency: str, locale: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "amount": AmountField(label="Agreed fee per session", currency=currency, locale=locale, allow_zero=True),
            **self.fields,
        }

    def clean(self):
        data = super().clean()
        if data.get("review_on") and data.get("agreed_on") and data["review_on"] < data["agreed_on"]:
            self.add_error("review_on", "The review date should be on or after the day the fee was agreed.")
        return data


class WaiveForm(forms.Form):
    reason = forms.CharField(label="Reason (optional)", max_length=300, required=False)


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="Why is it void?",
        max_length=300,
        help_text="The reason stays with the invoice, which keeps its number.",
    )


class CreditNoteForm(forms.Form):
    """One amount per line, each up to what is left of it, and a reason printed on the credit note."""

    reason = forms.CharField(label="Reason", max_length=300, help_text="Printed on the credit note.")

    def __init__(self, *args, lines, left: dict[int, int], currency: str, locale: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        amounts = {}
        for line in lines:
            name = f"line_{line.pk}"
            remaining = left.get(line.pk, 0)
            amounts[name] = AmountField(
                label=f"{line.day:%-d %b %Y}, {line.description}",
                currency=currency,
                locale=locale,
                allow_zero=True,
                required=False,
                initial=str(money(remaining, currency, locale)) if remaining else "0",
                help_text=f"Up to {money(remaining, currency, locale)}.",
            )
            self.line_fields.append((name, line, remaining))
        self.fields = {**amounts, **self.fields}

    def clean(self):
        data = super().clean()
        total = 0
        for name, _line, remaining in self.line_fields:
            amount = data.get(name) or 0
            if amount > remaining:
                self.add_error(name, "That is more than is left of this line.")
            total += amount
        if not self.errors and not total:
            raise forms.ValidationError("Please enter an amount to credit on at least one line.")
        return data

    def amounts(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data.get(name) or 0 for name, line, _ in self.line_fields}


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(
        label="Money received or given back", choices=Payment.Kind.choices, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(label="How", choices=Payment.Method.choices)
    received_on = forms.DateField(label="On", widget=DateInput)
    invoice = forms.ChoiceField(label="For invoice", required=False)
    reference = forms.CharField(
        label="Reference (optional)", max_length=100, required=False, help_text="A bank reference or a short note."
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, invoices, currency: str, locale: str, today, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "kind": Payment.Kind.PAYMENT,
            "received_on": today,
            "key": uuid.uuid4().hex,
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)
        self.fields = {"amount": AmountField(label="Amount", currency=currency, locale=locale), **self.fields}
        # ``invoices``: the client's invoices with something still to pay (``money.selectors.client_waiting``).
        self.invoices = {str(invoice.uuid): invoice for invoice in invoices}
        self.fields["invoice"].choices = [("", "None: the oldest waiting first")] + [
            (str(invoice.uuid), f"{invoice.reference}: {money(invoice.waiting, currency, locale)} waiting to be paid")
            for invoice in invoices
        ]

    def clean_invoice(self):
        value = self.cleaned_data.get("invoice")
        return self.invoices.get(value) if value else None

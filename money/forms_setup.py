"""Forms of the practice's billing set-up: settings and policy, suppliers, fees, a therapist's registration.

Amounts are typed as money ("70", "70.50", "£1,200") and kept in minor units; a form shows them
formatted again ("£70.00"), so what was typed is what comes back when something needs fixing.
"""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from bookings.models import Mode
from money.formatting import money, parse_money
from money.models import BillingSettings, Register, Supplier, TaxStatus, TherapistBilling
from money.selectors import money_recorded
from money.superbills import clean_cpt_code, clean_npi, clean_tax_id, is_us
from practice.models import StaffMember

# The largest fee a form takes (in major units): more is almost certainly a slip of the keyboard.
MOST = Decimal("10000")
_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$")
# A UK VAT number: GB and 9 digits (12 for a branch); "GB 123 4567 89" as people write it.
_UK_VAT = re.compile(r"^(GB)?(\d{9}|\d{12})$")


def _us_field(clean, value: str) -> str:
    """``value`` through one of ``money.superbills``' checks (NPI, EIN, CPT), its message kept as the form's."""
    try:
        return clean(value)
    except ValidationError as error:
        raise forms.ValidationError(error.messages) from None


def _parse_amount(text: str, currency: str, locale: str, *, what: str) -> int:
    try:
        minor = parse_money(text, currency, locale)
    except ValueError as error:
        raise forms.ValidationError(str(error)) from None
    if minor >= int(MOST.scaleb(2)):
        raise forms.ValidationError(f"That {what} looks too large. Please check it: for example 70 or 70.50.")
    return minor


class BillingSettingsForm(forms.ModelForm):
    """The practice's billing: currency, what invoices say, how long clients have, and the late-cancellation policy."""

    late_cancel_fee = forms.CharField(
        label="Late cancellation fee",
        required=False,
        max_length=20,
        help_text="For example 30 or 30.00.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    class Meta:
        model = BillingSettings
        fields = [
            "currency",
            "bills_sessions_from",
            "description",
            "default_billing",
            "payment_days",
            "payment_instructions",
            "late_cancel_enabled",
            "late_cancel_hours",
            "late_cancel_fee",
            "late_cancel_waived_by_default",
        ]
        labels = {
            "currency": "Currency",
            "bills_sessions_from": "Charge sessions from",
            "description": "What each session line says",
            "default_billing": "How new clients are invoiced",
            "payment_days": "Days a client has to pay",
            "payment_instructions": "How to pay",
            "late_cancel_enabled": "Charge a fee when a client cancels at short notice",
            "late_cancel_hours": "Notice needed (hours)",
            "late_cancel_waived_by_default": "Waive late cancellations unless the therapist chooses to charge",
        }
        help_texts = {
            "bills_sessions_from": "Sessions before this day are never charged.",
            "payment_days": "Each invoice says the day it is due to be paid by.",
            "late_cancel_enabled": "",
            "late_cancel_waived_by_default": "Then a therapist charges a late cancellation only when they choose to.",
            "description": 'For example "Counselling session". Never anything clinical.',
            "late_cancel_hours": "A client who cancels with less notice than this may be charged. 48 is usual.",
        }
        widgets = {
            "bills_sessions_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "payment_instructions": forms.Textarea(attrs={"rows": 4}),
            "default_billing": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        settings = self.instance
        self.currency_locked = money_recorded(settings.practice_id)
        if self.currency_locked:
            self.fields["currency"].help_text = (
                "Invoices or payments are already recorded in this currency, so it stays as it is: "
                "every invoice and payment of the practice adds up in one currency."
            )
        # A date field with a default would otherwise carry a hidden copy of its first value.
        self.fields["bills_sessions_from"].show_hidden_initial = False
        if not self.is_bound and settings.late_cancel_fee:
            self.initial["late_cancel_fee"] = money(settings.late_cancel_fee, settings.currency, settings.locale)

    def clean_currency(self):
        currency = self.cleaned_data["currency"]
        if self.currency_locked and currency != self.instance.currency:
            raise forms.ValidationError(
                f"The currency cannot change now: invoices or payments are already recorded in "
                f"{self.instance.get_currency_display()}. Every invoice and payment of the practice "
                f"keeps one currency, so that they add up."
            )
        return currency

    def clean_description(self):
        value = self.cleaned_data["description"].strip()
        if not value:
            raise forms.ValidationError('Please say what each session line says, for example "Counselling session".')
        return value

    def clean_payment_days(self):
        value = self.cleaned_data["payment_days"]
        if value is not None and not 0 <= value <= 120:
            raise forms.ValidationError("Please choose between 0 and 120 days.")
        return value

    def clean_late_cancel_hours(self):
        value = self.cleaned_data["late_cancel_hours"]
        if value is not None and not 1 <= value <= 336:
            raise forms.ValidationError("Please choose between 1 and 336 hours (two weeks).")
        return value

    def clean(self):
        data = super().clean()
        currency = data.get("currency") or self.instance.currency
        text = (self.data.get(self.add_prefix("late_cancel_fee")) or "").strip()
        if not text:
            fee = 0
        else:
            try:
                fee = _parse_amount(text, currency, self.instance.locale, what="fee")
            except forms.ValidationError as error:
                self.add_error("late_cancel_fee", error)
                return data
        if data.get("late_cancel_enabled") and not fee:
            self.add_error("late_cancel_fee", "Please enter the fee for a late cancellation, or turn the policy off.")
        data["late_cancel_fee"] = fee
        return data


class SupplierForm(forms.ModelForm):
    """Who invoices come from: the practice, or a therapist invoicing in their own name."""

    class Meta:
        model = Supplier
        fields = [
            "name",
            "address",
            "tax_status",
            "vat_number",
            "tax_rate",
            "tax_label",
            "invoice_prefix",
            "credit_prefix",
            "receipt_prefix",
            "npi",
            "tax_id",
        ]
        labels = {
            "name": "Name on invoices",
            "address": "Address on invoices",
            "tax_status": "VAT",
            "vat_number": "VAT number",
            "tax_rate": "Tax rate (per cent)",
            "tax_label": "What the tax is called",
            "invoice_prefix": "Invoice numbers start with",
            "credit_prefix": "Credit note numbers start with",
            "receipt_prefix": "Receipt numbers start with",
            "npi": "NPI (National Provider Identifier)",
            "tax_id": "Tax ID (EIN)",
        }
        help_texts = {
            "vat_number": "Only if registered for VAT, for example GB123456789.",
            "tax_rate": "20 is the UK standard rate.",
            "tax_label": 'For example "VAT".',
            "invoice_prefix": "Changing it later is fine: numbers carry on from where they were.",
            "npi": "Ten digits, printed on superbills (US). Leave empty if there is none.",
            "tax_id": "For example 12-3456789, printed on superbills (US).",
        }
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "tax_status": forms.RadioSelect,
            "tax_rate": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "50"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rate and its name matter only to a supplier that charges tax: empty means the usual.
        self.fields["tax_rate"].required = False
        self.fields["tax_label"].required = False
        self.fields["tax_rate"].error_messages["invalid"] = "Please give the rate as a number, for example 20."
        for name in ("name", "invoice_prefix", "credit_prefix", "receipt_prefix"):
            if name in self.fields:
                self.fields[name].error_messages["required"] = "Please fill this in: invoices need it."
        if not is_us(self.instance.practice):
            # Superbills (and so NPIs and EINs) are for US practices only.
            for name in ("npi", "tax_id"):
                self.fields.pop(name, None)

    def clean_npi(self):
        return _us_field(clean_npi, self.cleaned_data["npi"])

    def clean_tax_id(self):
        return _us_field(clean_tax_id, self.cleaned_data["tax_id"])

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if not value:
            raise forms.ValidationError("Please give the name invoices come from.")
        return value

    def clean_vat_number(self):
        value = re.sub(r"[\s.-]", "", self.cleaned_data["vat_number"]).upper()
        if value and self.cleaned_data.get("tax_status") == TaxStatus.VAT and not _UK_VAT.match(value):
            raise forms.ValidationError(
                "A UK VAT number is GB followed by 9 digits, for example GB123456789. Please check it."
            )
        return value

    def clean_tax_rate(self):
        rate = self.cleaned_data["tax_rate"]
        if rate is None:
            return self.instance.tax_rate if self.instance.tax_rate is not None else Decimal("20")
        if not Decimal("0") <= rate <= Decimal("50"):
            raise forms.ValidationError("Please give a rate between 0 and 50 per cent.")
        return rate

    def clean_tax_label(self):
        return self.cleaned_data["tax_label"].strip() or "VAT"

    def _clean_prefix(self, name):
        value = self.cleaned_data[name].strip()
        if not _PREFIX.match(value):
            raise forms.ValidationError(
                'Please use letters and numbers, with - / . or _ if you like, for example "INV-".'
            )
        return value

    def clean_invoice_prefix(self):
        return self._clean_prefix("invoice_prefix")

    def clean_credit_prefix(self):
        return self._clean_prefix("credit_prefix")

    def clean_receipt_prefix(self):
        return self._clean_prefix("receipt_prefix")

    def clean(self):
        data = super().clean()
        if data.get("tax_status") == TaxStatus.VAT and not data.get("vat_number") and "vat_number" not in self.errors:
            self.add_error("vat_number", "A VAT-registered supplier needs its VAT number on invoices.")
        if data.get("tax_status") in (TaxStatus.VAT, TaxStatus.RATE) and not data.get("tax_rate"):
            self.add_error("tax_rate", "Please give the tax rate, for example 20.")
        prefixes = [data.get(name) for name in ("invoice_prefix", "credit_prefix", "receipt_prefix")]
        if all(prefixes) and len(set(prefixes)) < 3:
            self.add_error(
                "credit_prefix",
                "Please give invoices, credit notes and receipts different beginnings, so their numbers "
                "are never confused.",
            )
        return data

    def _post_clean(self):
        # The form has already said what is wrong with the VAT number: the model's own check would
        # only say it again. (A form with an error is never saved, and is checked in full once fixed.)
        if "vat_number" in self._errors:
            return
        super()._post_clean()


class OwnSupplierForm(SupplierForm):
    """A therapist's own invoicing details, as they keep them: numbering stays with the owner."""

    class Meta(SupplierForm.Meta):
        fields = ["name", "address", "tax_status", "vat_number", "tax_rate", "tax_label", "npi", "tax_id"]


class FeeForm(forms.Form):
    """A new fee from a day on. An older fee is never edited: sessions before the day keep theirs."""

    therapist = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Every therapist",
        label="Therapist",
        help_text="Leave as every therapist for the practice's usual fee.",
    )
    minutes = forms.IntegerField(
        required=False,
        min_value=5,
        max_value=480,
        label="Session length (minutes)",
        help_text="Leave empty for any length.",
        error_messages={
            "min_value": "Please give a length between 5 and 480 minutes, or leave it empty.",
            "max_value": "Please give a length between 5 and 480 minutes, or leave it empty.",
            "invalid": "Please give the length in whole minutes, for example 50, or leave it empty.",
        },
    )
    mode = forms.ChoiceField(required=False, choices=[("", "Either"), *Mode.choices], label="In person or online")
    amount = forms.CharField(
        max_length=20,
        label="Fee",
        help_text="What the client pays, for example 70 or 70.50.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": "Please enter the fee, for example 70 or 70.50."},
    )
    valid_from = forms.DateField(
        label="From",
        help_text="Sessions on or after this day are charged this fee; earlier ones keep theirs.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Please give the day the fee starts.", "invalid": "Please give a date."},
    )

    def __init__(self, *args, practice, settings: BillingSettings, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice, self.settings, self.today = practice, settings, today
        self.fields["therapist"].queryset = (
            StaffMember.objects.filter(practice=practice).therapists().select_related("user").order_by("user__name")
        )
        self.fields["therapist"].label_from_instance = lambda staff: staff.display_name
        self.fields["valid_from"].initial = today
        self.fields["amount"].label = f"Fee ({settings.currency})"
        if is_us(practice):
            # For superbills: the code the sessions this fee applies to are billed under.
            self.fields["cpt_code"] = forms.CharField(
                required=False,
                max_length=5,
                label="CPT code (optional)",
                help_text="Printed on superbills, for example 90834 for a 45-minute psychotherapy session.",
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                error_messages={"max_length": "A CPT code is five characters, for example 90834."},
            )

    def clean_cpt_code(self):
        return _us_field(clean_cpt_code, self.cleaned_data["cpt_code"])

    def clean_amount(self):
        minor = _parse_amount(self.cleaned_data["amount"], self.settings.currency, self.settings.locale, what="fee")
        if minor == 0:
            raise forms.ValidationError(
                "Please enter a fee above zero. For a client who pays nothing, choose "
                "\u201cNot invoiced\u201d on their billing instead."
            )
        return minor

    def clean_valid_from(self):
        day = self.cleaned_data["valid_from"]
        if day < self.today:
            raise forms.ValidationError(
                "A new fee starts today or later, so sessions already held keep the fee they had."
            )
        return day


class TherapistBillingForm(forms.ModelForm):
    """A therapist's professional registration (printed on invoices) and, for the owner, who invoices their sessions."""

    class Meta:
        model = TherapistBilling
        fields = ["register", "register_other", "registration_number", "invoices_in_own_name", "npi"]
        labels = {
            "register": "Professional register",
            "register_other": "The register's name",
            "registration_number": "Registration or membership number",
            "invoices_in_own_name": "Invoices for their sessions come from them, in their own name",
            "npi": "NPI (National Provider Identifier)",
        }
        help_texts = {
            "register": "Printed on invoices. HCPC, GMC and NMC are statutory registers: health care by their "
            "registrants is exempt from VAT.",
            "register_other": "Only if another register is chosen.",
            "invoices_in_own_name": "Then their invoices, credit notes and receipts are numbered on their own.",
            "npi": "Their own (type 1) NPI, ten digits, printed on superbills (US).",
        }

    def __init__(self, *args, own_name=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not own_name:
            # The therapist's own page: who invoices is the practice's setting, not theirs.
            del self.fields["invoices_in_own_name"]
        if not is_us(self.instance.therapist.practice):
            del self.fields["npi"]  # superbills are for US practices only

    def clean_npi(self):
        return _us_field(clean_npi, self.cleaned_data["npi"])

    def clean_registration_number(self):
        return self.cleaned_data["registration_number"].strip()

    def clean(self):
        data = super().clean()
        register = data.get("register")
        if register == Register.OTHER and not (data.get("register_other") or "").strip():
            self.add_error("register_other", "Please give the register's name.")
        if register and not data.get("registration_number") and "registration_number" not in self.errors:
            self.add_error("registration_number", "Please give the number, so it can be printed on invoices.")
        if register != Register.OTHER:
            data["register_other"] = ""
        if not register:
            data["registration_number"] = ""
        return data

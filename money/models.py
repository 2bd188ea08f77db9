"""Fees, invoices, credit notes and payments (docs/money.md).

Amounts are integers in the currency's minor units (pence, cents), never floats; the
practice's currency is on ``BillingSettings``. A fee is what the client pays: when the
supplier charges VAT it is inside the fee (UK consumer prices include VAT), and the
invoice shows the net, the VAT and the total of each line.

An issued invoice or credit note never changes: ``Invoice.save`` refuses to update
anything but its void fields. A correction is a credit note linked to the invoice; a
void keeps its number and a reason. Numbers come from ``NumberSequence``, one locked
row per supplier and kind, so they are consecutive with no gap and no duplicate.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from bookings.models import Appointment, Mode
from core.compiled import CompiledRead, first_or_create
from core.crypto import EncryptedTextField
from core.mixins import ClientOwnedQuerySet, UUIDModel
from practice.models import Client, Practice, StaffMember

# ISO 4217 codes a practice may bill in. Babel knows each one's minor units and symbol.
CURRENCY_CHOICES = [
    ("GBP", "Pound sterling (GBP)"),
    ("EUR", "Euro (EUR)"),
    ("USD", "US dollar (USD)"),
    ("AUD", "Australian dollar (AUD)"),
    ("CAD", "Canadian dollar (CAD)"),
    ("NZD", "New Zealand dollar (NZD)"),
    ("CHF", "Swiss franc (CHF)"),
]
# The locale money is shown in, by the practice's country (crisis.contacts.COUNTRY_CHOICES).
LOCALES = {"GB": "en_GB", "IE": "en_IE", "US": "en_US"}
DEFAULT_CURRENCY = {"GB": "GBP", "IE": "EUR", "US": "USD", "EU": "EUR"}


class BillingMode(models.TextChoices):
    PER_SESSION = "per_session", "An invoice after each session"
    MONTHLY = "monthly", "A monthly statement"
    NOT_INVOICED = "none", "Not invoiced (no fee, or paid another way)"


class BillingSettings(models.Model):
    """A practice's billing: currency, what invoices say, and its late-cancellation policy."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="billing_settings")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="GBP")
    # Sessions before this day are never charged: a practice that starts billing does not bill its past.
    bills_sessions_from = models.DateField(default=timezone.localdate)
    description = models.CharField(
        max_length=120,
        default="Counselling session",
        help_text="What each session line says. Never anything clinical.",
    )
    default_billing = models.CharField(max_length=12, choices=BillingMode, default=BillingMode.PER_SESSION)
    payment_days = models.PositiveSmallIntegerField(
        default=14, validators=[MaxValueValidator(120)], help_text="Days a client has to pay an invoice."
    )
    payment_instructions = models.TextField(
        blank=True,
        max_length=1000,
        help_text="Printed on every invoice: how to pay by bank transfer (account name, sort code, account number).",
    )
    late_cancel_enabled = models.BooleanField(
        default=False, help_text="Charge a fee when a client cancels a session at short notice."
    )
    late_cancel_hours = models.PositiveSmallIntegerField(
        default=48, validators=[MinValueValidator(1), MaxValueValidator(336)]
    )
    late_cancel_fee = models.PositiveIntegerField(default=0, help_text="In minor units (pence, cents).")
    late_cancel_waived_by_default = models.BooleanField(
        default=False,
        help_text="A late cancellation is waived unless the therapist chooses to charge it.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Billing settings of {self.practice}"

    @classmethod
    def asked_for(cls, practice_id: int):
        """The read ``for_practice`` makes, to name to a page's panels (``core.panels.reading``)."""
        return _SETTINGS.asked(practice=practice_id)

    @classmethod
    def for_practice(cls, practice) -> "BillingSettings":
        # Read on every money page (core/compiled.py).
        return first_or_create(
            _SETTINGS, practice, defaults={"currency": DEFAULT_CURRENCY.get(practice.country, "GBP")}
        )

    @property
    def locale(self) -> str:
        return LOCALES.get(self.practice.country, "en_GB")


_SETTINGS = CompiledRead(
    BillingSettings, lambda shape, *, practice: BillingSettings.objects.filter(practice=practice), {"practice": int}
)


class Register(models.TextChoices):
    """Professional registers. Statutory ones make health care VAT-exempt in the UK (VATHLT2300)."""

    NONE = "", "None given"
    HCPC = "HCPC", "HCPC (Health and Care Professions Council)"
    GMC = "GMC", "GMC (General Medical Council)"
    NMC = "NMC", "NMC (Nursing and Midwifery Council)"
    BACP = "BACP", "BACP (British Association for Counselling and Psychotherapy)"
    UKCP = "UKCP", "UKCP (UK Council for Psychotherapy)"
    NCPS = "NCPS", "NCPS (National Counselling and Psychotherapy Society)"
    BABCP = "BABCP", "BABCP (British Association for Behavioural and Cognitive Psychotherapies)"
    OTHER = "other", "Another register"


# Registers set up by statute: care by their registrants is exempt from UK VAT (VAT Act 1994,
# Schedule 9, Group 7, Item 1). Voluntary registers (BACP, UKCP…) are not (HMRC VATHLT2300).
STATUTORY_REGISTERS = {Register.HCPC, Register.GMC, Register.NMC}


class TaxStatus(models.TextChoices):
    NONE = "none", "Not registered for VAT: no VAT on invoices"
    VAT = "vat", "Registered for VAT (UK)"
    RATE = "rate", "Another tax at one rate (outside the UK)"


class Supplier(UUIDModel):
    """Who an invoice is from: the practice (``therapist`` empty), or a therapist in their own name."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="suppliers")
    therapist = models.OneToOneField(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="own_supplier"
    )
    name = models.CharField(max_length=150)
    address = models.TextField(blank=True, max_length=500)
    tax_status = models.CharField(max_length=4, choices=TaxStatus, default=TaxStatus.NONE)
    vat_number = models.CharField(max_length=20, blank=True, verbose_name="VAT number")
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
        help_text="Per cent.",
    )
    tax_label = models.CharField(max_length=20, default="VAT", help_text="What the tax is called on invoices.")
    invoice_prefix = models.CharField(max_length=12, default="INV-")
    credit_prefix = models.CharField(max_length=12, default="CN-")
    receipt_prefix = models.CharField(max_length=12, default="R-")
    # US practices, for superbills: the supplier's National Provider Identifier and tax ID (EIN).
    npi = models.CharField(max_length=10, blank=True, verbose_name="NPI")
    tax_id = models.CharField(max_length=20, blank=True, verbose_name="tax ID (EIN)")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice"], condition=Q(therapist__isnull=True), name="one_practice_supplier"
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def new_for_therapist(cls, therapist) -> "Supplier":
        """A therapist's own supplier (unsaved), with prefixes of their initials so that their
        "AT-0001" is never confused with the practice's "INV-0001"."""
        initials = "".join(word[0] for word in therapist.display_name.split() if word[:1].isalpha()).upper()[:4] or "T"
        return cls(
            practice=therapist.practice,
            therapist=therapist,
            name=therapist.display_name,
            invoice_prefix=f"{initials}-",
            credit_prefix=f"{initials}-CN-",
            receipt_prefix=f"{initials}-R-",
        )

    def clean(self):
        if self.tax_status == TaxStatus.VAT and not self.vat_number.strip():
            raise ValidationError({"vat_number": "A VAT-registered supplier needs its VAT number on invoices."})


class TherapistBilling(models.Model):
    """A therapist's professional registration, and whether they invoice in their own name."""

    therapist = models.OneToOneField(StaffMember, on_delete=models.CASCADE, related_name="billing")
    register = models.CharField(max_length=8, choices=Register, default=Register.NONE, blank=True)
    register_other = models.CharField(max_length=80, blank=True, help_text="The register's name, if another.")
    registration_number = models.CharField(max_length=40, blank=True)
    invoices_in_own_name = models.BooleanField(
        default=False, help_text="Invoices for this therapist's sessions come from them, not the practice."
    )
    # US practices, for superbills: the therapist's own (type 1) National Provider Identifier.
    npi = models.CharField(max_length=10, blank=True, verbose_name="NPI")

    def __str__(self):
        return f"Billing of {self.therapist}"

    @property
    def register_name(self) -> str:
        if self.register == Register.OTHER:
            return self.register_other
        return self.register

    @property
    def registration_line(self) -> str:
        """ "BACP registered member 123456", for invoices; empty when none is given."""
        if not self.register_name:
            return ""
        return f"{self.register_name} registration {self.registration_number}".strip()

    @property
    def is_statutory(self) -> bool:
        return self.register in STATUTORY_REGISTERS


class NumberSequence(models.Model):
    """The last number given to a supplier's invoices, credit notes or receipts: locked while one is issued."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit", "Credit note"
        RECEIPT = "receipt", "Receipt"

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="sequences")
    kind = models.CharField(max_length=8, choices=Kind)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["supplier", "kind"], name="one_sequence_per_kind")]

    def __str__(self):
        return f"{self.supplier} {self.kind} #{self.last_number}"


class Fee(UUIDModel):
    """A session fee from a date on: for one therapist or every one, one length or any, one mode or either.

    The most specific fee in force on the session's day applies; a newer fee never changes an older
    session's charge. The free consultation is never charged.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="fees")
    therapist = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.CASCADE, related_name="fees")
    minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    mode = models.CharField(max_length=10, choices=Mode, blank=True)
    amount = models.PositiveIntegerField(help_text="In minor units (pence, cents).")
    # US practices: the CPT code this kind of session is billed under on a superbill (90834, say).
    cpt_code = models.CharField(max_length=5, blank=True, verbose_name="CPT code")
    valid_from = models.DateField()
    created_by = models.ForeignKey(StaffMember, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-valid_from", "-created_at"]
        indexes = [models.Index(fields=["practice", "valid_from"])]

    def __str__(self):
        return f"Fee {self.amount} from {self.valid_from}"

    @property
    def specificity(self) -> int:
        return (4 if self.therapist_id else 0) + (2 if self.minutes else 0) + (1 if self.mode else 0)


class AgreedFee(UUIDModel):
    """A fee agreed with one client (a concession, a sliding scale), private to their therapist and the owner."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="agreed_fees")
    amount = models.PositiveIntegerField(help_text="In minor units (pence, cents).")
    agreed_on = models.DateField()
    reason = EncryptedTextField(context="money.agreedfee.reason", max_length=1000, blank=True, default="")
    review_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True, help_text="The last day it applies, if it has ended.")
    recorded_by = models.ForeignKey(StaffMember, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-agreed_on", "-created_at"]

    def __str__(self):
        return f"Agreed fee from {self.agreed_on}"

    def applies_on(self, day: date) -> bool:
        return self.agreed_on <= day and (self.ends_on is None or day <= self.ends_on)


class ClientBilling(UUIDModel):
    """How one client is billed: per session or monthly, the name and address invoices carry, PDFs by email."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="billing")
    mode = models.CharField(max_length=12, choices=BillingMode, default=BillingMode.PER_SESSION)
    billing_name = models.CharField(max_length=150, blank=True, help_text="If invoices should name someone else.")
    address = EncryptedTextField(context="money.clientbilling.address", max_length=500, blank=True, default="")
    # The client's own choice: an invoice is health data, so by default the email only links to it.
    email_pdf = models.BooleanField(default=False)

    def __str__(self):
        return f"Billing of {self.client_id}"


class ChargeQuerySet(ClientOwnedQuerySet):
    def waiting(self):
        return self.filter(status=Charge.Status.WAITING)


class Charge(UUIDModel):
    """Something billable: a session that took place, or a late cancellation. Invoiced at most once."""

    class Kind(models.TextChoices):
        SESSION = "session", "Session"
        LATE_CANCELLATION = "late_cancel", "Late cancellation"

    class Status(models.TextChoices):
        WAITING = "waiting", "Not invoiced yet"
        INVOICED = "invoiced", "Invoiced"
        WAIVED = "waived", "Waived"
        CREDITED = "credited", "Credited"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="charges")
    therapist = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="charges"
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.SESSION)
    day = models.DateField(help_text="The session's day, in the practice's time zone.")
    amount = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status, default=Status.WAITING)
    invoice = models.ForeignKey("Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="charges")
    waived_reason = models.CharField(max_length=300, blank=True)
    waived_by = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    waived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ChargeQuerySet.as_manager()

    class Meta:
        ordering = ["day", "created_at"]
        indexes = [models.Index(fields=["client", "status"]), models.Index(fields=["practice", "status", "day"])]
        constraints = [
            # One charge per appointment and kind: a retried run never bills a session twice.
            models.UniqueConstraint(
                fields=["appointment", "kind"],
                condition=Q(appointment__isnull=False),
                name="one_charge_per_appointment",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.day}"


# A literal 0 in the SQL (see InvoiceQuerySet.unpaid); no value of anyone's goes into it.
_NOUGHT = RawSQL("0", ())  # noqa: S611  # nosec B611


class InvoiceQuerySet(ClientOwnedQuerySet):
    def issued(self):
        return self.filter(status=Invoice.Status.ISSUED)

    def invoices(self):
        return self.filter(kind=Invoice.Kind.INVOICE)

    def credit_notes(self):
        return self.filter(kind=Invoice.Kind.CREDIT_NOTE)

    def unpaid(self):
        """Those with something still to be paid. The nought is written into the SQL rather than sent as a
        parameter: PostgreSQL uses the partial indexes ``WHERE waiting > 0`` only for a constant, and a kept read's
        generic plan read every invoice of a therapist's clients without them (58 ms instead of 0.6)."""
        return self.filter(waiting__gt=_NOUGHT)

    def with_people(self):
        return self.select_related("client__user", "therapist__user", "supplier", "practice")


class Invoice(UUIDModel):
    """An invoice or a credit note, as issued: a record that never changes but for being voided."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit", "Credit note"

    class Status(models.TextChoices):
        ISSUED = "issued", "Issued"
        VOID = "void", "Void"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="invoices")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="invoices")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    therapist = models.ForeignKey(StaffMember, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind, default=Kind.INVOICE)
    number = models.PositiveIntegerField()
    reference = models.CharField(max_length=40)
    # A credit note's invoice.
    credits = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes")
    status = models.CharField(max_length=8, choices=Status, default=Status.ISSUED)
    issued_at = models.DateTimeField(default=timezone.now)
    tax_point = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    # A monthly statement's month (first and last day); empty for a per-session invoice.
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    net = models.IntegerField(default=0)
    tax = models.IntegerField(default=0)
    total = models.IntegerField(default=0)
    # What is still to be paid on it by the ledger's rule (money/ledger.py), kept by the services after
    # every change to the client's account, so lists of what is waiting read only what is waiting.
    # Not part of the issued document: it changes as the client pays (a queryset update, never save()).
    waiting = models.IntegerField(default=0)
    # Copied when issued: erasure renames the client later; an issued invoice keeps what was billed.
    billed_name = models.CharField(max_length=150)
    billed_address = EncryptedTextField(context="money.invoice.billed_address", blank=True, default="")
    # The supplier as it stood when issued: name, address, tax status and number, registration, how to pay.
    supplier_details = models.JSONField(default=dict)
    reason = models.CharField(max_length=300, blank=True, help_text="A credit note's reason.")
    void_reason = models.CharField(max_length=300, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_by = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = InvoiceQuerySet.as_manager()

    # Only these may change once issued: voiding.
    VOID_FIELDS = frozenset({"status", "void_reason", "voided_at", "voided_by"})

    class Meta:
        ordering = ["-issued_at", "-number"]
        indexes = [
            models.Index(fields=["client", "issued_at"]),
            models.Index(fields=["practice", "issued_at"]),
            # Only what still waits to be paid: the staff's "waiting to be paid" lists and totals.
            models.Index(fields=["client", "issued_at"], condition=Q(waiting__gt=0), name="money_invoice_waiting"),
            # The books: what was issued in a period (the reports; the accountant's files narrow it to a supplier),
            # and what waits to be paid by age, without reading every invoice the practice ever issued. No index
            # leads with the supplier: a practice has one or a few, and with no statistics (SQLite's default) the
            # planner took one for a client's own documents and read every invoice of the practice.
            models.Index(fields=["practice", "tax_point"], name="money_invoice_practice_day"),
            # Its last four columns are all that the staff's "waiting to be paid" totals and the books' ages read, so
            # those sums never visit the table: the owner's 1,309 unpaid invoices summed in a quarter of the time on
            # SQLite (docs/benchmarks.md).
            models.Index(
                fields=["practice", "tax_point", "kind", "status", "client", "waiting"],
                condition=Q(waiting__gt=0),
                name="money_invoice_waiting_sums",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "kind", "number"], name="one_number_per_supplier"),
            models.CheckConstraint(
                condition=Q(kind="invoice", credits__isnull=True) | Q(kind="credit", credits__isnull=False),
                name="credit_note_credits_an_invoice",
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.VOID_FIELDS:
                raise ValueError("An issued invoice never changes: issue a credit note, or void it.")
        super().save(*args, **kwargs)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def is_void(self) -> bool:
        return self.status == self.Status.VOID

    @property
    def is_statement(self) -> bool:
        return self.period_start is not None


class InvoiceLine(models.Model):
    """One line of an invoice or credit note. ``net + tax == total``; a credit note's lines are positive too."""

    class Tax(models.TextChoices):
        NONE = "none", "No VAT"
        EXEMPT = "exempt", "Exempt"
        STANDARD = "standard", "Standard rate"
        RATE = "rate", "Tax"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    charge = models.ForeignKey(Charge, null=True, blank=True, on_delete=models.SET_NULL, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    day = models.DateField()
    description = models.CharField(max_length=200)
    tax_treatment = models.CharField(max_length=8, choices=Tax, default=Tax.NONE)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    net = models.IntegerField()
    tax = models.IntegerField(default=0)
    total = models.IntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return f"{self.day} {self.description}"


class PaymentQuerySet(ClientOwnedQuerySet):
    def payments(self):
        return self.filter(kind=Payment.Kind.PAYMENT)

    def refunds(self):
        return self.filter(kind=Payment.Kind.REFUND)


class Payment(UUIDModel):
    """Money received from a client (a payment) or given back (a refund), each with its receipt number."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank", "Bank transfer"
        CARD = "card", "Card"
        CASH = "cash", "Cash"
        OTHER = "other", "Other"
        ONLINE = "online", "Paid online"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="payments")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="payments")
    # The invoice it was paid against, if one was named; the rest goes to the oldest waiting.
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=Kind, default=Kind.PAYMENT)
    method = models.CharField(max_length=8, choices=Method, default=Method.BANK_TRANSFER)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    received_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True, help_text="A bank reference or a note, never clinical.")
    number = models.PositiveIntegerField()
    receipt_reference = models.CharField(max_length=40)
    # A retried submission (or, later, a payment provider's event) records once.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-recorded_at"]
        indexes = [models.Index(fields=["client", "received_on"]), models.Index(fields=["practice", "received_on"])]
        constraints = [
            # Receipts share one sequence per supplier.
            models.UniqueConstraint(fields=["supplier", "number"], name="one_receipt_number_per_supplier"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return self.receipt_reference

    @property
    def signed_amount(self) -> int:
        """What it takes off the client's balance: a payment lowers it, a refund raises it."""
        return -self.amount if self.kind == self.Kind.PAYMENT else self.amount


class CheckoutSession(models.Model):
    """One attempt to pay one invoice online through Stripe Checkout (docs/money.md, "Paying online").

    Stripe sees only "Invoice N from <practice>" and the amount; no card is kept and nothing is charged
    without the client paying on Stripe's page.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETE = "complete", "Complete"
        EXPIRED = "expired", "Expired"

    # Goes with its invoice when the retention job deletes financial records (dataprivacy).
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="checkout_sessions")
    stripe_id = models.CharField(max_length=255, unique=True)
    url = models.URLField(max_length=2000, blank=True)
    amount = models.PositiveIntegerField(help_text="In minor units, what the session asks for.")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=8, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkout_session"
    )

    class Meta:
        indexes = [models.Index(fields=["invoice", "status"])]

    def __str__(self):
        return self.stripe_id


class StripeEvent(models.Model):
    """A webhook event from Stripe, stored by its id so that each is applied once, in whatever order they come."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    # The event's own "created" time at Stripe.
    created = models.DateTimeField()
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    # What applying it did, in plain words for the owner ("recorded R-0012", "already paid", "ignored").
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return self.event_id


class Superbill(UUIDModel):
    """A statement a US client sends their insurer for reimbursement, for the sessions of a period.

    The client asks for it; their therapist prepares it, adding the ICD-10 diagnosis codes if any. It is
    clinical (a diagnosis code is), so only the client and their therapist see it: never the administrator,
    never attached to an email.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="superbills")
    first_day = models.DateField()
    last_day = models.DateField()
    requested_at = models.DateTimeField(default=timezone.now)
    diagnosis_codes = EncryptedTextField(
        context="money.superbill.diagnosis_codes", max_length=200, blank=True, default=""
    )
    prepared_at = models.DateTimeField(null=True, blank=True)
    prepared_by = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(first_day__lte=models.F("last_day")), name="superbill_period_in_order"),
        ]

    def __str__(self):
        return f"Superbill {self.first_day}–{self.last_day}"


# --- the books, kept as monthly sums (money/books.py) --------------------------------------------


class TakingsMonth(models.Model):
    """A month of one practice's payments and refunds by method and by therapist, added to as each is recorded.

    ``therapist_id`` is whose takings they are when recorded: the therapist of the invoice a payment names,
    else the client's therapist then (0: none). No client, no payment: sums only (docs/money.md, "Books").
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="Its first day.")
    method = models.CharField(max_length=8, choices=Payment.Method)
    therapist_id = models.PositiveBigIntegerField(help_text="The therapist's StaffMember id, or 0 for none.")
    payments = models.PositiveIntegerField(default=0)
    refunds = models.PositiveIntegerField(default=0)
    received = models.BigIntegerField(default=0)
    refunded = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "month", "method", "therapist_id"], name="one_takings_row_per_month"
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.method}"


class IssuedMonth(models.Model):
    """A month of one practice's invoices and credit notes issued (by tax point), less any voided since."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="Its first day.")
    invoices = models.IntegerField(default=0)
    invoiced = models.BigIntegerField(default=0)
    credit_notes = models.IntegerField(default=0)
    credited = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "month"], name="one_issued_row_per_month")]

    def __str__(self):
        return f"{self.month:%Y-%m}"

"""Demo money: Willow Tree charges £70 for a 50-minute session, Dev has a £40 concession, and the demo
clients have a year of invoices and payments, with one monthly statement (Eli's, last month), one invoice
waiting to be paid (Cara's latest) and one credit note.

Everything goes through the services the clock and the pages use, issued at the moment the clock would
have issued it. The demo's history is not news: the emails those services queue are taken out again
before the demo commits. Idempotent: a practice that already has invoices is left as it is.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from bookings.models import Appointment, Kind
from bookings.services_appointments import SlotTaken, appointment_book
from money.models import AgreedFee, BillingMode, BillingSettings, ClientBilling, Fee, Invoice, Payment, Register
from money.services import (
    credit_note_issue,
    invoices_issue_due,
    payment_record,
    practice_supplier,
    therapist_billing,
)
from outbox.models import Email

ORDER = 220  # after bookings' sessions, and after the notes and formulation demos hang things on them

SESSION_FEE = 7000  # £70 for a 50-minute session
CONCESSION = 4000  # £40, agreed with Dev
ADDRESS = "14 Willow Walk\nYork\nYO1 7AB"
PAYMENT_INSTRUCTIONS = (
    "Bank transfer to Willow Tree Therapy, sort code 00-00-00, account 00000000 (demo details), "
    "with the invoice number as the reference."
)
REGISTRATIONS = [(Register.BACP, "000123"), (Register.HCPC, "PYL00456")]
METHODS = [Payment.Method.BANK_TRANSFER, Payment.Method.BANK_TRANSFER, Payment.Method.CARD]


def seed(demo) -> None:
    seed_money(
        demo.practice,
        therapists=[demo.ana, demo.ben],
        clients=[demo.cara, demo.dev, demo.eli],
        today=timezone.localdate(timezone=demo.practice.zone),
        concession=demo.dev,
        monthly=demo.eli,
        recorded_by=demo.owner,
    )


def seed_money(practice, *, therapists, clients, today: date, concession=None, monthly=None, recorded_by=None):
    """Set ``practice`` up to bill and give ``clients`` a year of invoices and payments up to ``today``."""
    if Invoice.objects.filter(practice=practice).exists():
        return
    emails_before = Email.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    begins = today - timedelta(days=364)
    settings = BillingSettings.for_practice(practice)
    settings.bills_sessions_from = begins
    settings.payment_instructions = PAYMENT_INSTRUCTIONS
    settings.save()
    supplier = practice_supplier(practice)
    supplier.address = ADDRESS
    supplier.save(update_fields=["address"])
    for therapist, (register, number) in zip(therapists, REGISTRATIONS, strict=False):
        billing = therapist_billing(therapist)
        billing.register, billing.registration_number = register, number
        billing.save(update_fields=["register", "registration_number"])
    Fee.objects.get_or_create(
        practice=practice, therapist=None, minutes=50, mode="", defaults={"amount": SESSION_FEE, "valid_from": begins}
    )
    if concession is not None:
        AgreedFee.objects.get_or_create(
            client=concession,
            defaults={
                "amount": CONCESSION,
                "agreed_on": begins,
                "reason": "A student concession, agreed at the first session.",
                "review_on": today + timedelta(days=60),
                "recorded_by": therapists[0],
            },
        )

    for client in clients:
        _earlier_sessions(client, since=begins)
    now = timezone.now()
    zone = practice.zone
    # Eli moves to a monthly statement for the last whole month the clock has seen begin.
    switch = today.replace(day=1)
    switch = (switch - timedelta(days=1)).replace(day=1)
    if datetime.combine(today.replace(day=1), time(7), tzinfo=zone) > now:
        switch = (switch - timedelta(days=1)).replace(day=1)
    if monthly is not None:
        ClientBilling.objects.get_or_create(client=monthly, defaults={"mode": BillingMode.PER_SESSION})

    # The clock's runs over the year: an hour after each session, and early on each 1st.
    ends = Appointment.objects.filter(practice=practice, kind=Kind.SESSION, end__lte=now, start__date__gte=begins)
    moments = {end + timedelta(hours=1) for end in ends.values_list("end", flat=True)}
    first = begins.replace(day=1)
    while first <= today:
        moments.add(datetime.combine(first, time(7), tzinfo=zone))
        first = (first + timedelta(days=32)).replace(day=1)
    switched = False
    for moment in sorted(m for m in moments if m <= now):
        if monthly is not None and not switched and moment.astimezone(zone).date() >= switch:
            ClientBilling.objects.filter(client=monthly).update(mode=BillingMode.MONTHLY)
            switched = True
        invoices_issue_due(practice=practice, now=moment)

    invoices = list(Invoice.objects.filter(practice=practice).invoices().order_by("issued_at", "number"))
    if not invoices:
        return
    waiting = next((i for i in reversed(invoices) if i.client == clients[0] and not i.is_statement), invoices[-1])
    credited = next((i for i in invoices if i.client == clients[0] and i.tax_point >= today - timedelta(days=90)), None)
    if credited is not None and credited != waiting:
        line = credited.lines.get()
        credit_note_issue(
            invoice=credited,
            amounts={line.pk: 2800},
            reason="The session was shortened to 30 minutes: Ana was delayed.",
            by=recorded_by,
        )
    for position, invoice in enumerate(invoices):
        if invoice == waiting:
            continue
        credit = 2800 if invoice == credited else 0
        payment_record(
            client=invoice.client,
            amount=invoice.total - credit,
            method=METHODS[position % len(METHODS)],
            received_on=min(invoice.tax_point + timedelta(days=1 + position % 6), today),
            invoice=invoice,
            reference=invoice.reference,
            by=recorded_by,
        )
    # The demo's history is not news: nothing of it is emailed.
    Email.objects.filter(pk__gt=emails_before, about_type__in=["money.invoice", "money.payment"]).delete()


def _earlier_sessions(client, *, since: date) -> None:
    """Sessions of ``client``'s series from ``since`` up to the bookings demo's first, so the demo has a year."""
    zone = client.practice.zone
    past = list(
        Appointment.objects.for_client(client)
        .sessions()
        .active()
        .past()
        .select_related("therapist")
        .order_by("start")[:2]
    )
    if not past:
        return
    step = timedelta(days=7)
    if len(past) == 2:
        step = timedelta(days=max((past[1].start - past[0].start).days, 7))
    local = past[0].start.astimezone(zone)
    day = local.date() - step
    while day >= since:
        start = datetime.combine(day, local.time(), tzinfo=zone)
        key = f"demo:{client.uuid}:{start:%Y%m%dT%H%M}"
        if not Appointment.objects.filter(idempotency_key=key).exists():
            try:
                appointment_book(
                    therapist=past[0].therapist,
                    client=client,
                    kind=Kind.SESSION,
                    mode=past[0].mode,
                    start=start,
                    status=Appointment.Status.COMPLETED,
                    booked_by="client",
                    key=key,
                )
            except SlotTaken:
                pass  # something else already sits at that time
        day -= step

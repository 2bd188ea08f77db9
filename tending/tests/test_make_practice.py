"""A tiny run of bench/make_practice.py: the synthetic practice is made through the real models, and holds."""

from argparse import Namespace

from django.db import connection
from django.db.models import Count
from django.test import TestCase

from audit.services import audit_verify
from bench.make_practice import build
from bookings.models import Appointment
from checkins.models import CheckIn
from notes.models import SessionNote
from practice.models import Client, StaffMember


def tiny(**overrides):
    return Namespace(**{"therapists": 2, "clients": 6, "years": 0.4, "scale": 1, "seed": "smoke", **overrides})


class MakePracticeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.made = build(tiny(), migrate=False)

    def test_it_makes_a_practice_with_check_ins_for_every_client_and_never_two_a_day(self):
        self.assertEqual(StaffMember.objects.filter(practice__slug="bench-1", is_therapist=True).count(), 2)
        self.assertEqual(Client.objects.filter(practice__slug="bench-1").count(), 6)
        self.assertEqual(self.made["practice.Client"], 6)
        self.assertEqual(self.made["checkins.CheckIn"], CheckIn.objects.count())
        per_client = CheckIn.objects.values("client").annotate(n=Count("id"), days=Count("local_date", distinct=True))
        self.assertEqual(len(per_client), 6)
        for row in per_client:
            self.assertEqual(row["n"], row["days"])

    def test_sealed_text_is_stored_sealed_and_opens_through_the_model_field(self):
        note = next(n for n in SessionNote.objects.all() if n.mind)
        self.assertFalse(note.mind.startswith(("v1:", "v2:")))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT mind FROM {SessionNote._meta.db_table} WHERE id = %s", [note.pk])
            (stored,) = cursor.fetchone()
        self.assertTrue(stored.startswith("v2:"))
        self.assertNotIn(note.mind, stored)

    def test_sessions_of_one_therapist_never_overlap_and_each_that_took_place_has_a_note(self):
        for therapist in StaffMember.objects.filter(is_therapist=True):
            spans = list(
                Appointment.objects.filter(therapist=therapist)
                .exclude(status="cancelled")
                .order_by("start")
                .values_list("start", "blocked_until")
            )
            self.assertTrue(spans)
            for earlier, later in zip(spans, spans[1:], strict=False):
                self.assertLessEqual(earlier[1], later[0])
        completed = Appointment.objects.filter(kind="session", status="completed")
        self.assertTrue(completed.exists())
        self.assertEqual(SessionNote.objects.count(), completed.count())

    def test_the_audit_trail_it_writes_is_an_unbroken_chain(self):
        checked, broken = audit_verify()
        self.assertGreater(checked, 0)
        self.assertEqual(broken, [])

    def test_it_bills_the_last_years_sessions_with_numbers_that_run_on_and_balances_that_add_up(self):
        from money.ledger import account
        from money.models import Charge, Invoice, InvoiceLine, NumberSequence, Payment

        self.assertTrue(Invoice.objects.exists())
        self.assertTrue(Payment.objects.exists())
        invoiced = Charge.objects.filter(status=Charge.Status.INVOICED)
        self.assertEqual(InvoiceLine.objects.count(), invoiced.count())
        self.assertFalse(invoiced.filter(invoice__isnull=True).exists())
        for invoice in Invoice.objects.all():
            self.assertEqual(invoice.total, sum(line.total for line in invoice.lines.all()))
        numbers = sorted(Invoice.objects.values_list("number", flat=True))
        self.assertEqual(numbers, list(range(1, len(numbers) + 1)))
        sequence = NumberSequence.objects.get(kind=NumberSequence.Kind.INVOICE)
        self.assertEqual(sequence.last_number, numbers[-1])
        receipts = sorted(Payment.objects.values_list("number", flat=True))
        self.assertEqual(receipts, list(range(1, len(receipts) + 1)))
        self.assertEqual(NumberSequence.objects.get(kind=NumberSequence.Kind.RECEIPT).last_number, len(receipts))
        for client in Client.objects.filter(invoices__isnull=False).distinct():
            found = account(client)
            self.assertEqual(found.balance, found.waiting)  # no credit: what is not paid is waiting
            stored = dict(Invoice.objects.for_client(client).values_list("pk", "waiting"))
            self.assertEqual(stored, {state.invoice.pk: state.waiting for state in found.invoices})
        # The books' monthly sums hold every payment and invoice written in bulk.
        from money.models import IssuedMonth, TakingsMonth

        self.assertEqual(
            sum(TakingsMonth.objects.values_list("received", flat=True)),
            sum(Payment.objects.values_list("amount", flat=True)),
        )
        self.assertEqual(
            sum(IssuedMonth.objects.values_list("invoices", flat=True)), Invoice.objects.invoices().count()
        )

    def test_it_refuses_to_fill_a_database_that_already_has_a_synthetic_practice(self):
        with self.assertRaises(SystemExit):
            build(tiny(clients=2), migrate=False)


class MakePracticeEndingsTests(TestCase):
    """Long enough for some clients' care to have ended (the tiny practice above is too short for that)."""

    @classmethod
    def setUpTestData(cls):
        build(tiny(clients=16, years=2, seed="1", messages_per_year=0), migrate=False)

    def test_every_client_whose_care_ended_has_an_ending_and_the_office_has_its_administrator(self):
        from allauth.mfa.models import Authenticator

        from ending.models import Ending, FollowUp

        ended = set(Client.objects.filter(care_status="ended").values_list("pk", flat=True))
        self.assertTrue(ended)
        endings = Ending.objects.filter(state=Ending.State.ENDED)
        self.assertEqual(sorted(endings.values_list("client_id", flat=True)), sorted(ended))
        for ending in endings:
            self.assertEqual(ending.ended_on, ending.client.care_status_since)
            self.assertEqual(ending.staff_copy["letter"], ending.letter)  # sealed, and opens with its row
        for follow_up in FollowUp.objects.select_related("ending"):
            self.assertTrue(follow_up.ending.follow_up)
            self.assertEqual(follow_up.client_id, follow_up.ending.client_id)
        administrator = StaffMember.objects.get(practice__slug="bench-1", is_administrator=True)
        self.assertFalse(administrator.is_therapist)
        self.assertTrue(Authenticator.objects.filter(user=administrator.user, type=Authenticator.Type.TOTP).exists())

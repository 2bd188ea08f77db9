from django.core.management.base import BaseCommand

from money.jobs import invoices as money_invoices


class Command(BaseCommand):
    help = (
        "Charge the sessions that have ended and issue what is due: an invoice after each session, "
        "and on the 1st each monthly client's statement of last month. Run hourly."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Issued {money_invoices()} invoice(s).")

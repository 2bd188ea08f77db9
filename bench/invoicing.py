"""Time the monthly statement run on the 1st with every client of a synthetic practice billed monthly.

    .venv/bin/python bench/invoicing.py [--database-url URL] [--practice bench-1] [--repeat 1]

Works on a practice made by bench/make_practice.py. Everything it changes is rolled back, so the
database is as it was afterwards and the run can be repeated. Inside one transaction it:

1. takes last month's and this month's invoices back out (with their lines and payments) and
   deletes their charges, so last month's sessions are not yet billed;
2. switches every client of the practice to a monthly statement;
3. collects last month's sessions as charges, as the hourly clock would have done during the month
   (``money.services.charges_collect``, not timed);
4. times ``money.services.invoices_issue_due`` at 07:00 on the 1st of this month: the clock's run
   that issues each active client's statement of last month (numbered, audited, emailed through
   the outbox: all of it, as in production).

Prints the seconds, how many statements and lines were issued, and the time per statement, as JSON.
"""

import argparse
import json
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_url, setup_django  # noqa: E402


class RolledBack(Exception):
    """Raised at the end of each run to undo it."""


def one_run(practice) -> dict:
    # Django is set up at run time (bench.common.setup_django), so models are imported once it is.
    from django.db import transaction
    from django.utils import timezone

    from money.models import BillingMode, Charge, ClientBilling, Invoice, InvoiceLine, Payment
    from money.services import charges_collect, invoices_issue_due
    from practice.models import Client

    zone = practice.zone
    today = timezone.localdate(timezone=zone)
    first = today.replace(day=1)
    last_month = (first - timedelta(days=1)).replace(day=1)
    run_at = datetime.combine(first, clock(7), tzinfo=zone)
    found = {}
    try:
        with transaction.atomic():
            recent = Invoice.objects.filter(practice=practice, tax_point__gte=last_month)
            Payment.objects.filter(invoice__in=recent).delete()
            Charge.objects.filter(practice=practice, day__gte=last_month).delete()
            recent.delete()
            clients = list(Client.objects.filter(practice=practice).values_list("pk", flat=True))
            ClientBilling.objects.filter(client_id__in=clients).update(mode=BillingMode.MONTHLY)
            have = set(ClientBilling.objects.filter(client_id__in=clients).values_list("client_id", flat=True))
            ClientBilling.objects.bulk_create(
                [ClientBilling(client_id=pk, mode=BillingMode.MONTHLY) for pk in clients if pk not in have]
            )
            collected = charges_collect(practice=practice, now=run_at)
            began = time.perf_counter()
            issued = invoices_issue_due(practice=practice, now=run_at)
            seconds = time.perf_counter() - began
            statements = Invoice.objects.filter(practice=practice, issued_at=run_at)
            found = {
                "clients": len(clients),
                "active_clients": Client.objects.filter(practice=practice, care_status="active").count(),
                "charges_collected": collected,
                "statements": issued,
                "statements_of_last_month": statements.filter(period_end=first - timedelta(days=1)).count(),
                "lines": InvoiceLine.objects.filter(invoice__in=statements).count(),
                "seconds": round(seconds, 2),
                "ms_per_statement": round(1000 * seconds / issued, 1) if issued else None,
            }
            raise RolledBack
    except RolledBack:
        pass
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--practice", default="bench-1", help="the synthetic practice's slug")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    setup_django(database_url(args.database_url))
    # Django is set up at run time (bench.common.setup_django), so models are imported once it is.
    from django.core.management import call_command
    from django.db import connection

    from practice.models import Practice

    call_command("migrate", verbosity=0, interactive=False)
    practice = Practice.objects.get(slug=args.practice)
    runs = [one_run(practice) for _ in range(args.repeat)]
    best = min(runs, key=lambda run: run["seconds"])
    result = {
        "database": connection.vendor,
        "practice": args.practice,
        **best,
        "seconds_each_run": [run["seconds"] for run in runs],
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()

from django.db import migrations, models


class Migration(migrations.Migration):
    """The unpaid invoices' index also carries what their totals read, so the sums never visit the table.

    The wider index is made before the narrower goes, so no moment of the migration is without one.
    """

    dependencies = [("money", "0004_books_kept_by_month")]

    operations = [
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                condition=models.Q(("waiting__gt", 0)),
                fields=["practice", "tax_point", "kind", "status", "client", "waiting"],
                name="money_invoice_waiting_sums",
            ),
        ),
        migrations.RemoveIndex(model_name="invoice", name="money_invoice_waiting_by_age"),
    ]

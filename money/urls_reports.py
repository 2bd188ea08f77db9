from django.urls import path

from money import views_reports

# The office's books: the reports page and the accountant's CSV files (owners and administrators).
urlpatterns = [
    path("reports/", views_reports.reports, name="reports"),
    path("reports/xero-invoices.csv", views_reports.export_invoices, name="export_invoices"),
    path("reports/payments.csv", views_reports.export_payments, name="export_payments"),
]

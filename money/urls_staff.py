from django.urls import path

from money import views_staff

# The staff's work with clients' money: what is waiting, one client's billing, invoices and payments.
urlpatterns = [
    path("", views_staff.overview, name="overview"),
    path("clients/<uuid:client_uuid>/", views_staff.client_money, name="client"),
    path("clients/<uuid:client_uuid>/billing/", views_staff.client_billing_save, name="client_billing"),
    path("clients/<uuid:client_uuid>/agreed-fees/", views_staff.agreed_fee_new, name="agreed_fee_add"),
    path("agreed-fees/<uuid:fee_uuid>/end/", views_staff.agreed_fee_stop, name="agreed_fee_end"),
    path("charges/<uuid:charge_uuid>/waive/", views_staff.waive, name="charge_waive"),
    path("charges/<uuid:charge_uuid>/reinstate/", views_staff.reinstate, name="charge_reinstate"),
    path("clients/<uuid:client_uuid>/issue/", views_staff.issue, name="invoice_issue"),
    path("clients/<uuid:client_uuid>/payments/new/", views_staff.payment_new, name="payment_new"),
    path("invoices/<uuid:invoice_uuid>/", views_staff.invoice_detail, name="invoice"),
    path("invoices/<uuid:invoice_uuid>/void/", views_staff.void, name="invoice_void"),
    path("invoices/<uuid:invoice_uuid>/credit/", views_staff.credit_note, name="credit_note"),
    path("invoices/<uuid:invoice_uuid>/pdf/", views_staff.invoice_pdf, name="invoice_pdf"),
    path("receipts/<uuid:payment_uuid>/", views_staff.receipt, name="receipt"),
    path("receipts/<uuid:payment_uuid>/pdf/", views_staff.receipt_pdf, name="receipt_pdf"),
]

from django.urls import path

from money import views_client

# The client's own invoices, credit notes and receipts, and the signed links the emails carry.
urlpatterns = [
    path("mine/", views_client.mine, name="mine"),
    path("mine/preferences/", views_client.mine_preferences, name="mine_preferences"),
    path("mine/<uuid:invoice_uuid>/", views_client.mine_document, name="mine_document"),
    path("mine/<uuid:invoice_uuid>/pdf/", views_client.mine_document_pdf, name="mine_document_pdf"),
    path("mine/receipts/<uuid:payment_uuid>/", views_client.mine_receipt, name="mine_receipt"),
    path("mine/receipts/<uuid:payment_uuid>/pdf/", views_client.mine_receipt_pdf, name="mine_receipt_pdf"),
    # ``token`` is a URL argument the logs and the audit trail redact (tending.logs.SECRET_KWARGS).
    path("d/<str:what>/<str:token>/", views_client.document_link, name="document_link"),
    path("d/<str:what>/<str:token>/pdf/", views_client.document_link_pdf, name="document_link_pdf"),
]

from django.urls import path

from money import views_online

# Paying online through Stripe Checkout: the button (on an invoice's signed link) and Stripe's webhook.
urlpatterns = [
    # ``token`` is a URL argument the logs and the audit trail redact (tending.logs.SECRET_KWARGS).
    path("d/<str:what>/<str:token>/pay/", views_online.pay, name="document_link_pay"),
    path("stripe/webhook/", views_online.stripe_webhook, name="stripe_webhook"),
]

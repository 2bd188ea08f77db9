from django.apps import AppConfig


class MoneyConfig(AppConfig):
    name = "money"

    def ready(self):
        # Imported once the app registry is ready: these modules import models.
        from bookings.signals import appointment_cancelled
        from money import receivers

        appointment_cancelled.connect(receivers.appointment_cancelled, dispatch_uid="money.appointment_cancelled")

from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self):
        # Imported once the app registry is ready: these modules import models.
        from accounts.signals import client_joined
        from bookings import receivers
        from practice.signals import care_status_changed

        client_joined.connect(receivers.client_joined, dispatch_uid="bookings.client_joined")
        care_status_changed.connect(receivers.care_status_changed, dispatch_uid="bookings.care_status_changed")

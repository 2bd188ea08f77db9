from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "measures"

    def ready(self):
        # Risk never imports measures: measures tells it how a question-9 alert reads on the alert page.
        from measures.risk_details import phq9_item9_details
        from risk.context import register_alert_details

        register_alert_details("phq9_item9", phq9_item9_details)

        # Imported once the app registry is ready: receivers import models.
        from measures import receivers
        from practice.signals import care_status_changed

        care_status_changed.connect(receivers.care_status_changed, dispatch_uid="measures.care_status_changed")

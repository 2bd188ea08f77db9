from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "measures"

    def ready(self):
        # Risk never imports measures: measures tells it how a question-9 alert reads on the alert page.
        from measures.risk_details import phq9_item9_details
        from risk.context import register_alert_details

        register_alert_details("phq9_item9", phq9_item9_details)

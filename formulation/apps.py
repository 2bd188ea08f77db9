from django.apps import AppConfig

from measures.signals import response_completed


class FormulationConfig(AppConfig):
    name = "formulation"

    def ready(self):
        # Imported once the app registry is ready: the receivers import models.
        from formulation import receivers

        response_completed.connect(receivers.response_completed, dispatch_uid="formulation.response_completed")

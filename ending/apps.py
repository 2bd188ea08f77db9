from django.apps import AppConfig


class EndingConfig(AppConfig):
    name = "ending"
    verbose_name = "Ending well, and carrying on"

    def ready(self):
        # Imported here so the receivers connect once Django has loaded every app's models.
        from ending import receivers  # noqa: F401

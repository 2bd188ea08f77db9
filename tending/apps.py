from django.apps import AppConfig


class TendingConfig(AppConfig):
    """The project as an app, for the commands that span every app (``seed_demo``)."""

    name = "tending"

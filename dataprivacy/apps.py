from django.apps import AppConfig


class DataprivacyConfig(AppConfig):
    name = "dataprivacy"

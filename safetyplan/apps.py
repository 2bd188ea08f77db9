from django.apps import AppConfig


class SafetyplanConfig(AppConfig):
    name = "safetyplan"

from django.apps import AppConfig


class MindfulnessConfig(AppConfig):
    name = "mindfulness"

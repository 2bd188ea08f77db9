from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # Imported once the app registry is ready: the receivers import the audit log's models.
        from accounts import receivers  # noqa: F401  (sign-in events go to the audit log)

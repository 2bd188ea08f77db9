from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CaseloadConfig(AppConfig):
    name = "caseload"

    def ready(self):
        """Mark a client changed whenever a row the caseload's facts are computed from is saved or deleted.

        Signals miss ``QuerySet.update()``, ``bulk_create`` and SQL: the services that write those rows that
        way call ``practice.attention.client_changed`` themselves (listed there).
        """
        from bookings.models import Appointment
        from formulation.models import Insight
        from journal.models import Entry
        from measures.models import MeasureResponse
        from messaging.models import Conversation

        for model in (Appointment, Insight, Entry, MeasureResponse, Conversation):
            label = model._meta.label_lower
            post_save.connect(_mark, sender=model, dispatch_uid=f"caseload-facts-save-{label}")
            post_delete.connect(_mark, sender=model, dispatch_uid=f"caseload-facts-delete-{label}")


def _mark(sender, instance, **kwargs):
    from django.contrib.auth import get_user_model
    from django.db.models import QuerySet

    from practice.attention import client_changed
    from practice.models import Client, Practice

    if kwargs.get("raw"):  # loaddata: the rebuild command recomputes everything
        return
    origin = kwargs.get("origin")
    if origin is not None:
        # Deleting the client itself (or their account, or the practice): a mark would name a client
        # that is going, and its facts go with it.
        deleting = origin.model if isinstance(origin, QuerySet) else type(origin)
        if issubclass(deleting, (Client, Practice, get_user_model())):
            return
    client_changed(getattr(instance, "client_id", None), reason=sender._meta.label_lower)

import hashlib

from django.apps import apps

# Rows that legitimately change on any request, refused or not.
_VOLATILE = {"sessions.session", "audit.auditevent", "django_tasks_db.dbtaskresult"}


def db_fingerprint() -> str:
    """A hash of every row of every model: equal fingerprints mean nothing was written."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        label = model._meta.label_lower
        if label in _VOLATILE or model._meta.proxy or not model._meta.managed:
            continue
        digest.update(label.encode())
        for row in model._default_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()

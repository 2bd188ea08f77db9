import hashlib
import json

from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    def for_practice(self, practice):
        return self.filter(practice_id=practice.uuid)

    def for_client(self, client):
        return self.filter(client_id=client.uuid)


class AuditEvent(models.Model):
    """One append-only line of who read or changed which clinical object, when and from where.

    Rows hold identifiers and field names only, never clinical text. People are
    kept as UUIDs rather than foreign keys so that erasing a person never
    rewrites history (and never breaks the hash chain, see ``compute_hash``).
    """

    class Action(models.TextChoices):
        READ = "read", "Read"
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"
        EXPORT = "export", "Export"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in failed"
        LOGOUT = "logout", "Signed out"
        INVITE = "invite", "Invited"
        EMERGENCY_ACCESS = "emergency_access", "Emergency access"
        ACKNOWLEDGE = "acknowledge", "Acknowledged"
        ESCALATE = "escalate", "Escalated"
        NOTIFY = "notify", "Notified"
        SIGN = "sign", "Signed"
        HANDOVER = "handover", "Care handed over"
        DEACTIVATE = "deactivate", "Deactivated"
        REACTIVATE = "reactivate", "Reactivated"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    practice_id = models.UUIDField(null=True, blank=True, db_index=True)
    actor_id = models.UUIDField(null=True, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=20, choices=Action)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    client_id = models.UUIDField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["client_id", "at"]),
            # One person's events of one kind over a period: the caseload's "shared entries not yet read"
            # asks for a therapist's journal reads of the last 90 days (bench: 8 ms to well under 1 ms).
            models.Index(fields=["actor_id", "object_type", "at"], name="audit_actor_type_at"),
        ]

    def canonical(self) -> str:
        return json.dumps(
            {
                "at": self.at.isoformat(),
                "practice_id": str(self.practice_id or ""),
                "actor_id": str(self.actor_id or ""),
                "actor_role": self.actor_role,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "client_id": str(self.client_id or ""),
                "ip": self.ip or "",
                "path": self.path,
                "detail": self.detail,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical()).encode()).hexdigest()

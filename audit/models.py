import hashlib
import json

from django.db import models
from django.utils import timezone

from audit import keys

# Rows written before chains were keyed and kept per practice (migration 0005): one global
# SHA-256 chain, verified as it was written and sealed by the first checkpoint after it.
LEGACY = "legacy"
# The chain of events that belong to no practice (a failed sign-in of an unknown email, say).
SYSTEM = "system"


def chain_name(practice_id) -> str:
    return str(practice_id) if practice_id else SYSTEM


class AuditEventQuerySet(models.QuerySet):
    def for_practice(self, practice):
        return self.filter(practice_id=practice.uuid)

    def for_client(self, client):
        return self.filter(client_id=client.uuid)

    def reads_of(self, object_type: str):
        """Reads that name ``object_type``: as the row's own object or among a page's reads (``detail["read"]``,
        audit/reads.py). For questions like "who read client X's intake?"; a text match on the list, so it may
        also find a page that only mentions the kind in a read's own detail: ``reads.objects_read`` is exact."""
        return self.filter(action="read").filter(
            models.Q(object_type=object_type) | models.Q(detail__read__icontains=f'"{object_type}"')
        )


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
    # Which chain (the practice's UUID, SYSTEM or LEGACY), the row's place in it (1, 2, ...;
    # None for legacy rows) and the id of the audit key that signed it ("" for legacy rows).
    chain = models.CharField(max_length=36, default=LEGACY)
    seq = models.PositiveBigIntegerField(null=True, blank=True)
    key_id = models.CharField(max_length=16, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            # Two writers that both saw the same head cannot both append: the chain never forks.
            # Also the index that finds a chain's head.
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique"),
        ]
        indexes = [
            # The owner's audit page, a page at a time newest first, for one practice among many.
            models.Index(fields=["practice_id", "id"], name="audit_practice_id"),
            models.Index(fields=["client_id", "at"]),
            # One person's events of one kind over a period: the caseload's "shared entries not yet read"
            # asks for a therapist's journal reads of the last 90 days (bench: 8 ms to well under 1 ms).
            models.Index(fields=["actor_id", "object_type", "at"], name="audit_actor_type_at"),
        ]

    def canonical(self) -> str:
        fields = {
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
        }
        if self.key_id:
            fields.update({"chain": self.chain, "seq": self.seq, "key_id": self.key_id})
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))

    def compute_hash(self) -> str | None:
        """The row's link: HMAC-SHA256 under its audit key (None if that key is not in the ring).

        Legacy rows (no key id) keep the plain SHA-256 they were written with.
        """
        if not self.key_id:
            return hashlib.sha256((self.prev_hash + self.canonical()).encode()).hexdigest()
        return keys.mac(self.key_id, "row", self.prev_hash + self.canonical())


class AuditChain(models.Model):
    """The head row of one chain: its newest row's place and hash, locked by each append on PostgreSQL, and the
    chain's last verification.

    The banner on the owner's home reads ``verified_ok`` here in one query.
    """

    name = models.CharField(max_length=36, unique=True)
    # The chain's newest row, kept by each append in its own transaction (audit/services.py): the statement that
    # locks the chain returns it, so an append finds its place without reading the events.
    head_seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default="0" * 64)  # audit.verify.GENESIS: no row yet
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_ok = models.BooleanField(null=True)
    problem = models.TextField(blank=True)

    def __str__(self):
        return self.name

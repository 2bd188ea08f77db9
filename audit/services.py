"""Writing the audit log. Every read or change of clinical data goes through ``audit_record``."""

from django.db import connection, transaction

from audit.models import AuditEvent

GENESIS = "0" * 64
# Any fixed 64-bit number; PostgreSQL advisory locks are keyed by it.
_CHAIN_LOCK_KEY = 0x7E4D1A60


def client_ip(request) -> str | None:
    """The caller's address (behind our proxies, ``TrustedProxyMiddleware`` has put it in REMOTE_ADDR)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _role_of(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    staff = getattr(user, "staff_member", None) if hasattr(user, "staff_member") else None
    if staff is not None:
        return "owner" if staff.is_owner and not staff.is_therapist else "therapist"
    return "client" if hasattr(user, "client") else "user"


def audit_record(
    *,
    action: str,
    object_type: str,
    object_id="",
    request=None,
    actor=None,
    client=None,
    practice=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event to the chained log.

    The chain needs each row to see the one before it, so appends are
    serialised: by an advisory lock on PostgreSQL, and by SQLite's single
    writer (our transactions begin IMMEDIATE, so the lock is held from the start).
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if practice is None and client is not None:
        practice = client.practice
    if practice is None and actor is not None:
        membership = getattr(actor, "staff_member", None) if hasattr(actor, "staff_member") else None
        membership = membership or (actor.client if hasattr(actor, "client") else None)
        practice = membership.practice if membership is not None else None
    event = AuditEvent(
        practice_id=practice.uuid if practice is not None else None,
        actor_id=actor.uuid if actor is not None else None,
        actor_role=_role_of(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        client_id=client.uuid if client is not None else None,
        ip=client_ip(request),
        path=(request.path[:300] if request is not None else ""),
        detail=detail or {},
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last or GENESIS
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    return event


def audit_read(request, obj, *, client, object_type: str | None = None, detail: dict | None = None) -> AuditEvent:
    """Record that the request's user read ``obj``, a piece of ``client``'s clinical record."""
    return audit_record(
        action=AuditEvent.Action.READ,
        object_type=object_type or obj._meta.label_lower,
        object_id=getattr(obj, "uuid", None) or obj.pk,
        request=request,
        client=client,
        detail=detail,
    )


def audit_change(action: str, obj, *, actor, client, request=None, fields=()) -> AuditEvent:
    """Record that ``actor`` changed ``obj`` (a piece of ``client``'s record), naming only the fields."""
    return audit_record(
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.uuid,
        request=request,
        actor=actor,
        client=client,
        detail={"fields": sorted(fields)} if fields else None,
    )


def audit_verify() -> tuple[int, list[int]]:
    """Walk the chain in order; return how many rows were checked and the ids of rows that do not hold."""
    broken: list[int] = []
    previous = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if event.prev_hash != previous or event.compute_hash() != event.hash:
            broken.append(event.id)
        previous = event.hash
    return checked, broken

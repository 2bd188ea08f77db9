"""Writing the audit log. A person reading or changing a piece of a client's record is recorded by
``audit_read`` or ``audit_change`` (inside a request a page's reads are one row: audit/reads.py); other
events (sign-ins, notifications, escalations, exports, a practice's own settings) by ``audit_record``,
which every row goes through.

Each practice has its own chain (and events of no practice share the SYSTEM
chain): every row carries its chain, its place in it and an HMAC-SHA256 over the
previous row's link and its own content, under the audit key (audit/keys.py).
Someone with database access can delete or edit rows, but cannot re-sign them;
deleting the newest rows is caught by the signed checkpoints (audit/checkpoints.py).
"""

import ipaddress
from functools import cache

from django.db import connection, transaction
from django.db.models.sql import InsertQuery

from audit import keys
from audit.models import AuditChain, AuditEvent, chain_name
from audit.reads import page_reads
from audit.verify import GENESIS, verify_chains
from core.compiled import kept_cursor
from tending.logs import redact_path

__all__ = ["GENESIS", "audit_change", "audit_read", "audit_record", "audit_verify", "client_ip", "normalise_ip"]


def normalise_ip(value) -> str | None:
    """One spelling per address, the one the database gives back: an IPv4-mapped IPv6 address
    (``::ffff:10.0.0.1``) becomes ``10.0.0.1`` and IPv6 is lower-case and compressed, so the
    hash is computed over exactly what is stored. Anything that is not an address is dropped."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(str(value).strip().split("%", 1)[0])
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def client_ip(request) -> str | None:
    """The caller's address (behind our proxies, ``TrustedProxyMiddleware`` has put it in REMOTE_ADDR)."""
    if request is None:
        return None
    return normalise_ip(request.META.get("REMOTE_ADDR"))


_CHAIN_TABLE = AuditChain._meta.db_table
# Makes the chain's head row the first time; otherwise ``DO UPDATE`` takes its row lock (like
# ``select_for_update``) and ``RETURNING`` gives its newest version, after any append it waited for.
_CLAIM_HEAD = (
    f"INSERT INTO {_CHAIN_TABLE} (name, verified_ok, problem, head_seq, head_hash) "  # noqa: S608  # nosec B608
    "VALUES (%s, NULL, '', 0, %s) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING head_seq, head_hash"
)
_MOVE_HEAD = f"UPDATE {_CHAIN_TABLE} SET head_seq = %s, head_hash = %s WHERE name = %s"  # noqa: S608  # nosec B608


def _claim_head(name: str) -> tuple[int, str]:
    """The newest row's place and hash on chain ``name``, its head row held until the transaction ends.

    Appends to one practice's chain queue behind each other on PostgreSQL; other practices never wait.
    SQLite takes no row lock: our transactions begin IMMEDIATE, so one writer at a time.
    """
    with kept_cursor(connection, _CLAIM_HEAD) as cursor:
        cursor.execute(_CLAIM_HEAD, [name, GENESIS])
        return cursor.fetchone()


_FIELDS = [f for f in AuditEvent._meta.local_concrete_fields if f is not AuditEvent._meta.auto_field]


@cache
def _insert_and_move() -> str:
    """The one statement that writes a row and moves its chain's head on PostgreSQL: the insert is Django's own for
    an event, every value a parameter, written once per process (building it on every page was 2% of a record's CPU
    at saturation, bench/spy.py)."""
    stand_in = AuditEvent(**{f.attname: None for f in _FIELDS})
    query = InsertQuery(AuditEvent)
    query.insert_values(_FIELDS, [stand_in])
    ((insert, _params),) = query.get_compiler(connection=connection).as_sql()
    pk = connection.ops.quote_name(AuditEvent._meta.pk.column)
    return f"WITH written AS ({insert} RETURNING {pk}) {_MOVE_HEAD} RETURNING (SELECT {pk} FROM written)"  # noqa: S608  # nosec B608


def _insert_params(event: AuditEvent) -> list:
    """``event``'s values as Django's insert sends them (``SQLInsertCompiler.prepare_value`` of each field's
    ``pre_save``), in ``_FIELDS``' order."""
    return [f.get_db_prep_save(f.pre_save(event, True), connection) for f in _FIELDS]


def _write(event: AuditEvent) -> None:
    """Insert ``event`` and make it its chain's head: one statement on PostgreSQL (the insert inside the
    update), two on SQLite (which has no INSERT inside WITH)."""
    head = [event.seq, event.hash, event.chain]
    if connection.vendor != "postgresql":
        event.save(force_insert=True)
        with connection.cursor() as cursor:
            cursor.execute(_MOVE_HEAD, head)
        return
    statement = _insert_and_move()
    with kept_cursor(connection, statement) as cursor:
        cursor.execute(statement, [*_insert_params(event), *head])
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias


def append(event: AuditEvent) -> AuditEvent:
    """Sign ``event`` onto the end of its practice's chain and save it."""
    event.ip = normalise_ip(event.ip)
    event.chain = chain_name(event.practice_id)
    event.key_id = keys.current_key_id()
    with transaction.atomic():
        seq, prev_hash = _claim_head(event.chain)
        event.seq, event.prev_hash = seq + 1, prev_hash
        event.hash = event.compute_hash()
        _write(event)
    return event


def _role_of(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    staff = getattr(user, "staff_member", None) if hasattr(user, "staff_member") else None
    if staff is not None:
        if staff.is_therapist:
            return "therapist"
        return "owner" if staff.is_owner else "administrator"
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
    """Append one event to its practice's chain (see ``append``)."""
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
        # Without its token: an invitation's or a feed's secret must not live on in the audit log.
        path=(redact_path(request.path)[:300] if request is not None else ""),
        detail=detail or {},
    )
    return append(event)


def audit_read(
    request, obj, *, client, object_type: str | None = None, detail: dict | None = None
) -> AuditEvent | None:
    """Record that the request's user read ``obj``, a piece of ``client``'s clinical record.

    Inside a request the read joins the page's one row, written when the page is made
    (audit/reads.py, audit/middleware.py) and None is returned; outside one it is written now.
    """
    object_type = object_type or obj._meta.label_lower
    object_id = getattr(obj, "uuid", None) or obj.pk
    page = page_reads(request)
    if page is not None:
        page.add(object_type=object_type, object_id=object_id, client=client, detail=detail)
        return None
    return audit_record(
        action=AuditEvent.Action.READ,
        object_type=object_type,
        object_id=object_id,
        request=request,
        client=client,
        detail=detail,
    )


def audit_change(
    action: str,
    obj,
    *,
    client,
    actor=None,
    request=None,
    fields=(),
    object_type: str | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Record that ``actor`` (by default the request's user) changed ``obj``, a piece of ``client``'s record.

    The detail names the fields and, in ``detail``, ids and choices: never what was written.
    ``object_type`` keeps the name the log has always used where it is not the model's label.
    """
    return audit_record(
        action=action,
        object_type=object_type or obj._meta.label_lower,
        object_id=obj.uuid,
        request=request,
        actor=actor,
        client=client,
        detail={**({"fields": sorted(fields)} if fields else {}), **(detail or {})},
    )


def audit_verify() -> tuple[int, list[int]]:
    """Walk every chain from its first row; return how many rows were checked and the ids of rows that do not hold.

    ``manage.py audit_verify`` gives the full report, with checkpoints (audit/verify.py).
    """
    report = verify_chains(full=True)
    return report.checked, report.broken_ids


def audit_list_read(request, object_type: str, objects) -> AuditEvent | None:
    """Record that the request's user read a list of records of several clients at once (a bulk read).

    One row for the page, naming the records and their clients (UUIDs only), so a
    regulator's question "who saw this client's alerts?" finds list views too. Inside a request
    the page's lists share that one row (audit/reads.py) and None is returned.
    """
    detail = {
        "list": True,
        "ids": [str(getattr(obj, "uuid", obj.pk)) for obj in objects],
        "clients": sorted({str(obj.client.uuid) for obj in objects if getattr(obj, "client", None)}),
    }
    page = page_reads(request)
    if page is not None:
        page.add_list(object_type=object_type, detail=detail)
        return None
    return audit_record(
        action=AuditEvent.Action.READ, object_type=object_type, object_id="list", request=request, detail=detail
    )

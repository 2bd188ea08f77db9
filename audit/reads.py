"""One audited read per page: the reads a request makes are gathered here and written as one row per client.

Inside a request (``AuditReadsMiddleware`` has put a ``PageReads`` on it) ``audit_read`` and
``audit_list_read`` only add to the page's list; once the view has produced its response the
middleware writes it. Outside a request (commands, jobs, a test calling a view or a service directly)
nothing is gathered and every read is written at once, as before.

The row a page writes (``rows``):
- one per client whose record the page read (a page about one client, the normal case, writes one),
  so "who read client X's Y" still finds it by ``client_id``;
- ``object_type``/``object_id`` name the first thing read (the page's main object), and
  ``detail["read"]`` names every thing read, in order, as ``[object_type, object_id]`` (with a third
  item, the read's own detail, where it had one); the main object's own detail stays at the top of
  ``detail`` as it always was. A page that read one thing writes exactly the row it wrote before.
- Reads of messages never share a row with anything else (the client's "Who has opened my record"
  must never show a message was read), and the main object is the first read that is not money
  (a page that only looked at invoices is not "your record").
- The bulk (list) reads of a page, which belong to no one client, are one row together: ``object_id``
  "list", ``detail["ids"]`` and ``detail["clients"]`` as ``audit_list_read`` always wrote them.
"""

from dataclasses import dataclass, field

# Reads kept apart from the rest of the page, and kinds never the main object of a combined row.
APART = ("messages.",)
NOT_MAIN = ("money.",)
ATTRIBUTE = "_audit_page_reads"


@dataclass
class Read:
    object_type: str
    object_id: str
    detail: dict = field(default_factory=dict)


@dataclass
class PageReads:
    """What one request has read so far, grouped by client in the order first read."""

    by_client: dict = field(default_factory=dict)  # (client uuid, apart) -> (client, [Read, ...])
    lists: list[tuple[str, dict]] = field(default_factory=list)  # (object_type, detail) of each bulk read
    discarded: bool = False

    def add(self, *, object_type: str, object_id, client, detail: dict | None) -> None:
        apart = object_type.startswith(APART)
        key = (client.uuid if client is not None else None, apart)
        _, reads = self.by_client.setdefault(key, (client, []))
        read = Read(object_type, str(object_id), dict(detail or {}))
        if not any(r.object_type == read.object_type and r.object_id == read.object_id for r in reads):
            reads.append(read)

    def add_list(self, *, object_type: str, detail: dict) -> None:
        self.lists.append((object_type, detail))

    def rows(self):
        """The rows to write: dicts of ``audit_record``'s arguments (without the request)."""
        for client, reads in self.by_client.values():
            yield combined(reads, client=client)
        if self.lists:
            yield combined_lists(self.lists)


def combined(reads: list[Read], *, client) -> dict:
    """One row for ``reads`` of one client: the main object named, every object listed in ``detail``."""
    ordered = [r for r in reads if not r.object_type.startswith(NOT_MAIN)] + [
        r for r in reads if r.object_type.startswith(NOT_MAIN)
    ]
    main = ordered[0]
    detail = dict(main.detail)
    if len(ordered) > 1:
        detail["read"] = [[r.object_type, r.object_id, *([r.detail] if r.detail else [])] for r in ordered]
    return {"object_type": main.object_type, "object_id": main.object_id, "client": client, "detail": detail}


def combined_lists(lists: list[tuple[str, dict]]) -> dict:
    """One row for the page's bulk reads: the first list's kind, every record and client named."""
    object_type, first = lists[0]
    if len(lists) == 1:
        return {"object_type": object_type, "object_id": "list", "client": None, "detail": first}
    ids, clients = [], set()
    for _, detail in lists:
        ids += [i for i in detail.get("ids", []) if i not in ids]
        clients |= set(detail.get("clients", []))
    detail = {"list": True, "ids": ids, "clients": sorted(clients), "read": [[t, "list"] for t, _ in lists]}
    return {"object_type": object_type, "object_id": "list", "client": None, "detail": detail}


def page_reads(request) -> PageReads | None:
    """The request's gathered reads, or None when reads are to be written at once."""
    reads = getattr(request, ATTRIBUTE, None) if request is not None else None
    return reads if reads is not None and not reads.discarded else None


def objects_read(event) -> list[tuple[str, str]]:
    """Every ``(object_type, object_id)`` a row says was read: its own, or all of a combined row's."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    listed = detail.get("read")
    if isinstance(listed, list) and listed:
        return [(str(item[0]), str(item[1])) for item in listed if isinstance(item, list) and len(item) >= 2]
    return [(event.object_type, event.object_id)]

"""The owner's audit page: the practice's audit log in plain words, filtered, and its CSV download."""

import csv
import uuid

from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.describe import sentence, spoken_list
from audit.forms import NAME_MATCHES, AuditFilterForm
from audit.models import AuditEvent
from audit.services import audit_record
from core.compiled import CompiledRead
from core.dates import written
from core.html import format_many, format_rows
from practice.access import owner_required
from practice.models import Client, EmergencyAccess, display_name
from practice.staff import staff_rows

PAGE_SIZE = 50
# Never matches: keeps the names' and the reasons' queries on every page, so the page's query count is fixed.
_NO_GRANT = uuid.UUID(int=0)


def _staff(practice) -> list[tuple[str, str]]:
    """The practice's staff, former members too, as the person filter's choices (one query)."""
    return sorted(((str(s.user_uuid), s.name) for s in staff_rows(practice.pk)), key=lambda p: p[1].lower())


# The clients a page of the log names, read by a kept read (core/compiled.py) of one shape: the page's clients and
# people padded to ``PAGE_SIZE`` each with a UUID no one has. Built by the ORM on every page, with a hundred values
# in its lists, this was a fifth of the page's CPU at saturation (bench/spy.py, "Issue 22, twenty-first pass").
_ABOUT = [f"about_{n}" for n in range(PAGE_SIZE)]
_ACTORS = [f"actor_{n}" for n in range(PAGE_SIZE)]
_CLIENTS_NAMED_ON_A_PAGE = CompiledRead(
    Client,
    lambda shape, *, practice, **people: Client.objects.in_practice(practice)
    .filter(Q(uuid__in=[people[n] for n in _ABOUT]) | Q(user__uuid__in=[people[n] for n in _ACTORS]))
    .values_list("uuid", "user__uuid", "preferred_name", "user__name", "user__email"),
    {"practice": int, **dict.fromkeys(_ABOUT + _ACTORS, uuid.UUID)},
)


def _padded(names: list[str], found: set) -> dict:
    """The UUIDs ``found`` (at most one a row of the page) as the values ``names``, the rest ``_NO_GRANT``."""
    values = sorted(found)
    return dict(zip(names, values + [_NO_GRANT] * (len(names) - len(values)), strict=True))


def _names(practice, events=None, *, staff=None) -> dict:
    """Names by UUID (a person's user, a client) for the rows of ``events``, or for everyone in the practice
    (the CSV). For a page, ``staff`` is the practice's staff ``_staff`` read and the page's clients are one query;
    for the CSV, two queries."""
    names: dict = {}
    if events is None:
        names.update((s.user_uuid, s.name) for s in staff_rows(practice.pk))
        clients = Client.objects.in_practice(practice).values_list(
            "uuid", "user__uuid", "preferred_name", "user__name", "user__email"
        )
    else:
        names.update((uuid.UUID(uuid_), label) for uuid_, label in staff)
        actors = {e.actor_id for e in events if e.actor_id}
        about = {e.client_id for e in events if e.client_id}
        clients = _CLIENTS_NAMED_ON_A_PAGE.rows(
            practice=practice.pk, **_padded(_ABOUT, about), **_padded(_ACTORS, actors)
        )
    for client_uuid, user_uuid, *label in clients:
        names[user_uuid] = names[client_uuid] = display_name(*label)
    return names


def _clients_named(practice, form) -> list[tuple[uuid.UUID, str]] | None:
    """The clients the filters name: those whose name or email holds what was typed (up to ``NAME_MATCHES``,
    and one more to tell that there are more), else the one a link names by UUID; None when the filters name
    no client. One query when they do."""
    data = form.cleaned_data
    typed = data.get("name", "").strip()
    if not typed and not data.get("client"):
        return None
    clients = Client.objects.in_practice(practice)
    clients = clients.matching(typed) if typed else clients.filter(uuid=data["client"])
    found = clients.order_by("user__name", "id").values_list("uuid", "preferred_name", "user__name", "user__email")
    return [(uuid_, display_name(*label)) for uuid_, *label in found[: NAME_MATCHES + 1]]


def _about(clients, typed: str) -> str:
    """The line that says which clients the log is narrowed to."""
    if not clients:
        return f"No client’s name or email holds “{typed}”." if typed else "That link names no client of the practice."
    labels = [label for _uuid, label in clients[:NAME_MATCHES]]
    if len(clients) > NAME_MATCHES:
        return f"Entries about the first {NAME_MATCHES} clients whose name holds “{typed}”: type more of the name to narrow it."
    return f"Entries about {spoken_list(labels)}."


def _grant_of(event) -> uuid.UUID | None:
    if event.action != AuditEvent.Action.EMERGENCY_ACCESS or not isinstance(event.detail, dict):
        return None
    try:
        return uuid.UUID(str(event.detail.get("grant")))
    except ValueError:
        return None


def _reasons(practice, events) -> dict:
    """The reasons given for the emergency access rows among ``events`` (one query, always)."""
    grants = {grant for grant in map(_grant_of, events) if grant} or {_NO_GRANT}
    found = EmergencyAccess.objects.filter(client__practice=practice, uuid__in=grants).only("uuid", "reason")
    return {grant.uuid: grant.reason for grant in found}


_ROW = (
    '\n  <tr>\n    <td><time datetime="{}">{} at {}</time></td>\n    <td>{} on {} at {}{}.{}</td>\n    <td>{}</td>\n'
    "  </tr>\n  "
)


def _rows(events, names, reasons, zone) -> str:
    """The page's rows, each with its sentence, reason and time in the practice's zone, written here: the template
    showed the time four times a row, and its fifty rows' variables were most of the page's time (docs/benchmarks.md,
    eighteenth pass)."""
    rows = []
    for event in events:
        reason = reasons.get(_grant_of(event), "")
        local = timezone.localtime(event.at, zone)
        day, time = written(local, "j M Y"), local.strftime("%H:%M")
        rows.append(
            (
                local.isoformat(timespec="seconds"),
                day,
                time,
                sentence(event, names),
                day,
                time,
                format_many(" from {}", event.ip) if event.ip else "",
                format_many('<br><span class="small">Reason given: “{}”</span>', reason) if reason else "",
                event.ip or "",
            )
        )
    return format_rows("", _ROW, rows)


def _filtered(practice, form, clients):
    events = AuditEvent.objects.for_practice(practice).order_by("-id")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["person"]:
            events = events.filter(actor_id=data["person"])
        if clients is not None:
            events = events.filter(client_id__in=[uuid_ for uuid_, _label in clients[:NAME_MATCHES]])
        start, end = form.date_range(practice.zone)
        if start:
            events = events.filter(at__gte=start)
        if end:
            events = events.filter(at__lt=end)
    return events


def _entry_id(value) -> int | None:
    """An entry's id from the address, or None for anything that is not one (a database id is below 2**63)."""
    try:
        number = int(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and 0 <= number < 2**63 - 1 else None


def _page(events, request) -> tuple[list, int | None, int | None]:
    """``PAGE_SIZE`` entries, newest first, by the entry they start after (``before``: older ones; ``after``:
    newer ones; neither: the newest), and the ids the "older" and "newer" links start from (None: none).

    Read by id, never counted: a practice's log holds millions of entries, and numbered pages would count
    them all on every view (docs/benchmarks.md). One query, read through the index on (practice, id): one
    page and one entry more, however many practices share the table.
    """
    before, after = _entry_id(request.GET.get("before")), _entry_id(request.GET.get("after"))
    if after is not None and before is None:
        rows = list(events.filter(id__gt=after).order_by("id")[: PAGE_SIZE + 1])
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        return rows, (rows[-1].id if rows else after + 1), (rows[0].id if more else None)
    if before is not None:
        events = events.filter(id__lt=before)
    rows = list(events[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    older = rows[-1].id if more else None
    if before is None:
        return rows, older, None  # the newest page
    # Newer than the first shown; on an empty page, from the entry the page began at.
    return rows, older, rows[0].id if rows else before - 1


@owner_required
def audit_log(request):
    """The practice's audit log in plain words, newest first, filtered by what, who, which client and when.

    ``?export=csv`` downloads every filtered entry (for a regulator); the download is itself audited.
    """
    practice = request.staff.practice
    staff = _staff(practice)
    form = AuditFilterForm(request.GET or None, people=staff)
    clients = _clients_named(practice, form) if form.is_bound and form.is_valid() else None
    events = _filtered(practice, form, clients)
    if request.GET.get("export") == "csv" and (not form.is_bound or form.is_valid()):
        return _csv(request, practice, form, events, _names(practice))
    shown, older, newer = _page(events, request)
    query = request.GET.copy()
    for key in ("before", "after", "export"):
        query.pop(key, None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "events": shown,
            "rows": _rows(shown, _names(practice, shown, staff=staff), _reasons(practice, shown), practice.zone),
            "older": older,
            "newer": newer,
            "about": _about(clients, form.cleaned_data.get("name", "").strip()) if clients is not None else "",
            "query": query.urlencode(),
            "zone": practice.zone,
        },
    )


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    """A spreadsheet must not run a name as a formula (CSV injection): such text starts with a quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(request, practice, form, events, names):
    filters = {key: value for key, value in (form.cleaned_data.items() if form.is_bound else ()) if value}
    total = events.count()
    export = audit_record(
        action=AuditEvent.Action.EXPORT,
        object_type="audit.auditevent",
        object_id="csv",
        request=request,
        practice=practice,
        detail={"rows": total, "filters": {key: str(value) for key, value in filters.items()}},
    )
    all_reasons = {
        grant.uuid: grant.reason
        for grant in EmergencyAccess.objects.filter(client__practice=practice).only("uuid", "reason")
    }
    events = events.exclude(pk=export.pk)  # the file holds what was asked for, not its own download
    zone = practice.zone
    header = ["When", "What happened", "Client", "Kind", "From", "Emergency access reason", "Entry", "Link"]

    def rows():
        writer = csv.writer(_Echo())
        yield writer.writerow(header)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    _cell(timezone.localtime(event.at, zone).strftime("%Y-%m-%d %H:%M:%S %Z")),
                    _cell(sentence(event, names)),
                    _cell(names.get(event.client_id, "")),
                    _cell(event.get_action_display()),
                    _cell(event.ip or ""),
                    _cell(all_reasons.get(_grant_of(event), "")),
                    event.id,
                    event.hash,
                ]
            )

    stamp = timezone.localtime(timezone.now(), zone).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response

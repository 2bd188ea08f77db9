"""The owner's audit page: the practice's audit log in plain words, filtered, and its CSV download."""

import csv
import uuid

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.describe import sentence
from audit.forms import AuditFilterForm
from audit.models import AuditEvent
from audit.services import audit_record
from practice.access import owner_required
from practice.models import Client, EmergencyAccess, StaffMember

PAGE_SIZE = 50
# Never matches: keeps the reasons' query on every page, so the page's query count is fixed.
_NO_GRANT = uuid.UUID(int=0)


def _people(practice) -> tuple[dict, list, list]:
    """Names by user UUID for everyone in the practice, and the choices for the filters (two queries)."""
    names: dict = {}
    people, clients = [], []
    for uuid_, name, email in StaffMember.objects.in_practice(practice).values_list(
        "user__uuid", "user__name", "user__email"
    ):
        names[uuid_] = name or email
        people.append((str(uuid_), f"{name or email} (staff)"))
    for client_uuid, user_uuid, preferred, name, email in Client.objects.in_practice(practice).values_list(
        "uuid", "user__uuid", "preferred_name", "user__name", "user__email"
    ):
        label = preferred or name or email
        names[user_uuid] = label
        names[client_uuid] = label
        people.append((str(user_uuid), label))
        clients.append((str(client_uuid), label))
    return names, sorted(people, key=lambda p: p[1].lower()), sorted(clients, key=lambda c: c[1].lower())


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


def _describe(events, names, reasons) -> None:
    for event in events:
        event.sentence = sentence(event, names)
        event.reason = reasons.get(_grant_of(event), "")


def _filtered(practice, form):
    events = AuditEvent.objects.for_practice(practice).order_by("-id")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["person"]:
            events = events.filter(actor_id=data["person"])
        if data["client"]:
            events = events.filter(client_id=data["client"])
        start, end = form.date_range(practice.zone)
        if start:
            events = events.filter(at__gte=start)
        if end:
            events = events.filter(at__lt=end)
    return events


@owner_required
def audit_log(request):
    """The practice's audit log in plain words, newest first, filtered by what, who, which client and when.

    ``?export=csv`` downloads every filtered entry (for a regulator); the download is itself audited.
    """
    practice = request.staff.practice
    names, people, clients = _people(practice)
    form = AuditFilterForm(request.GET or None, people=people, clients=clients)
    events = _filtered(practice, form)
    if request.GET.get("export") == "csv" and (not form.is_bound or form.is_valid()):
        return _csv(request, practice, form, events, names)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    _describe(page.object_list, names, _reasons(practice, page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "events": page.object_list, "query": query.urlencode(), "zone": practice.zone},
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

from django.core.paginator import Paginator
from django.shortcuts import render

from audit.forms import AuditFilterForm
from audit.models import AuditEvent
from practice.access import owner_required
from practice.models import Client, StaffMember

PAGE_SIZE = 50


def _people(practice) -> tuple[dict, list, list]:
    """Names by user UUID for everyone in the practice, and the choices for the filters (two queries)."""
    names: dict = {}
    people, clients = [], []
    for uuid, name, email in StaffMember.objects.in_practice(practice).values_list(
        "user__uuid", "user__name", "user__email"
    ):
        names[uuid] = name or email
        people.append((str(uuid), f"{name or email} (staff)"))
    for client_uuid, user_uuid, preferred, name, email in Client.objects.in_practice(practice).values_list(
        "uuid", "user__uuid", "preferred_name", "user__name", "user__email"
    ):
        label = preferred or name or email
        names[user_uuid] = label
        names[client_uuid] = label
        people.append((str(user_uuid), label))
        clients.append((str(client_uuid), label))
    return names, sorted(people, key=lambda p: p[1].lower()), sorted(clients, key=lambda c: c[1].lower())


@owner_required
def audit_log(request):
    """The practice's audit log, newest first, filtered by what, who, which client and when."""
    practice = request.staff.practice
    names, people, clients = _people(practice)
    form = AuditFilterForm(request.GET or None, people=people, clients=clients)
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
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.actor_name = names.get(event.actor_id, "")
        event.client_name = names.get(event.client_id, "")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "events": page.object_list, "query": query.urlencode(), "zone": practice.zone},
    )

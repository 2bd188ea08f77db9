from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import audit_read
from core.compiled import CompiledRead, reads_ahead
from core.html import format_rows
from core.links import url_maker
from core.panels import panel_reads, render_panels, shell_reads
from practice.access import (
    client_for,
    client_required,
    get_client_for_clinician,
    get_client_for_owner,
    get_grant_for_notice,
    owner_required,
    staff_for,
    staff_required,
    therapist_required,
)
from practice.forms import ClientNameSearchForm, EmergencyAccessForm, PracticeSettingsForm, ProfileForm
from practice.models import AwayPeriod, Client, StaffMember
from practice.paging import ClientList
from practice.services import (
    emergency_access_acknowledge,
    emergency_access_grant,
    emergency_access_told,
    practice_update,
    staff_profile_update,
)

# Clients on each page of the owner's practice page.
OWNER_CLIENTS_PAGE = 50


def home(request):
    """Send each person to their own home; visitors to the practice's public page."""
    user = request.user
    if not user.is_authenticated:
        return redirect("account_login")
    staff = staff_for(user)
    if staff is not None:
        if staff.is_therapist:
            return redirect("caseload:home")
        # An administrator's home is the practice calendar (bookings, with what is waiting to be paid).
        return redirect("practice:owner_home" if staff.is_owner else "bookings:office")
    if client_for(user) is not None:
        return redirect("practice:client_home")
    return redirect("account_logout")


# --- Client -------------------------------------------------------------------


@client_required
def client_home(request):
    panels = render_panels("CLIENT_HOME", request, request.client)
    return render(request, "practice/client_home.html", {"client": request.client, "panels": panels})


# --- Therapist ----------------------------------------------------------------


@therapist_required
def therapist_home(request):
    """The caseload is the therapist's home; this older address still leads there."""
    return redirect("caseload:home")


@staff_required
def client_detail(request, client_uuid):
    client = get_client_for_clinician(request.user, client_uuid)
    audit_read(request, client, client=client, object_type="practice.client")
    # The panels' reads and the navigation's, in one statement on PostgreSQL, the page drawn inside the block.
    with reads_ahead([*panel_reads("CLIENT_RECORD", request, client), *shell_reads(request)]):
        panels = render_panels("CLIENT_RECORD", request, client)
        return render(request, "practice/client_detail.html", {"client": client, "panels": panels})


@therapist_required
def profile(request):
    staff = request.staff
    form = ProfileForm(request.POST or None, initial={"name": staff.user.name, "bio": staff.bio})
    if request.method == "POST" and form.is_valid():
        staff_profile_update(staff=staff, name=form.cleaned_data["name"], bio=form.cleaned_data["bio"], request=request)
        messages.success(request, "Your profile is saved.")
        return redirect("practice:profile")
    return render(request, "practice/profile.html", {"form": form})


# --- Owner --------------------------------------------------------------------


def _link_staff(staff) -> None:
    """The owner's link for each member of staff, one reverse() for the pattern (``core.links``)."""
    member_page = url_maker("care:staff", "staff_uuid")
    for member in staff:
        member.url = member_page(member.uuid)


_CLIENT_ROW = (
    '\n  <li>{} <span class="small">with {}</span>\n'
    '    <a href="{}">Hand over<span class="visually-hidden"> {}\'s care</span></a>\n'
    '    · <a href="{}">Emergency access<span class="visually-hidden"> to {}\'s record</span></a>\n'
    '    · <a href="{}">Who has opened the record<span class="visually-hidden"> of {}</span></a></li>\n  '
)


def _client_rows(clients) -> str:
    """The owner's list of clients (fifty a page, three links each), written here rather than by the template row
    by row: the loop was the larger part of the page's template work (docs/benchmarks.md, sixteenth pass)."""
    handover = url_maker("care:handover", "client_uuid")
    emergency = url_maker("practice:emergency_access", "client_uuid")
    openings = url_maker("dataprivacy:owner_openings", "client_uuid")
    return format_rows(
        "",
        _CLIENT_ROW,
        (
            (
                c.display_name,
                c.therapist_name,
                handover(c.uuid),
                c.display_name,
                emergency(c.uuid),
                c.display_name,
                openings(c.uuid),
                c.display_name,
            )
            for c in clients
        ),
    )


# The owner's page's people, and who is away today: kept reads (core/compiled.py).
_STAFF = CompiledRead(
    StaffMember,
    lambda shape, *, practice: StaffMember.objects.in_practice(practice)
    .select_related("user")
    .order_by("-is_active", "user__name"),
    {"practice": int},
)
_AWAY = CompiledRead(
    AwayPeriod,
    lambda shape, *, practice, today: AwayPeriod.objects.filter(staff__practice=practice).covering(today),
    {"practice": int, "today": date},
)


# The owner's list of clients: by name, found by their preferred name, name or email.
_OWNERS_LIST = ClientList(
    lambda practice: Client.objects.in_practice(practice).order_by("user__name", "id"),
    lambda found, query: found.matching(query),
)


@owner_required
def owner_home(request):
    practice, owner = request.staff.practice, request.staff
    today = timezone.localdate(timezone=practice.zone)
    # The page's people, its panels' reads and the navigation's, in one statement on PostgreSQL; the clients' page
    # (a search, or its keys then their rows) is read as before.
    with reads_ahead(
        [
            _STAFF.asked(practice=practice.pk),
            _AWAY.asked(practice=practice.pk, today=today),
            *panel_reads("OWNER_HOME", request, owner),
            *panel_reads("OWNER_PEOPLE", request, owner),
            *shell_reads(request),
        ]
    ):
        return _owner_home(request, practice, today)


def _owner_home(request, practice, today):
    staff = _STAFF.objects(practice=practice.pk)
    away = {p.staff_id: p for p in _AWAY.objects(practice=practice.pk, today=today)}
    for member in staff:
        member.away_now = away.get(member.id)
    # Clients a page at a time, found by name: a practice of two thousand is not one list to scroll.
    search = ClientNameSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page, clients = _OWNERS_LIST.page(practice, OWNER_CLIENTS_PAGE, request.GET.get("page"), query=query)
    _link_staff(staff)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    panels = render_panels("OWNER_HOME", request, request.staff)
    people_panels = render_panels("OWNER_PEOPLE", request, request.staff)
    return render(
        request,
        "practice/owner_home.html",
        {
            "practice": practice,
            "staff": staff,
            "search": search,
            "query": query,
            "page": page,
            "client_rows": _client_rows(clients),
            "query_string": query_string.urlencode(),
            "panels": panels,
            "people_panels": people_panels,
        },
    )


@owner_required
def practice_settings(request):
    practice = request.staff.practice
    form = PracticeSettingsForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        practice_update(
            practice=practice,
            changed={name: form.cleaned_data[name] for name in form.changed_data},
            actor=request.user,
            request=request,
        )
        messages.success(request, "Practice settings saved.")
        return redirect("practice:owner_home")
    alone = not StaffMember.objects.in_practice(practice).filter(is_active=True).exclude(pk=request.staff.pk).exists()
    return render(request, "practice/settings.html", {"form": form, "alone": alone})


@owner_required
def emergency_access(request, client_uuid):
    client = get_client_for_owner(request.user, client_uuid)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant = emergency_access_grant(
            owner=request.staff, client=client, reason=form.cleaned_data["reason"], request=request
        )
        told = [person.display_name for person in emergency_access_told(grant)]
        messages.success(
            request,
            f"Emergency access to {client.display_name}'s record is open for the next hour."
            + (f" {' and '.join(told)} {'has' if len(told) == 1 else 'have'} been told." if told else ""),
        )
        return redirect("practice:client_detail", client_uuid=client.uuid)
    return render(request, "practice/emergency_access.html", {"form": form, "client": client})


# --- The notice of an emergency access ----------------------------------------


@staff_required
def emergency_access_notice(request, grant_uuid):
    """Who opened the record, when, until when, and why (the reason is shown here, never emailed)."""
    grant = get_grant_for_notice(request.user, grant_uuid)
    audit_read(request, grant, client=grant.client, object_type="practice.emergencyaccess")
    return render(
        request,
        "practice/emergency_access_notice.html",
        {"grant": grant, "client": grant.client, "zone": grant.client.practice.zone, "now": timezone.now()},
    )


@staff_required
@require_POST
def emergency_access_notice_read(request, grant_uuid):
    grant = get_grant_for_notice(request.user, grant_uuid)
    emergency_access_acknowledge(grant=grant, staff=request.staff, request=request)
    messages.success(request, "Marked as read. It stays in the practice's audit log.")
    return redirect("caseload:home" if request.staff.is_therapist else "practice:owner_home")

"""Who may see what. Every view gets its people and objects through these helpers.

They return the object or raise ``Http404``: someone without access learns
nothing, not even that the thing exists. Anonymous visitors are sent to sign in.
"""

from functools import wraps
from uuid import UUID

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404

from core.compiled import CompiledRead
from practice.models import Client, EmergencyAccess, Practice, StaffMember


def staff_for(user) -> StaffMember | None:
    if not user.is_authenticated:
        return None
    try:
        staff = user.staff_member
    except StaffMember.DoesNotExist:
        return None
    return staff if staff.is_active else None


def client_for(user) -> Client | None:
    if not user.is_authenticated:
        return None
    try:
        return user.client
    except Client.DoesNotExist:
        return None


def _role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _check_client(request):
    client = client_for(request.user)
    if client is None:
        raise Http404
    request.client = client


def _staff_check(allowed):
    def check(request):
        staff = staff_for(request.user)
        if staff is None or not allowed(staff):
            raise Http404
        request.staff = staff

    return check


_check_therapist = _staff_check(lambda staff: staff.is_therapist)
_check_staff = _staff_check(lambda staff: True)
_check_owner = _staff_check(lambda staff: staff.is_owner)
_check_office = _staff_check(lambda staff: staff.runs_office)
_check_care_team = _staff_check(lambda staff: staff.is_therapist or staff.is_owner)


client_required = _role_required(_check_client)
therapist_required = _role_required(_check_therapist)
staff_required = _role_required(_check_staff)
owner_required = _role_required(_check_owner)
# Owners and administrators: the practice's bookings and money, never clinical content.
office_required = _role_required(_check_office)
# Therapists and owners: who may be shown anything about a client's care or safety (an owner reads a
# record only through emergency access). An administrator, who runs the office, never is: a page that
# lists clinical things for "any staff member" says so with this rather than ``staff_required``.
care_team_required = _role_required(_check_care_team)


def has_emergency_access(staff: StaffMember, client: Client) -> bool:
    return staff.is_owner and EmergencyAccess.objects.active().filter(owner=staff, client=client).exists()


def may_write_record(staff: StaffMember | None, client: Client) -> bool:
    """Whether ``staff`` writes ``client``'s clinical record: only their own therapist.

    The write half of ``clinical_access``, for a page that already read the client through it (a panel on
    the client's record deciding whether to show its forms) and so needs no second query.
    """
    return staff is not None and staff.is_active and staff.is_therapist and client.therapist_id == staff.id


def staff_shaped(pk: int, practice: int, **roles) -> StaffMember:
    """An unsaved staff member with only a key, a practice and role flags: what a queryset's rule reads of who
    is asking, for a read built once with stand-in values (core/compiled.py)."""
    member = StaffMember(pk=pk, **roles)
    member.practice = Practice(pk=practice)
    return member


# Read on every page about one client: built by the ORM once, run with each address's client (core/compiled.py).
_CLIENT_IN_PRACTICE = CompiledRead(
    Client,
    lambda shape, *, uuid, practice: Client.objects.select_related("user", "erasure").filter(
        uuid=uuid, practice=practice
    ),
    {"uuid": UUID, "practice": int},
)


def client_in_practice(staff: StaffMember, client_uuid) -> Client:
    """The client ``client_uuid`` of ``staff``'s practice with their person and erasure row, or Http404.

    Their practice is ``staff``'s, and their own therapist is often ``staff``: both are already read with the
    signed-in person, so they are set here rather than joined again (on PostgreSQL the query took 2.9 ms with
    them joined, 1.3 ms without, docs/benchmarks.md). Another therapist is read if a page asks for them.
    """
    try:
        found = _CLIENT_IN_PRACTICE.first(uuid=client_uuid, practice=staff.practice_id)
    except ValueError:
        raise Http404 from None
    if found is None:
        raise Http404
    return known_to(staff, found)


def known_to(staff: StaffMember, client: Client) -> Client:
    """``client`` (of ``staff``'s practice) with the practice and, when it is ``staff``, the therapist set from
    the signed-in staff member rather than read again."""
    client.practice = staff.practice
    if client.therapist_id == staff.pk:
        client.therapist = staff
    return client


def clinical_access(user, client_uuid) -> tuple[Client, bool]:
    """The one rule for a client's clinical record: the client, and whether ``user`` may change it.

    - the client's own therapist (an active staff member): read and write;
    - an owner of the same practice holding an active emergency access grant: read only (the grant is
      for seeing what is happening, never for acting in the therapist's place);
    - an erased client: nobody (their kept record is restricted, dataprivacy);
    - anyone else: Http404, so they learn nothing, not even that the client exists.

    Every app's ``access.py`` asks this rule about the client an object belongs to, in the way
    healthchecks pairs ``_get_check_for_user`` with ``_get_rw_check_for_user``.
    """
    staff = staff_for(user)
    if staff is None:
        raise Http404
    # With the erasure row (if any) in the same query: every clinical page asks ``is_erased`` next.
    client = client_in_practice(staff, client_uuid)
    if client.is_erased:
        raise Http404  # an erased client's kept record is restricted (dataprivacy)
    if may_write_record(staff, client):
        return client, True
    if has_emergency_access(staff, client):
        return client, False
    raise Http404


def get_client_for_clinician(user, client_uuid) -> Client:
    """A client whose clinical record ``user`` may read (``clinical_access``)."""
    return clinical_access(user, client_uuid)[0]


def get_rw_client_for_clinician(user, client_uuid) -> Client:
    """A client whose clinical record ``user`` may change: their own therapist only (an emergency reader gets 404)."""
    client, can_write = clinical_access(user, client_uuid)
    if not can_write:
        raise Http404
    return client


# The office's and the owner's reads of one client or colleague of their practice, on every page about them: built
# by the ORM once (core/compiled.py). The client's erasure row comes in the same query: the office asks next.
_PRACTICE_CLIENT = CompiledRead(
    Client,
    lambda shape, *, uuid, practice: Client.objects.select_related("user", "therapist__user", "erasure").filter(
        uuid=uuid, practice=practice
    ),
    {"uuid": UUID, "practice": int},
)
_PRACTICE_STAFF = CompiledRead(
    StaffMember,
    lambda shape, *, uuid, practice: StaffMember.objects.select_related("user").filter(uuid=uuid, practice=practice),
    {"uuid": UUID, "practice": int},
)


def _in_own_practice(read: CompiledRead, user, uuid, may):
    """The row ``uuid`` of ``user``'s practice through ``read``, when ``may(staff)``; else Http404. Its practice is
    the signed-in person's, set rather than read again."""
    staff = staff_for(user)
    if staff is None or not may(staff):
        raise Http404
    try:
        found = read.first(uuid=uuid, practice=staff.practice_id)
    except ValueError:
        raise Http404 from None
    if found is None:
        raise Http404
    found.practice = staff.practice
    return found


def get_client_for_owner(user, client_uuid) -> Client:
    """A client an owner may manage (name, therapist, care status), without clinical content."""
    return _in_own_practice(_PRACTICE_CLIENT, user, client_uuid, lambda staff: staff.is_owner)


def get_client_for_office(user, client_uuid) -> Client:
    """A client the office (an owner or an administrator) books in and bills: their name, contact details,
    therapist and appointments, never their record. An erased client is nobody's to book."""
    client = _in_own_practice(_PRACTICE_CLIENT, user, client_uuid, lambda staff: staff.runs_office)
    if client.is_erased:
        raise Http404
    return client


def get_staff_for_owner(user, staff_uuid) -> StaffMember:
    return _in_own_practice(_PRACTICE_STAFF, user, staff_uuid, lambda staff: staff.is_owner)


def get_staff_for_office(user, staff_uuid) -> StaffMember:
    """A colleague whose billing the office (an owner or an administrator) sets up: never their clients."""
    return _in_own_practice(_PRACTICE_STAFF, user, staff_uuid, lambda staff: staff.runs_office)


def practice_for(user):
    """The practice a signed-in person belongs to, or None."""
    staff = staff_for(user)
    if staff is not None:
        return staff.practice
    client = client_for(user)
    return client.practice if client is not None else None


def get_grant_for_notice(user, grant_uuid) -> EmergencyAccess:
    """An emergency-access grant the user is told of: the client's own therapist, or an owner of the practice."""
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        grant = EmergencyAccess.objects.select_related(
            "owner__user", "client__user", "client__practice", "client__therapist__user"
        ).get(uuid=grant_uuid, client__practice=staff.practice)
    except (EmergencyAccess.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    if not (may_write_record(staff, grant.client) or staff.is_owner) or grant.client.is_erased:
        raise Http404
    return grant

"""Who may see what. Every view gets its people and objects through these helpers.

They return the object or raise ``Http404``: someone without access learns
nothing, not even that the thing exists. Anonymous visitors are sent to sign in.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from practice.models import Client, EmergencyAccess, StaffMember


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


client_required = _role_required(_check_client)
therapist_required = _role_required(_check_therapist)
staff_required = _role_required(_check_staff)
owner_required = _role_required(_check_owner)


def has_emergency_access(staff: StaffMember, client: Client) -> bool:
    return staff.is_owner and EmergencyAccess.objects.active().filter(owner=staff, client=client).exists()


def get_client_for_clinician(user, client_uuid) -> Client:
    """A client whose clinical record ``user`` may read: their own therapist,
    or an owner of the same practice holding an active emergency access grant."""
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        client = Client.objects.with_people().get(uuid=client_uuid, practice=staff.practice)
    except (Client.DoesNotExist, ValueError):
        raise Http404 from None
    if client.is_erased:
        raise Http404  # an erased client's kept record is restricted (dataprivacy)
    if staff.is_therapist and client.therapist_id == staff.id:
        return client
    if has_emergency_access(staff, client):
        return client
    raise Http404


def get_client_for_owner(user, client_uuid) -> Client:
    """A client an owner may manage (name, therapist, care status), without clinical content."""
    staff = staff_for(user)
    if staff is None or not staff.is_owner:
        raise Http404
    try:
        return Client.objects.with_people().get(uuid=client_uuid, practice=staff.practice)
    except (Client.DoesNotExist, ValueError):
        raise Http404 from None


def get_staff_for_owner(user, staff_uuid) -> StaffMember:
    staff = staff_for(user)
    if staff is None or not staff.is_owner:
        raise Http404
    try:
        return StaffMember.objects.select_related("user").get(uuid=staff_uuid, practice=staff.practice)
    except (StaffMember.DoesNotExist, ValueError):
        raise Http404 from None


def practice_for(user):
    """The practice a signed-in person belongs to, or None."""
    staff = staff_for(user)
    if staff is not None:
        return staff.practice
    client = client_for(user)
    return client.practice if client is not None else None

from dataclasses import dataclass

from django.db import DatabaseError

from core.panels import shared
from practice.access import client_for, staff_for


@dataclass
class Nav:
    is_client: bool = False
    is_therapist: bool = False
    is_owner: bool = False
    # Runs bookings and money, never sees clinical content (StaffMember.is_administrator).
    is_administrator: bool = False
    practice: object = None
    display_name: str = ""


def nav_for(request) -> Nav | None:
    user = request.user
    if not user.is_authenticated:
        return None
    staff = staff_for(user)
    if staff is not None:
        return Nav(
            is_therapist=staff.is_therapist,
            is_owner=staff.is_owner,
            is_administrator=staff.is_administrator and not staff.is_owner,
            practice=staff.practice,
            display_name=staff.display_name,
        )
    client = client_for(user)
    if client is not None:
        return Nav(is_client=True, practice=client.practice, display_name=client.display_name)
    return Nav(display_name=str(user))


def tending(request):
    """Who is signed in and in which practice, for the page shell. Never fails a page.

    Worked out once per request and person (``core.panels.shared``): Django runs context processors for every
    template a request renders, and a page of panels renders one a panel (fifteen on a client's record). Signing
    in or out within the request changes the person, and the shell follows; a database error is not kept.
    """
    try:
        # Reading the person may itself reach the database (the session's user is loaded when first asked for).
        person = getattr(getattr(request, "user", None), "pk", None)
        return {"nav": shared(request, ("practice.nav", person), lambda: nav_for(request))}
    except DatabaseError:
        return {"nav": None}

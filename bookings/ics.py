"""iCalendar (RFC 5545) for appointment emails and the therapist's private feed.

Times are written in UTC (``DTSTART:20310304T100000Z``), which every calendar
accepts without a VTIMEZONE. UIDs are stable per appointment and SEQUENCE
rises with each change, so a moved or cancelled appointment updates the event
people already imported instead of adding a second one.
"""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Tending//Bookings//EN"


def uid_for(appointment) -> str:
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "tending"
    return f"{appointment.uuid}@{host}"


def _organizer(appointment) -> vCalAddress:
    email = appointment.practice.contact_email or appointment.therapist.user.email
    organizer = vCalAddress(f"mailto:{email}")
    organizer.params["cn"] = vText(appointment.practice.name)
    return organizer


def _event(appointment, *, summary: str, description: str = "", url: str = "", cancelled=False) -> Event:
    event = Event()
    event.add("uid", uid_for(appointment))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("sequence", appointment.sequence)
    event.add("summary", summary)
    event.add("organizer", _organizer(appointment))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    video = appointment.video_url()
    if video:
        event.add("location", video)
    return event


def _calendar(method: str | None = None, name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def appointment_ics(appointment, *, method: str = "PUBLISH", manage: str = "") -> bytes:
    """The calendar file attached to a person's confirmation email. No clinical content."""
    cancelled = method == "CANCEL" or not appointment.is_active
    cal = _calendar("CANCEL" if cancelled else method)
    kind = appointment.get_kind_display()
    summary = f"{kind} with {appointment.therapist.display_name} ({appointment.practice.name})"
    description = ""
    if manage:
        description = f"To move or cancel: {manage}"
    cal.add_component(_event(appointment, summary=summary, description=description, url=manage, cancelled=cancelled))
    return cal.to_ical()


def therapist_feed(therapist, appointments, *, show_names: bool) -> bytes:
    """A therapist's private feed. Without ``show_names`` events say only what kind they are."""
    cal = _calendar(name=f"Tending — {therapist.practice.name}")
    for appointment in appointments:
        summary = appointment.get_kind_display()
        if show_names and appointment.person_name():
            summary = f"{summary}: {appointment.person_name()}"
        cal.add_component(_event(appointment, summary=summary, cancelled=not appointment.is_active))
    return cal.to_ical()

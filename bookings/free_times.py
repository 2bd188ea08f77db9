"""Showing free times to people: in their time zone, a week at a time, grouped by day.

Shared by the front door (a visitor's free consultation) and the client's sessions pages; which
times are free is ``slots.py``'s answer.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from bookings.forms import valid_zone, zone_choices
from core.dates import written
from core.html import format_rows
from core.links import constant_url

TZ_COOKIE = "tz"
DAYS_SHOWN = 7


def visitor_zone(request, practice) -> tuple[str, bool]:
    """The zone to show times in, and whether the person chose it (rather than us guessing)."""
    chosen = zone_from_text(request.GET.get("tz")) or valid_zone(request.POST.get("tz"))
    if chosen:
        return chosen, True
    remembered = cookie_zone(request)
    return remembered or practice.time_zone, bool(remembered)


def cookie_zone(request) -> str | None:
    """The zone the browser detected or the person chose before (the script URL-encodes the slash)."""
    return valid_zone(unquote(request.COOKIES.get(TZ_COOKIE, "")))


def client_zone(request, client) -> str:
    return valid_zone(request.GET.get("tz")) or cookie_zone(request) or client.practice.time_zone


def remember_zone(response, request, zone_name: str):
    if request.GET.get("tz") and request.COOKIES.get(TZ_COOKIE) != zone_name:
        response.set_cookie(TZ_COOKIE, zone_name, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure())
    return response


class FreeDay(NamedTuple):
    """One day of free times as ``bookings/public/_days.html`` shows it, worked out once in Python.

    ``times`` holds ``(slot key, "08:30", link, who)`` for each time; the link is empty
    where the page books by a form post, and ``who`` (the therapist's name) where the page
    is about one therapist already. The template unpacks these tuples rather
    than formatting a date, reversing a URL or looking up an attribute per time:
    a week of consultation times is well over a hundred of them.
    """

    anchor: str  # "20261123": the heading's id, which the section is labelled by
    label: str  # "Monday 23 November": the heading, and each time's visually-hidden " on ..."
    times: list[tuple[str, str, str, str]]

    @property
    def links(self) -> SafeString:
        """Each time's ``<li>`` link, as ``_days.html`` wrote it (``_linked_times``)."""
        return _linked_times(self.label, tuple(self.times))


@lru_cache(maxsize=32)
def _linked_times(label: str, times: tuple[tuple[str, str, str, str], ...]) -> SafeString:
    """One day's linked times, made in Python and kept for the next visitor who sees that day.

    "Whoever is first free" with twenty therapists is well over a thousand links a page, and the
    template language costs microseconds per variable. Keyed by the day's label and times
    themselves (slot key, text, link, name), so a booking or a change of hours is a new key:
    nothing is ever stale. Each name, link head and tail, and clock text is escaped once.
    """
    safe_label = escape(label)
    names: dict[str, SafeString] = {"": escape("")}  # each name's markup, made once
    escaped: dict[str, SafeString] = {}

    def once(text: str) -> SafeString:
        found = escaped.get(text)
        if found is None:
            found = escaped[text] = escape(text)
        return found

    def items():
        for key, text, link, who in times:
            if who not in names:
                names[who] = format_html('<span class="slot__who"> with {}</span>', who)
            # A link is "head, key, tail": only the key (letters and digits) differs from time to time.
            head, found, tail = link.partition(key)
            if not found:
                head, tail = link, ""
            yield once(head), found, once(tail), once(text), safe_label, names[who]

    return format_rows(
        "",
        '\n    <li><a class="slot" href="{}{}{}">{}<span class="visually-hidden"> on {}</span>{}</a></li>\n    ',
        items(),
    )


def group_by_day(
    slots,
    zone_name: str,
    link: Callable[[str], str] | None = None,
    *,
    who: Callable | None = None,
) -> list[FreeDay]:
    """``slots`` (in time order) by the visitor's day, each with ``link(slot key)`` if given.

    With ``who`` (``(therapist id, slot key) -> (name, link)``), each time names the therapist it
    is with and links to booking with them: "whoever is first free" is one list, not several grids
    interleaved. A start shared by several therapists is converted and formatted once.
    """
    zone = ZoneInfo(zone_name)
    days: dict[date, list] = {}
    made: dict[datetime, tuple[str, str, list]] = {}  # start -> (key, "08:30", its day's list)
    for slot in slots:
        start = slot.start
        known = made.get(start)
        if known is None:
            local = start.astimezone(zone)
            known = made[start] = (
                slot.key,
                f"{local.hour:02d}:{local.minute:02d}",
                days.setdefault(local.date(), []),
            )
        key, clock, times = known
        name, href = who(slot.therapist_id, key) if who else ("", link(key) if link else "")
        times.append((key, clock, href, name))
    return [FreeDay(day.strftime("%Y%m%d"), written(day, "l j F"), times) for day, times in sorted(days.items())]


def slot_link(name: str, query: str = "", **kwargs) -> Callable[[str], str]:
    """``slot key -> link`` to the URL ``name`` for one free time, reversing the URL pattern once per process, not
    per time (or per therapist: the front door makes one for each)."""
    marker = "slot-key"
    head, _marker, tail = constant_url(name, **kwargs, slot=marker).rpartition(marker)
    return lambda key: f"{head}{key}{tail}{query}"


# Offered first in the time-zone picker, after the practice's and the visitor's own: where most
# visitors of a UK-based practice are, then the world's most populous zones by region.
COMMON_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Athens",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)


def zone_from_text(text: str | None) -> str | None:
    """The zone a visitor typed: its exact name, or the name with spaces or another case ("new york",
    "America/New York"), or a city that names only one zone ("auckland"); None when nothing fits."""
    if not text:
        return None
    exact = valid_zone(text.strip())
    if exact:
        return exact
    wanted = text.strip().replace(" ", "_").casefold()
    by_name = _zones_by_folded_name()
    if wanted in by_name:
        return by_name[wanted]
    cities = _zones_by_city().get(wanted, ())
    return cities[0] if len(cities) == 1 else None


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    return {value.casefold(): value for value, _label in zone_choices()}


@lru_cache(maxsize=1)
def _zones_by_city() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for value, _label in zone_choices():
        found.setdefault(value.rsplit("/", 1)[-1].casefold(), []).append(value)
    return {city: tuple(zones) for city, zones in found.items()}


def zone_order(*first: str | None) -> list[str]:
    """Every zone, ``first`` (the practice's, the visitor's) and then COMMON_ZONES at the top, each once."""
    leading = [z for z in (*first, *COMMON_ZONES) if valid_zone(z)]
    leading = list(dict.fromkeys(leading))
    chosen = set(leading)
    return leading + [value for value, _label in zone_choices() if value not in chosen]


@lru_cache(maxsize=64)
def zone_options(*first: str) -> str:
    """The time-zone picker's ``<datalist>`` options, ``first`` at the top: made once per order, not ~500
    per page. A browser matches what is typed against the value and the label ("New York")."""
    return format_rows(
        "",
        '<option value="{}" label="{}"></option>',
        ((value, value.replace("_", " ")) for value in zone_order(*first)),
    )


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of ``day`` in ``zone``, in UTC: slots are compared with it rather than each
    converted to the visitor's date (only the times shown are converted, by ``group_by_day``)."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def on_days(slots, zone: ZoneInfo, first: date, until: date | None) -> list:
    """Those of ``slots`` on the days ``first`` to ``until`` (excluded; None: no end) in ``zone``."""
    low = day_start(first, zone)
    if until is None:
        return [slot for slot in slots if slot.start >= low]
    high = day_start(until, zone)
    return [slot for slot in slots if low <= slot.start < high]


def _asked_from(request, today: date) -> date | None:
    """The ``?from=`` date the visitor asked for, if it is a date and not in the past."""
    try:
        asked = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return None
    return asked if asked >= today else None


def window(slots, request, zone_name: str):
    """Slots within DAYS_SHOWN days from ``?from=`` (a date in the visitor's zone), plus paging dates."""
    zone = ZoneInfo(zone_name)
    today = timezone.now().astimezone(zone).date()
    first = _asked_from(request, today) or (slots[0].start.astimezone(zone).date() if slots else today)
    last = first + timedelta(days=DAYS_SHOWN)
    shown = [s for s in slots if first <= s.start.astimezone(zone).date() < last]
    later = next((s.start.astimezone(zone).date() for s in slots if s.start.astimezone(zone).date() >= last), None)
    earlier = (
        first - timedelta(days=DAYS_SHOWN)
        if first > today and slots and slots[0].start.astimezone(zone).date() < first
        else None
    )
    return shown, earlier, later


def week_of_times(times, request, zone_name: str, *, exact_earlier: bool = True):
    """The week of free times to show from ``?from=``, and the dates the paging links go to.

    The same week and links as ``window`` over every free time, but ``times(first, until)``
    (the free times on the visitor's days ``first`` to ``until``, excluded; ``None`` for the end
    of the horizon) is asked only for a fortnight from the shown week's start, and for the rest of
    the horizon only when that cannot answer (nothing free in it, or nothing after the shown week).
    With ``exact_earlier`` the search starts today, so "Earlier dates" is exact; without it, it
    starts today when the shown week is within a week of today and at the shown week otherwise,
    where "Earlier dates" pages back a week, which may have no free times.
    """
    zone = ZoneInfo(zone_name)
    today = timezone.now().astimezone(zone).date()
    asked = _asked_from(request, today)
    start = asked or today
    near = start + timedelta(days=2 * DAYS_SHOWN)
    week_before = start - timedelta(days=DAYS_SHOWN)
    # Without exact_earlier, the days before the shown week matter only within a week of today:
    # further out, "Earlier dates" pages back a week whatever is free there, so they are not searched.
    slots = times(today if exact_earlier or week_before <= today else start, near)
    complete = False

    def local(slot) -> date:
        return slot.start.astimezone(zone).date()

    if asked is None and not slots:
        slots += times(near, None)
        complete = True
    first = asked or (local(slots[0]) if slots else today)
    last = first + timedelta(days=DAYS_SHOWN)
    # The visitor's days as UTC instants: each slot is compared, and only the first after the
    # shown week (for "Later dates") and the shown ones (by group_by_day) are converted.
    low, high = day_start(first, zone), day_start(last, zone)
    later = next((local(s) for s in slots if s.start >= high), None)
    if later is None and not complete:
        slots += times(near, None)
        later = next((local(s) for s in slots if s.start >= high), None)
    shown = [s for s in slots if low <= s.start < high]
    back = first - timedelta(days=DAYS_SHOWN)
    if exact_earlier:
        earlier = back if first > today and slots and slots[0].start < low else None
    else:
        # Without ?from= the shown week starts at the first free day: nothing is free before it.
        earlier = (
            back
            if asked is not None and first > today and (back > today or any(s.start < low for s in slots))
            else None
        )
    return shown, earlier, later

"""Open risk alerts pinned at the top of the therapist's home (and the caseload)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from core.compiled import CompiledRead
from core.dates import shown_day, written
from core.html import format_many, format_rows
from core.links import url_maker
from core.panels import reading
from practice.access import staff_for
from risk.models import RiskAlert
from risk.selectors import open_counts_asked, roles, seen_by

ORDER = 0  # first: nothing on the page matters more
LINE_SHOWN = (
    "uuid",
    "source",
    "raised_at",
    "escalated_at",
    "therapist_id",
    "client__preferred_name",
    "client__user__name",
    "client__user__email",
)


def _open_newest(shape, *, staff, practice):
    # Only what each line shows (risk/_alert_line.html): never the sealed note, nor the practice, therapist and
    # acknowledger that with_people() joins (about a third of the therapist's home's panels, bench/queries.py).
    return (
        seen_by(shape, staff, practice)
        .open()
        .select_related("client__user")
        .only(*LINE_SHOWN)
        .order_by("-raised_at")[:20]
    )


# On the home of every therapist and owner: built by the ORM once per role (core/compiled.py).
_OPEN_NEWEST = CompiledRead(RiskAlert, _open_newest, {"staff": int, "practice": int})


# An alert's line, on the staff's home and the list of alerts, written here rather than by a template included once
# an alert (docs/decisions.md, "Pages that list many rows write their words in the view"); ``_ACKNOWLEDGED`` follows
# it on the list's recently acknowledged.
_ALERT_LINE = '<li><a href="{}">{}</a>:\n{}, {}{}\n{}</li>'
_ESCALATED = ' <span class="badge">{}</span>'
_ACKNOWLEDGED = '<br><span class="small">Acknowledged {}: {}</span>'


def alert_lines(alerts, staff, *, acknowledged: bool = False) -> str:
    """The list items of ``alerts`` (read with ``LINE_SHOWN``, and with when and how they were acknowledged when
    ``acknowledged``), as ``staff`` reads them: their own escalated alert is an owner's second reminder."""
    link = url_maker("risk:alert", "alert_uuid")
    own_reminder = format_many(_ESCALATED, "Second reminder")
    sent_on = format_many(_ESCALATED, "Sent to the practice owner")
    return format_rows(
        "",
        _ALERT_LINE,
        (
            (
                link(alert.uuid),
                alert.client.display_name,
                alert.get_source_display(),
                written(timezone.localtime(alert.raised_at), "j M Y, H:i"),
                ""
                if alert.escalated_at is None
                else own_reminder
                if alert.therapist_id == staff.pk and staff.is_owner
                else sent_on,
                format_many(
                    _ACKNOWLEDGED,
                    written(timezone.localtime(alert.acknowledged_at), "j M Y, H:i"),
                    alert.get_action_taken_display(),
                )
                if acknowledged
                else "",
            )
            for alert in alerts
        ),
    )


def _open_newest_asked(staff):
    return _OPEN_NEWEST.asked(roles(staff), staff=staff.pk, practice=staff.practice_id)


@reading(lambda request, staff: [_open_newest_asked(staff)] if staff is not None else [])
def open_alerts_panel(request, staff) -> str:
    staff = staff or staff_for(request.user)
    if staff is None:
        return ""
    alerts = _open_newest_asked(staff).objects()
    if not alerts:
        return ""
    return render_to_string(
        "risk/panel_open.html", {"count": len(alerts), "lines": alert_lines(alerts, staff)}, request=request
    )


# The client's newest five, built by the ORM once (core/compiled.py): only what the lines show (never the sealed
# note, which the alert's own page shows).
_CLIENTS_NEWEST = CompiledRead(
    RiskAlert,
    lambda shape, *, client: RiskAlert.objects.filter(client=client).only(
        "uuid", "source", "raised_at", "acknowledged_at", "action_taken"
    )[:5],
    {"client": int},
)
_LINE = '\n    <li><a href="{}">{}</a>, {}:\n      {}</li>\n    '
_WAITING = format_html("<strong>{}</strong>", "waiting for acknowledgement")


@reading(lambda request, client: [_CLIENTS_NEWEST.asked(client=client.pk)])
def client_alerts_panel(request, client) -> str:
    alerts = _CLIENTS_NEWEST.objects(client=client.pk)
    if not alerts:
        return ""
    # Each line written here rather than through the template's tags and filters (docs/benchmarks.md, tenth pass).
    link = url_maker("risk:alert", "alert_uuid")
    lines = format_rows(
        "",
        _LINE,
        ((link(alert.uuid), alert.get_source_display(), shown_day(alert.raised_at), _state(alert)) for alert in alerts),
    )
    return render_to_string("risk/panel_client.html", {"lines": lines}, request=request)


def _state(alert) -> str:
    if alert.is_open:
        return _WAITING
    return f"acknowledged {shown_day(alert.acknowledged_at)} ({alert.get_action_taken_display()})"


def navigation_reads(request) -> list:
    """The navigation's count of open alerts (risk/context_processors.py), for a page to read ahead with its own."""
    staff = staff_for(request.user)
    return [open_counts_asked(staff)] if staff is not None else []


SHELL = [navigation_reads]
THERAPIST_HOME = [open_alerts_panel]
OWNER_HOME = [open_alerts_panel]
CLIENT_RECORD = [client_alerts_panel]

"""Questionnaires on the client's home and on the therapist's page for a client."""

from functools import cache

from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.html import format_html

from core.compiled import CompiledRead
from core.dates import shown_day
from core.html import format_rows
from core.links import url_maker
from core.panels import reading
from measures.forms import SendForm
from measures.models import MeasureRequest, MeasureResponse, MeasureSchedule
from practice.access import may_write_record

ORDER = 30
RECENT = 6


# Read on every view of the client's home and record: built by the ORM once (core/compiled.py).
_PENDING = CompiledRead(
    MeasureRequest,
    lambda shape, *, client: MeasureRequest.objects.pending().for_client(client).order_by("requested_at"),
    {"client": int},
)


_SCHEDULES = CompiledRead(
    MeasureSchedule,
    lambda shape, *, client: MeasureSchedule.objects.active().filter(client=client).order_by("instrument"),
    {"client": int},
)
# Totals and flags only: the sealed answers are not shown on the record, so not read (nor decrypted).
_RECENT = CompiledRead(
    MeasureResponse,
    lambda shape, *, client: MeasureResponse.objects.for_client(client)
    .defer("answers", "difficulty")
    .order_by("-completed_at")[:RECENT],
    {"client": int},
)


@reading(lambda request, client: [_PENDING.asked(client=client.pk)])
def waiting_panel(request, client) -> str:
    pending = _PENDING.objects(client=client.pk)
    if not pending:
        return ""
    return render_to_string("measures/panel_waiting.html", {"pending": pending}, request=request)


@reading(lambda request, client: [read.asked(client=client.pk) for read in (_SCHEDULES, _PENDING, _RECENT)])
def record_panel(request, client) -> str:
    context = {
        "client": client,
        "can_write": may_write_record(getattr(request, "staff", None), client),
        # No questionnaires after the ending (issue 21): the send form gives way to a line saying so.
        "care_ended": client.care_has_ended,
        "send_fields": _send_fields(),
        "schedules": _SCHEDULES.objects(client=client.pk),
        "pending": _PENDING.objects(client=client.pk),
        "recent": _recent_rows(_RECENT.objects(client=client.pk)),
    }
    return render_to_string("measures/panel_record.html", context, request=request)


_ROW = '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}{}</td></tr>'
_QUESTION_9 = format_html(" <strong>{}</strong>", "(question 9)")


def _recent_rows(recent) -> str:
    """The recent questionnaires' rows, written here: through the template's tags and filters they were the
    larger part of the record's slowest panel (bench/queries.py, docs/benchmarks.md "Issue 22, tenth pass")."""
    link = url_maker("measures:response", "response_uuid")
    rows = []
    for r in recent:
        if r.instrument == "scs_sf":
            score = floatformat(r.total, 2)
        else:
            score = floatformat(r.chart_value, 0) + ("%" if r.instrument == "who5" else "")
        flag = _QUESTION_9 if r.risk_flag else ""
        rows.append((shown_day(r.completed_at), link(r.uuid), r.definition.short_title, score, flag))
    return format_rows("", _ROW, rows)


@cache
def _send_fields() -> str:
    """The send form's two lists, the same on every record: written once, as Django writes a fresh form's."""
    form = SendForm()
    return format_rows(
        "",
        '<div class="field"><label for="{}">{}:</label>\n    <select name="{}" id="{}">{}</select></div>\n    ',
        (
            (
                field.id_for_label,
                field.label,
                field.html_name,
                field.id_for_label,
                format_rows(
                    "",
                    '<option value="{}"{}>{}</option>',
                    (
                        (value, " selected" if value == field.initial else "", label)
                        for value, label in field.field.choices
                    ),
                ),
            )
            for field in (form["instrument"], form["rhythm"])
        ),
    )


CLIENT_HOME = [waiting_panel]
CLIENT_RECORD = [record_panel]

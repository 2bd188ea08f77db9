"""Questionnaires on the client's home and on the therapist's page for a client."""

from django.template.loader import render_to_string

from core.compiled import CompiledRead
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


def waiting_panel(request, client) -> str:
    pending = _PENDING.objects(client=client.pk)
    if not pending:
        return ""
    return render_to_string("measures/panel_waiting.html", {"pending": pending}, request=request)


def record_panel(request, client) -> str:
    context = {
        "client": client,
        "can_write": may_write_record(getattr(request, "staff", None), client),
        # No questionnaires after the ending (issue 21): the send form gives way to a line saying so.
        "care_ended": client.care_has_ended,
        "form": SendForm(),
        "schedules": _SCHEDULES.objects(client=client.pk),
        "pending": _PENDING.objects(client=client.pk),
        "recent": _RECENT.objects(client=client.pk),
    }
    return render_to_string("measures/panel_record.html", context, request=request)


CLIENT_HOME = [waiting_panel]
CLIENT_RECORD = [record_panel]

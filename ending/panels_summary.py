"""The ending summary on the home pages: a card in the client's space, and "Ending" on the client's record."""

from functools import cache

from django.template.loader import render_to_string

from core.panels import reading, shared
from ending.forms import StartForm
from ending.models import Ending
from ending.selectors import ending_asked, ending_for
from practice.access import has_emergency_access, may_write_record


@reading(lambda request, client: [ending_asked(client)])
def client_home(request, client) -> str:
    """A gentle card while the ending is being prepared; after it, what stays the client's."""
    ending = ending_for(client)
    if ending is None:
        return ""
    ended = ending.state == Ending.State.ENDED
    if ended and not client.care_has_ended:
        return ""  # care went on after an earlier ending: that summary is still on the ending page
    return render_to_string(
        "ending/summary_panel_client.html",
        {"ended": ended, "therapist": ending.therapist.display_name},
        request=request,
    )


# Named for the client's therapist, who always reads it; an owner with emergency access reads it alone.
@reading(
    lambda request, client: [ending_asked(client)] if may_write_record(getattr(request, "staff", None), client) else []
)
def client_record(request, client) -> str:
    """ "Ending" on the client's record: start preparing (their therapist), or the way to the ending page."""
    staff = getattr(request, "staff", None)
    if staff is None:
        return ""
    can_write = may_write_record(staff, client)
    # Asked once for the record's panels (the notes panel asks too).
    if not can_write and not shared(
        request, ("practice.emergency", client.pk), lambda: has_emergency_access(staff, client)
    ):
        return ""
    ending = ending_for(client)
    if ending is None and not can_write:
        return ""
    context = {"client": client, "ending": ending, "can_write": can_write, "care_ended": client.care_has_ended}
    if can_write and (ending is None or ending.state == Ending.State.ENDED) and not client.care_has_ended:
        context["start_fields"] = _start_fields()
    return render_to_string("ending/staff/panel_record.html", context, request=request)


@cache
def _start_fields() -> str:
    """The fresh "start preparing" form's field, the same on every record (its date is checked only when sent):
    written once rather than through the form's templates on every view (docs/benchmarks.md, tenth pass)."""
    return render_to_string("includes/form.html", {"form": StartForm(today=None)})

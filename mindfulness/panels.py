from django.template.loader import render_to_string

from audit.services import audit_read
from core.compiled import CompiledRead
from core.panels import reading
from mindfulness.models import Recommendation
from mindfulness.selectors import title_of, tried_asked, tried_since
from practice.access import may_write_record

ORDER = 40


# Read on every view of the client's home: built by the ORM once (core/compiled.py).
_NEWEST_TWO = CompiledRead(
    Recommendation, lambda shape, *, client: Recommendation.objects.for_client(client)[:2], {"client": int}
)


@reading(lambda request, client: [_NEWEST_TWO.asked(client=client.pk)])
def client_home(request, client) -> str:
    recommendations = _NEWEST_TWO.objects(client=client.pk)
    return render_to_string("mindfulness/panel_client.html", {"recommendations": recommendations}, request=request)


# The titles of what the client has been suggested, newest first (no therapist or user rows to build): read on every
# view of the client record, built by the ORM once (core/compiled.py).
_SUGGESTED = CompiledRead(
    Recommendation,
    lambda shape, *, client: Recommendation.objects.active()
    .filter(client=client)
    .order_by("-created_at")
    .values_list("builtin_slug", "custom__title"),
    {"client": int},
)


@reading(lambda request, client: [tried_asked(client), _SUGGESTED.asked(client=client.pk)])
def client_record(request, client) -> str:
    """For the client's therapist: what they suggested, and which practices the client used and how often.
    Never her before/after ratings: she gave them as "only for you" (mindfulness/selectors.py)."""
    rows = tried_since(client)
    suggested = [title_of(slug, custom_title) for slug, custom_title in _SUGGESTED.rows(client=client.pk)]
    if rows:
        audit_read(request, client, client=client, object_type="mindfulness.practicelog")
    return render_to_string(
        "mindfulness/panel_record.html",
        {
            "client": client,
            "rows": rows[:5],
            "suggested": suggested,
            "can_write": may_write_record(getattr(request, "staff", None), client),
        },
        request=request,
    )


CLIENT_HOME = [client_home]
CLIENT_RECORD = [client_record]

from datetime import timedelta

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_read, audit_record
from caseload.access import get_appointment_of_client
from caseload.facts import facts_for
from caseload.forms import ClientSearchForm
from caseload.selectors import caseload_asked, caseload_for, page_of_clients, session_bounds
from checkins.selectors import scale_trends, trends_asked
from core.compiled import CompiledRead, reads_ahead
from core.dates import shown_day
from core.html import format_many, format_rows
from core.links import url_maker
from core.panels import panel_reads, render_panels, shell_reads
from formulation.models import Insight
from journal.selectors import shared_since, shared_since_asked
from measures.selectors import since_with_change, since_with_change_asked
from mindfulness.selectors import tried_asked, tried_since
from practice.access import clinical_access, staff_required, therapist_required
from risk.selectors import alerts_since, alerts_since_asked
from selfcare.selectors import done_since, done_since_asked

# "Who needs attention" and "Resting", written here rather than by the template's loops (docs/decisions.md, "Pages
# that list many rows write their words in the view"): the page's median in process fell from 8.03 to 6.92 ms on
# SQLite (docs/benchmarks.md, "Issue 22, nineteenth pass"). The whitespace is the template's: the page is as it was but
# for one empty line.
_ATTENTION = '\n    <li class="attention--{}">\n      <a href="{}"><strong>{}</strong></a>\n      <ul>\n        {}\n      </ul>\n    </li>\n    '
_REASON = "\n        <li>{}</li>\n        "
_REASON_LINK = '<a href="{}">{}<span class="visually-hidden"> {} {}</span></a>'
_RESTING = '\n    <li><a href="{}">{}</a>\n      <span class="small">{}</span></li>\n    '


def _reason_html(reason, item, alerts_url: str):
    """One reason's line: a link to where it is dealt with (the formulation, the alerts, a message), or its words."""
    name = item.client.display_name
    if reason.kind == "insight":
        return format_many(_REASON_LINK, item.formulation_url, reason.text, "for", name)
    if reason.kind == "alert":
        return format_many(_REASON_LINK, alerts_url, reason.text, "for", name)
    if reason.url:
        return format_many(_REASON_LINK, reason.url, reason.text, "from", name)
    return reason.text


def _attention_html(attention, alerts_url: str):
    return format_rows(
        "",
        _ATTENTION,
        (
            (
                item.top,
                item.record_url,
                item.client.display_name,
                format_rows("", _REASON, ((_reason_html(reason, item, alerts_url),) for reason in item.reasons)),
            )
            for item in attention
        ),
    )


def _resting_html(resting):
    return format_rows(
        "",
        _RESTING,
        (
            (url, client.display_name, f"last met {shown_day(last)}" if last else "no sessions yet")
            for client, last, url in resting
        ),
    )


@therapist_required
def home(request):
    staff = request.staff
    now = timezone.now()
    # The caseload's reads and the panels' in one statement on PostgreSQL (docs/decisions.md, "A page's panels read
    # together"): render_panels finds its panels' reads already read.
    with reads_ahead([*caseload_asked(staff, now=now), *panel_reads("THERAPIST_HOME", request, staff)]):
        return _home(request, staff, now)


def _home(request, staff, now):
    caseload = caseload_for(staff, now=now, request=request)
    if caseload.insights:
        # The suggestions name hypotheses and symptoms: one audited read for all of them on this page.
        audit_record(
            action=AuditEvent.Action.READ,
            object_type="formulation.insight",
            object_id="caseload",
            request=request,
            practice=staff.practice,
            detail={"insights": [str(i.uuid) for i in caseload.insights]},
        )
    return render(
        request,
        "caseload/home.html",
        {
            "staff": staff,
            "caseload": caseload,
            "attention": _attention_html(caseload.attention, reverse("risk:list")),
            "resting": _resting_html(caseload.resting),
            "panels": render_panels("THERAPIST_HOME", request, staff),
        },
    )


def _day(moment) -> str:
    """A moment's day where the page is shown, as the date filter's "j M Y" writes it ("7 Dec 2026"), or a dash.
    Fifty rows of two dates each through the filter, and a link each reversed in the template, were over a quarter of
    the list's time (cProfile)."""
    return "—" if moment is None else shown_day(moment)


# A row of the client list, written here rather than by the template's loop (docs/decisions.md, "Pages that list many
# rows write their words in the view"). The whitespace is the template's.
_CLIENT_ROW = (
    '\n    <tr>\n      <td><a href="{}">{}</a></td>\n      <td>{}</td>\n      <td>{}</td>\n      <td>{}</td>\n'
    "    </tr>\n    "
)


@therapist_required
def clients(request):
    form = ClientSearchForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    page = page_of_clients(request.staff, query=query, status=status, number=request.GET.get("page"))
    rows = page.object_list
    # Last contact and next session from the stored facts, refreshing only those that may be wrong.
    facts = facts_for(rows, changed={c.pk for c in rows if c.changed}, now=timezone.now())
    record = url_maker("practice:client_detail", "client_uuid")
    table = format_rows(
        "",
        _CLIENT_ROW,
        (
            (
                record(c.uuid),
                c.display_name,
                c.care_status_label,
                _day(facts[c.pk].last_contact),
                _day(facts[c.pk].next_session),
            )
            for c in rows
        ),
    )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "caseload/clients.html",
        {"form": form, "page": page, "table": table, "query_string": query_string.urlencode()},
    )


# The client's suggestions waiting, with what they name: built by the ORM once (core/compiled.py).
_WAITING = CompiledRead(
    Insight, lambda shape, *, client: Insight.objects.filter(client=client).waiting().with_parts(), {"client": int}
)


@staff_required
def since(request, client_uuid):
    """Before a session: everything since the last one, on one page."""
    client, can_write = clinical_access(request.user, client_uuid)
    now = timezone.now()
    reference = None
    if request.GET.get("before"):
        reference = get_appointment_of_client(client, request.GET["before"])
    until = reference.start if reference else now
    last, _upcoming, _contact = session_bounds([client.pk], now=min(until, now) - timedelta(seconds=1))
    since_at = last.get(client.pk)
    audit_read(request, client, client=client, object_type="caseload.since_we_last_met")
    # Everything since then in one statement on PostgreSQL, with the navigation's count (docs/decisions.md, "A page's
    # panels read together"); the self-care of a client whose care has ended is read alone, after the ending's moment.
    ended = client.care_has_ended
    with reads_ahead(
        [
            trends_asked(client, since_at, min(until, now)),
            since_with_change_asked(client, since_at),
            shared_since_asked(client, since_at),
            tried_asked(client, since_at),
            *([] if ended else [done_since_asked(client, since_at)]),
            alerts_since_asked(client, since_at),
            _WAITING.asked(client=client.pk),
            *shell_reads(request),
        ]
    ):
        context = {
            "client": client,
            "reference": reference,
            "since": since_at,
            "until": until,
            "checkins": scale_trends(client, since_at, min(until, now)),
            "measures": since_with_change(client, since_at),
            "entries": shared_since(client, since_at),
            "practices": tried_since(client, since_at),
            "selfcare": done_since(client, since_at),
            "alerts": alerts_since(client, since_at),
            "insights": _WAITING.objects(client=client.pk),
            "hide_actions": not can_write,  # an emergency reader sets no insight aside
        }
        return render(request, "caseload/since.html", context)

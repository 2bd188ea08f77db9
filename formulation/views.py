from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from audit.services import audit_read
from core.compiled import CompiledRead, reads_ahead
from core.links import url_maker
from core.panels import shell_reads
from formulation import services, sources, timeline
from formulation.access import (
    get_cause_for_clinician,
    get_rw_cause_for_clinician,
    get_rw_insight_for_clinician,
    get_rw_symptom_for_clinician,
    get_symptom_for_clinician,
)
from formulation.forms import (
    CauseForm,
    CauseNewForm,
    CauseRecordForm,
    DismissForm,
    SymptomEditForm,
    SymptomForm,
    SymptomRecordForm,
)
from formulation.models import Cause, Insight, Symptom
from formulation.selectors import formulation_asked, formulation_of
from practice.access import clinical_access, get_rw_client_for_clinician, staff_required


def _back(client):
    return redirect("formulation:detail", client_uuid=client.uuid)


# The timeline opens on the last year: what a therapist reviews before a session, and what stays
# legible on a phone. The whole history is one link away (docs/formulation-notes-caseload.md).
TIMELINE_DAYS = 365


def _link(*, symptoms, causes, chart) -> None:
    """Give each symptom, cause and timeline row its links, reversing each URL pattern once."""
    symptom_url = url_maker("formulation:symptom", "symptom_uuid")
    cause_url, cause_edit_url = (
        url_maker("formulation:cause", "cause_uuid"),
        url_maker("formulation:cause_edit", "cause_uuid"),
    )
    for item in symptoms:
        item.url = symptom_url(item.uuid)
    for item in causes:
        item.url, item.edit_url = cause_url(item.uuid), cause_edit_url(item.uuid)
        for linked in item.symptoms.all():
            linked.url = symptom_url(linked.uuid)
    for group in chart.groups:
        if group.band is not None:
            group.band.url = cause_url(group.band.uuid)
        for lane in group.lanes:
            lane.url = symptom_url(lane.uuid)


# Read on every view of a formulation: built by the ORM once (core/compiled.py).
_WAITING = CompiledRead(
    Insight, lambda shape, *, client: Insight.objects.filter(client=client).waiting(), {"client": int}
)


def _waiting_insights(client, *, symptoms, causes) -> list[Insight]:
    """The client's waiting insights, given the client, cause and symptoms already read for the page
    rather than joining them again (the joins cost more to build than the rows they bring)."""
    insights = _WAITING.objects(client=client.pk)
    causes_by_id, symptoms_by_id = {c.id: c for c in causes}, {s.id: s for s in symptoms}
    for insight in insights:
        insight.client = client
        # Every insight's cause and symptoms are the client's own; one missing here is read as before.
        if insight.cause_id in causes_by_id:
            insight.cause = causes_by_id[insight.cause_id]
        if insight.eased_symptom_id in symptoms_by_id:
            insight.eased_symptom = symptoms_by_id[insight.eased_symptom_id]
        if insight.appeared_symptom_id in symptoms_by_id:
            insight.appeared_symptom = symptoms_by_id[insight.appeared_symptom_id]
    return insights


@staff_required
def detail(request, client_uuid):
    client, can_write = clinical_access(request.user, client_uuid)
    audit_read(request, client, client=client, object_type="formulation.formulation")
    today = timezone.localdate()
    whole = request.GET.get("span") == "all"
    since = None if whole else today - timedelta(days=TIMELINE_DAYS)
    # The page's reads in one statement on PostgreSQL, with the navigation's count (docs/decisions.md, "A page's
    # panels read together").
    with reads_ahead(
        [
            *formulation_asked(client, since=since),
            _WAITING.asked(client=client.pk),
            *sources.sources_asked(client, since=since),
            *shell_reads(request),
        ]
    ):
        symptoms, causes = formulation_of(client, since=since)
        insights = _waiting_insights(client, symptoms=symptoms, causes=causes)
        chart = timeline.build(
            causes=causes,
            symptoms=symptoms,
            session_days=sources.session_dates(client, since=since),
            scores=sources.measure_scores(client, since=since),
            today=today,
            since=since,
        )
        _link(symptoms=symptoms, causes=causes, chart=chart)
        # Sessions and scores before ``since`` are not read; the client's first day in care stands in for them.
        earlier = since is not None and (chart.earlier or timezone.localdate(client.created_at) < since)
        return render(
            request,
            "formulation/detail.html",
            {
                "client": client,
                "symptoms": symptoms,
                "causes": causes,
                "insights": insights,
                "timeline": chart,
                "whole": whole,
                "earlier": earlier,
                "can_write": can_write,
                "hide_actions": not can_write,  # an emergency reader sets nothing aside
            },
        )


@staff_required
def symptom_new(request, client_uuid):
    client = get_rw_client_for_clinician(request.user, client_uuid)
    causes = list(Cause.objects.for_client(client))
    form = SymptomForm(request.POST if request.method == "POST" else None, causes=causes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.symptom_add(
            client=client,
            by=request.staff,
            kind=data["kind"],
            custom_name=data["custom_name"].strip(),
            status=data["status"],
            severity=data["severity"],
            on=data["on"],
            shared_with_client=data["shared_with_client"],
            causes=data["cause_objects"],
            request=request,
        )
        messages.success(request, "Symptom added.")
        return _back(client)
    return render(request, "formulation/form.html", {"client": client, "form": form, "heading": "Add a symptom"})


@staff_required
def symptom(request, symptom_uuid):
    if request.method == "POST":
        item, can_write = get_rw_symptom_for_clinician(request.user, symptom_uuid), True
    else:
        item, can_write = get_symptom_for_clinician(request.user, symptom_uuid)
    form = SymptomRecordForm(request.POST if request.method == "POST" else None, initial=_last(item))
    if request.method == "POST" and form.is_valid():
        services.symptom_record(symptom=item, by=request.staff, request=request, **form.cleaned_data)
        messages.success(request, f"Change recorded for {item.name}.")
        return _back(item.client)
    audit_read(request, item, client=item.client)
    return render(
        request,
        "formulation/symptom.html",
        {
            "client": item.client,
            "symptom": item,
            "form": form,
            "entries": list(reversed(item.entries())),
            "can_write": can_write,
        },
    )


def _last(item):
    current = item.current
    if current is None:
        return {}
    found = {"status": current.status}
    if hasattr(current, "severity"):
        found["severity"] = current.severity
    return found


@staff_required
def symptom_edit(request, symptom_uuid):
    item = get_rw_symptom_for_clinician(request.user, symptom_uuid)
    initial = {"kind": item.kind, "custom_name": item.custom_name, "shared_with_client": item.shared_with_client}
    form = SymptomEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        services.symptom_update(symptom=item, by=request.staff, changed=changed, request=request)
        messages.success(request, "Symptom saved.")
        return _back(item.client)
    audit_read(request, item, client=item.client)
    return render(
        request,
        "formulation/form.html",
        {"client": item.client, "form": form, "heading": f"Edit “{item.name}”"},
    )


@staff_required
def cause_new(request, client_uuid):
    client = get_rw_client_for_clinician(request.user, client_uuid)
    symptoms = list(Symptom.objects.for_client(client))
    form = CauseNewForm(request.POST if request.method == "POST" else None, symptoms=symptoms)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.cause_add(
            client=client,
            by=request.staff,
            hypothesis=data["hypothesis"].strip(),
            client_wording=data["client_wording"].strip(),
            shared_with_client=data["shared_with_client"],
            status=data["status"],
            on=data["on"],
            symptoms=data["symptom_objects"],
            request=request,
        )
        messages.success(request, "Cause added.")
        return _back(client)
    return render(
        request, "formulation/form.html", {"client": client, "form": form, "heading": "Add an underlying cause"}
    )


@staff_required
def cause(request, cause_uuid):
    if request.method == "POST":
        item, can_write = get_rw_cause_for_clinician(request.user, cause_uuid), True
    else:
        item, can_write = get_cause_for_clinician(request.user, cause_uuid)
    form = CauseRecordForm(request.POST if request.method == "POST" else None, initial=_last(item))
    if request.method == "POST" and form.is_valid():
        services.cause_record(cause=item, by=request.staff, request=request, **form.cleaned_data)
        messages.success(request, "Change recorded.")
        return _back(item.client)
    audit_read(request, item, client=item.client)
    return render(
        request,
        "formulation/cause.html",
        {
            "client": item.client,
            "cause": item,
            "form": form,
            "entries": list(reversed(item.entries())),
            "linked": list(item.symptoms.all()),
            "can_write": can_write,
        },
    )


@staff_required
def cause_edit(request, cause_uuid):
    item = get_rw_cause_for_clinician(request.user, cause_uuid)
    symptoms = list(Symptom.objects.for_client(item.client))
    initial = {
        "hypothesis": item.hypothesis,
        "client_wording": item.client_wording,
        "shared_with_client": item.shared_with_client,
        "symptoms": [str(s.uuid) for s in item.symptoms.all()],
    }
    form = CauseForm(request.POST if request.method == "POST" else None, initial=initial, symptoms=symptoms)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name != "symptoms"}
        if "symptoms" in form.changed_data:
            changed["symptoms"] = form.cleaned_data["symptom_objects"]
        services.cause_update(cause=item, by=request.staff, changed=changed, request=request)
        messages.success(request, "Cause saved.")
        return _back(item.client)
    audit_read(request, item, client=item.client)
    return render(request, "formulation/form.html", {"client": item.client, "form": form, "heading": "Edit the cause"})


@staff_required
def insight_dismiss(request, insight_uuid):
    insight = get_rw_insight_for_clinician(request.user, insight_uuid)
    if insight.dismissed_at is not None:
        return _back(insight.client)
    form = DismissForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.insight_dismiss(insight=insight, by=request.staff, note=form.cleaned_data["note"], request=request)
        messages.success(request, "Set aside. It will not come back for the same change.")
        return _back(insight.client)
    audit_read(request, insight, client=insight.client)
    return render(request, "formulation/dismiss.html", {"client": insight.client, "insight": insight, "form": form})

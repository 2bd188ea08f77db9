"""What counts as a client's data, for export and for erasure: one declaration per model.

Each model that points at a client (directly, or through a model that does)
is classified here, and ``test_every_client_model_is_classified`` fails when a
new one is not. An app may take over its own part by adding ``<app>/privacy.py``
with ``export(client) -> {name: [row, ...]}`` and/or ``erase(client) -> {label: count}``.

Classes:
- EXPORT_AND_DELETE: the client's own material (they wrote it, or it is about
  them only and the practice need not keep it): exported, and deleted on erasure.
- EXPORT_AND_KEEP: part of the practice's record that the client may have (their
  appointments, formulation items shared with them): exported; kept, restricted, on erasure.
- KEEP: the practice's clinical record (session notes, the therapist's own
  formulation, risk alerts): not in the self-service export (a subject access
  request to the practice covers it), kept on erasure, restricted until the
  retention period ends, then deleted by the retention job.
"""

import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

EXPORT_AND_DELETE = "export_and_delete"
EXPORT_AND_KEEP = "export_and_keep"
KEEP = "keep"

# Fields never exported: secrets and other people's identifiers.
NEVER_EXPORTED = {
    "id",
    "password",
    "token_hash",
    "manage_token",
    "stop_token",
    "video_token",
    "feed_token",
    "idempotency_key",
    "hypothesis",
}


@dataclass(frozen=True)
class Rule:
    label: str  # app_label.modelname
    kind: str
    path: str  # lookup from the model to the client, e.g. "client" or "plan__client"
    name: str = ""  # section name in the export
    only: dict = field(default_factory=dict)  # extra filter for what is exported (shared items)
    fields: tuple[str, ...] = ()  # exported fields (default: all but NEVER_EXPORTED)


RULES = [
    Rule(
        "practice.client",
        EXPORT_AND_KEEP,
        "pk",
        "profile",
        fields=("uuid", "preferred_name", "care_status", "care_status_since", "created_at"),
    ),
    Rule("practice.emergencyaccess", KEEP, "client"),
    Rule(
        "bookings.appointment",
        EXPORT_AND_KEEP,
        "client",
        "appointments",
        fields=("uuid", "kind", "mode", "start", "end", "status"),
    ),
    Rule(
        "bookings.consultation",
        EXPORT_AND_DELETE,
        "converted_client",
        "consultation_request",
        fields=("uuid", "name", "email", "phone", "note", "time_zone", "created_at"),
    ),
    Rule("bookings.carechange", EXPORT_AND_KEEP, "client", "care_history", fields=("status", "since")),
    Rule("care.handover", EXPORT_AND_KEEP, "client", "therapist_changes", fields=("at",)),
    Rule("bookings.nudgesent", EXPORT_AND_DELETE, "client", "booking_nudges"),
    Rule("onboarding.acceptance", EXPORT_AND_DELETE, "client", "agreements_accepted"),
    Rule("onboarding.intake", EXPORT_AND_DELETE, "client", "intake"),
    Rule("onboarding.consentchoice", EXPORT_AND_DELETE, "client", "consents"),
    Rule("checkins.checkin", EXPORT_AND_DELETE, "client", "checkins"),
    Rule("measures.measureschedule", EXPORT_AND_DELETE, "client", "questionnaire_schedules"),
    Rule("measures.measurerequest", EXPORT_AND_DELETE, "client", "questionnaires_sent"),
    Rule("measures.measureresponse", EXPORT_AND_DELETE, "client", "questionnaire_answers"),
    Rule("risk.riskalert", KEEP, "client"),
    Rule("risk.riskcheck", KEEP, "client"),
    Rule("mindfulness.practicelog", EXPORT_AND_DELETE, "client", "practice_log"),
    Rule("mindfulness.recommendation", EXPORT_AND_DELETE, "client", "practices_suggested"),
    Rule("selfcare.activity", EXPORT_AND_DELETE, "client", "selfcare_plan"),
    Rule("selfcare.tick", EXPORT_AND_DELETE, "activity__client", "selfcare_done"),
    Rule("selfcare.reminder", EXPORT_AND_DELETE, "client", "selfcare_reminders"),
    Rule("journal.entry", EXPORT_AND_DELETE, "client", "journal"),
    Rule(
        "formulation.symptom",
        EXPORT_AND_KEEP,
        "client",
        "formulation_symptoms",
        only={"shared_with_client": True},
        fields=("uuid", "kind", "custom_name", "created_at"),
    ),
    Rule(
        "formulation.symptomstatus",
        EXPORT_AND_KEEP,
        "symptom__client",
        "formulation_symptom_history",
        only={"symptom__shared_with_client": True},
        fields=("status", "severity", "on"),
    ),
    Rule(
        "formulation.cause",
        EXPORT_AND_KEEP,
        "client",
        "formulation_causes",
        only={"shared_with_client": True},
        fields=("uuid", "client_wording", "created_at"),
    ),
    Rule(
        "formulation.causestatus",
        EXPORT_AND_KEEP,
        "cause__client",
        "formulation_cause_history",
        only={"cause__shared_with_client": True},
        fields=("status", "on"),
    ),
    Rule("formulation.insight", KEEP, "client"),
    Rule("notes.sessionnote", KEEP, "client"),
    Rule("notes.amendment", KEEP, "note__client"),
    Rule("safetyplan.safetyplan", EXPORT_AND_DELETE, "client", "safety_plan"),
    Rule("safetyplan.safetyplanversion", EXPORT_AND_DELETE, "plan__client", "safety_plan_versions"),
    Rule("dataprivacy.erasurerequest", KEEP, "client"),
    # The practice's decision to hold back a line of "Who has opened my record" (serious harm test):
    # exporting it would give away what was held back.
    Rule("dataprivacy.heldbackopening", KEEP, "client"),
]
BY_LABEL = {rule.label: rule for rule in RULES}


def model_of(rule: Rule):
    return apps.get_model(rule.label)


def rows_for(rule: Rule, client, *, exported: bool = False):
    model = model_of(rule)
    queryset = model._default_manager.filter(**{rule.path: client.pk if rule.path == "pk" else client})
    if exported and rule.only:
        queryset = queryset.filter(**rule.only)
    return queryset.order_by("pk")


def _plain(value):
    if isinstance(value, models.Model):
        return str(getattr(value, "uuid", value.pk))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _row(obj, rule: Rule) -> dict:
    names = rule.fields or tuple(
        f.name for f in obj._meta.concrete_fields if f.name not in NEVER_EXPORTED and not f.name.endswith("_token")
    )
    row = {}
    for name in names:
        f = obj._meta.get_field(name)
        if isinstance(f, models.ForeignKey):
            related = getattr(obj, name)
            # People are named by role, not by their account; the client's own rows by uuid.
            row[name] = _plain(related) if related is not None else None
        else:
            row[name] = _plain(getattr(obj, name))
    return row


def _app_hook(app_label: str, name: str):
    try:
        module = importlib.import_module(f"{app_label}.privacy")
    except ModuleNotFoundError as error:
        if error.name != f"{app_label}.privacy":
            raise
        return None
    return getattr(module, name, None)


def collect(client) -> dict[str, list[dict]]:
    """Everything the client may take away, as plain rows by section name."""
    sections: dict[str, list[dict]] = {}
    hooked: set[str] = set()
    for rule in RULES:
        app_label = rule.label.split(".")[0]
        hook = _app_hook(app_label, "export")
        if hook is not None:
            if app_label not in hooked:
                sections.update(hook(client))
                hooked.add(app_label)
            continue
        if rule.kind == KEEP or not apps.is_installed(app_label):
            continue
        sections[rule.name] = [_row(obj, rule) for obj in rows_for(rule, client, exported=True)]
    sections["profile"] = [
        {
            **row,
            "name": client.user.name,
            "email": client.user.email,
            "therapist": client.therapist.display_name,
            "practice": client.practice.name,
        }
        for row in sections.get("profile", [])
    ]
    return sections


def client_models() -> list:
    """Every model that leads to a Client through foreign keys (what the classification must cover)."""
    from practice.models import Client

    found = {Client}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in found or model._meta.app_label in ("audit",):
                continue
            for f in model._meta.concrete_fields:
                if isinstance(f, models.ForeignKey) and f.related_model in found and f.related_model is not None:
                    if f.related_model is Client or model._meta.get_field(f.name).related_model in found:
                        found.add(model)
                        changed = True
                        break
    return sorted(found, key=lambda m: m._meta.label_lower)

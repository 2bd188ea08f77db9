"""The owner's "getting ready" list on their home, until each step is done.

Each app may add ``<app>/checklist.py`` with ``OWNER_CHECKLIST``: functions of the owner's
``StaffMember`` that return a ``Step`` (or None when the step does not apply). The list is found
the way ``core.panels`` finds panels, so practice (foundation) reads fees and working hours without
importing money or bookings, which sit above it: each app answers for its own data.
"""

import importlib
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.template.loader import render_to_string

from core.compiled import CompiledRead
from core.links import constant_url
from core.panels import reading
from practice.models import StaffMember


@dataclass(frozen=True)
class Step:
    order: int  # where it sits in the list (practice 10-30, bookings 40, money 50)
    title: str  # what to do, as a link
    how: str  # one short sentence on what "done" means
    url: str
    done: bool


@cache
def _registry() -> list:
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.checklist")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.checklist":
                raise
            continue
        found.extend(getattr(module, "OWNER_CHECKLIST", []))
    return found


def _steps_reads(request, staff) -> list:
    """The kept reads the steps name (``core.panels.reading``, as a panel names its own), for the list's panels."""
    if not staff.is_owner:
        return []
    return [read for func in _registry() if hasattr(func, "reads") for read in func.reads(request, staff)]


def owner_steps(staff) -> list[Step]:
    """Every step that applies to ``staff``'s practice, done or not, in order."""
    steps = [step for step in (func(staff) for func in _registry()) if step is not None]
    return sorted(steps, key=lambda step: step.order)


# --- Practice's own steps ------------------------------------------------------------------------


def details_step(staff) -> Step:
    practice = staff.practice
    return Step(
        order=10,
        title="Describe your practice",
        how="A few words about how you work, and an email address, for your public page.",
        url=constant_url("practice:settings"),
        done=bool(practice.description.strip() and practice.contact_email),
    )


def crisis_step(staff) -> Step:
    return Step(
        order=20,
        title="Confirm the crisis contacts",
        how="Check the urgent-help numbers your clients see are right for them.",
        url=constant_url("practice:crisis_confirm"),
        done=staff.practice.crisis_contacts_confirmed_on is not None,
    )


# One of the practice's therapists, if it has any (kept reads: core/compiled.py).
_A_THERAPIST = CompiledRead(
    StaffMember,
    lambda shape, *, practice: StaffMember.objects.therapists().in_practice(practice).values_list("pk")[:1],
    {"practice": int},
)


@reading(lambda request, staff: [_A_THERAPIST.asked(practice=staff.practice_id)])
def therapists_step(staff) -> Step:
    # Done once the practice has a therapist: a solo owner who sees clients needs no one else.
    return Step(
        order=30,
        title="Invite your therapists",
        how="Each gets an email with a link to set up their account.",
        url=constant_url("accounts:invite_therapist"),
        done=bool(_A_THERAPIST.rows(practice=staff.practice_id)),
    )


OWNER_CHECKLIST = [details_step, crisis_step, therapists_step]


@reading(_steps_reads)
def owner_checklist_panel(request, staff) -> str:
    """On the owner's practice page: the steps still to do, each a link; nothing once all are done."""
    steps = owner_steps(staff)
    left = [step for step in steps if not step.done]
    if not left:
        return ""
    return render_to_string(
        "practice/first_run/checklist.html",
        {"practice": staff.practice, "left": left, "done_count": len(steps) - len(left), "total": len(steps)},
        request=request,
    )


@reading(_steps_reads)
def owner_checklist_reminder(request, staff) -> str:
    """On an owner-therapist's caseload (their first page): a line leading to the list."""
    if not staff.is_owner:
        return ""
    steps = owner_steps(staff)
    left = sum(not step.done for step in steps)
    if not left:
        return ""
    return render_to_string(
        "practice/first_run/checklist_reminder.html",
        {"practice": staff.practice, "left": left, "total": len(steps)},
        request=request,
    )

"""Cara's formulation: panic attacks easing and sleep problems appearing while the harsh inner critic
stays open, so a symptom-shift suggestion waits on Ana's caseload."""

from datetime import timedelta

from django.utils import timezone

from formulation import services
from formulation.models import Cause

ORDER = 200  # after bookings, measures and the client's own history


def _formulation(demo) -> None:
    cara, ana = demo.cara, demo.ana
    if Cause.objects.for_client(cara).exists():
        return
    today = timezone.localdate()

    def ago(days):
        return today - timedelta(days=days)

    critic = services.cause_add(
        client=cara,
        by=ana,
        hypothesis="A harsh inner critic",
        client_wording="A voice inside that is hard on you, often when you are tired or have made a small mistake. "
        "It learned to do this to keep you safe, and it can learn kindness too.",
        shared_with_client=True,
        on=ago(150),
    )
    services.cause_record(cause=critic, by=ana, status="working", on=ago(120))
    please = services.cause_add(client=cara, by=ana, hypothesis="A need to please others", on=ago(120))

    panic = services.symptom_add(
        client=cara, by=ana, kind="panic_attacks", status="present", severity=8, on=ago(150), causes=[critic]
    )
    services.symptom_record(symptom=panic, by=ana, status="easing", severity=5, on=ago(100))
    services.symptom_record(symptom=panic, by=ana, status="resolved", severity=0, on=ago(60))
    anxiety = services.symptom_add(
        client=cara,
        by=ana,
        kind="anxiety",
        status="present",
        severity=6,
        on=ago(150),
        causes=[critic, please],
        shared_with_client=True,
    )
    services.symptom_record(symptom=anxiety, by=ana, status="easing", severity=4, on=ago(45))
    services.symptom_add(
        client=cara, by=ana, kind="low_mood", status="present", severity=4, on=ago(110), causes=[please]
    )
    # Appears within twelve weeks of panic resolving, linked to the same open cause: the shift.
    services.symptom_add(
        client=cara,
        by=ana,
        kind="sleep_problems",
        custom_name="Waking at 4am",
        status="present",
        severity=6,
        on=ago(35),
        causes=[critic],
    )


def seed(demo) -> None:
    _formulation(demo)

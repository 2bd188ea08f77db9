from datetime import date

from formulation import services
from formulation.models import Insight
from tending.testing.matrix import THERAPIST_OF_CLIENT, Route


def _formulation(w):
    ana = w.therapist
    panic = services.symptom_add(
        client=w.client_a, by=ana, kind="panic_attacks", status="present", severity=8, on=date(2026, 1, 5)
    )
    cause = services.cause_add(
        client=w.client_a, by=ana, hypothesis="A harsh inner critic", on=date(2026, 1, 5), symptoms=[panic]
    )
    insight = Insight.objects.create(
        client=w.client_a, kind=Insight.Kind.SYMPTOM_SHIFT, key=f"matrix:{cause.uuid}", cause=cause
    )
    return {"symptom": panic, "cause": cause, "insight": insight}


def client_a(w, _):
    return {"client_uuid": w.client_a.uuid}


ROUTES = [
    Route("formulation:detail", THERAPIST_OF_CLIENT, kwargs=client_a, setup=_formulation),
    Route(
        "formulation:symptom_new",
        THERAPIST_OF_CLIENT,
        write_form=True,
        kwargs=client_a,
        methods=("GET", "POST"),
        post_data={"kind": "anger", "status": "present", "severity": "4", "on": "2026-01-05"},
    ),
    Route(
        "formulation:cause_new",
        THERAPIST_OF_CLIENT,
        write_form=True,
        kwargs=client_a,
        methods=("GET", "POST"),
        post_data={"hypothesis": "Early shame", "status": "open", "on": "2026-01-05"},
    ),
    Route(
        "formulation:symptom",
        THERAPIST_OF_CLIENT,
        setup=_formulation,
        kwargs=lambda w, made: {"symptom_uuid": made["symptom"].uuid},
        methods=("GET", "POST"),
        post_data={"status": "easing", "severity": "3", "on": "2026-02-01"},
    ),
    Route(
        "formulation:symptom_edit",
        THERAPIST_OF_CLIENT,
        write_form=True,
        setup=_formulation,
        kwargs=lambda w, made: {"symptom_uuid": made["symptom"].uuid},
        methods=("GET", "POST"),
        post_data={"kind": "anxiety", "shared_with_client": "on"},
    ),
    Route(
        "formulation:cause",
        THERAPIST_OF_CLIENT,
        setup=_formulation,
        kwargs=lambda w, made: {"cause_uuid": made["cause"].uuid},
        methods=("GET", "POST"),
        post_data={"status": "working", "on": "2026-02-01"},
    ),
    Route(
        "formulation:cause_edit",
        THERAPIST_OF_CLIENT,
        write_form=True,
        setup=_formulation,
        kwargs=lambda w, made: {"cause_uuid": made["cause"].uuid},
        methods=("GET", "POST"),
        post_data={"hypothesis": "Changed"},
    ),
    Route(
        "formulation:insight_dismiss",
        THERAPIST_OF_CLIENT,
        write_form=True,
        setup=_formulation,
        kwargs=lambda w, made: {"insight_uuid": made["insight"].uuid},
        methods=("GET", "POST"),
        post_data={"note": "Not now"},
    ),
]

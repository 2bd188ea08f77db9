"""Cara has a safety plan she wrote with Ana in session, then added to on her own."""

from safetyplan.models import SafetyPlan, SafetyPlanVersion
from safetyplan.services import safety_plan_save

ORDER = 60

IN_SESSION = {
    "warning_signs": "Lying awake replaying the day\nCancelling plans with friends\nThinking everyone would be better off without me",
    "coping_alone": "Soothing-rhythm breathing for three minutes\nA hot shower, then tea\nThe compassionate letter I wrote to myself",
    "distractions": "The park by the river\nMy neighbour Mo, who always has the kettle on",
    "people_to_ask": "My sister Jo 07700 900123\nMy friend Sam 07700 900456",
    "professionals": "My GP surgery 020 7946 0000",
    "safer_surroundings": "Ask Jo to keep my tablets at hers",
    "reasons_for_living": "My niece Ella\nSeeing the sea again",
}


def seed(demo) -> None:
    if SafetyPlan.objects.filter(client=demo.cara).exists():
        return
    safety_plan_save(
        client=demo.cara,
        content=IN_SESSION,
        written_by=demo.ana.user,
        author=SafetyPlanVersion.Author.IN_SESSION,
    )
    safety_plan_save(
        client=demo.cara,
        content={**IN_SESSION, "coping_alone": IN_SESSION["coping_alone"] + "\nThe 5-4-3-2-1 grounding practice"},
        written_by=demo.cara.user,
    )

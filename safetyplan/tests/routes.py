from safetyplan.services import safety_plan_save
from tending.testing.matrix import CLIENT, THERAPIST_OF_CLIENT, Route

STEP_TEXT = {"warning_signs": "Not sleeping", "people_to_ask": "My sister 07700 900123"}


def client_a(w, _):
    return {"client_uuid": w.client_a.uuid}


def _plan_for_a(w):
    safety_plan_save(client=w.client_a, content=STEP_TEXT, written_by=w.client_a.user)


ROUTES = [
    Route("safetyplan:mine", CLIENT),
    # Different words from the plan client A already has (the setup's), so saving makes a new version.
    Route("safetyplan:edit", CLIENT, methods=("GET", "POST"), post_data={**STEP_TEXT, "warning_signs": "Pacing"}),
    Route("safetyplan:client_plan", THERAPIST_OF_CLIENT, kwargs=client_a, setup=_plan_for_a),
    Route(
        "safetyplan:client_edit",
        THERAPIST_OF_CLIENT,
        write_form=True,
        kwargs=client_a,
        methods=("GET", "POST"),
        post_data={"warning_signs": "Changed by someone else"},
    ),
]

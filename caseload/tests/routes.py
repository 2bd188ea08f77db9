from tending.testing.matrix import THERAPIST, THERAPIST_OF_CLIENT, Route

ROUTES = [
    Route("caseload:home", THERAPIST),
    Route("caseload:clients", THERAPIST, query="q=a&status=all"),
    Route("caseload:since", THERAPIST_OF_CLIENT, kwargs=lambda w, _: {"client_uuid": w.client_a.uuid}),
]

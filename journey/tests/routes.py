from checkins.services import checkin_record
from measures.services import measure_response_record
from tending.testing.matrix import CLIENT, THERAPIST_OF_CLIENT, Route


def _history_for_a(w):
    checkin_record(client=w.client_a, data={"mood": 6, "peace": 5, "feelings": ["calm"], "note": "Walked by the river"})
    measure_response_record(client=w.client_a, instrument="phq9", answers=[1, 1, 1, 1, 1, 0, 0, 0, 0])
    measure_response_record(client=w.client_a, instrument="gad7", answers=[1, 1, 1, 1, 1, 1, 1])
    measure_response_record(client=w.client_a, instrument="who5", answers=[3, 3, 2, 2, 3])


ROUTES = [
    Route("journey:mine", CLIENT, setup=_history_for_a),
    Route("journey:client", THERAPIST_OF_CLIENT, kwargs=lambda w, _: {"client_uuid": w.client_a.uuid}),
]

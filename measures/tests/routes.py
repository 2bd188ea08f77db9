from measures.services import measure_request_open, measure_response_record, measure_send
from tending.testing.matrix import CLIENT, CLIENT_OBJECT, THERAPIST_OF_CLIENT, Route


def _request_for_a(w):
    return measure_request_open(client=w.client_a, instrument="phq9", requested_by=w.therapist)


def _response_for_a(w):
    return measure_response_record(client=w.client_a, instrument="gad7", answers=[1, 2, 1, 0, 1, 2, 1])


def _schedule_for_a(w):
    schedule, _ = measure_send(client=w.client_a, instrument="who5", rhythm="fortnightly", sent_by=w.therapist)
    return schedule


def client_a(w, _):
    return {"client_uuid": w.client_a.uuid}


ROUTES = [
    Route("measures:list", CLIENT),
    Route("measures:support", CLIENT),
    Route(
        "measures:fill",
        CLIENT_OBJECT,
        setup=_request_for_a,
        kwargs=lambda w, r: {"request_uuid": r.uuid},
        methods=("GET", "POST"),
        post_data={f"item_{n}": "0" for n in range(1, 10)},
    ),
    Route(
        "measures:send",
        THERAPIST_OF_CLIENT,
        write_form=True,
        kwargs=client_a,
        methods=("GET", "POST"),
        post_data={"instrument": "gad7", "rhythm": "once"},
    ),
    Route(
        "measures:stop",
        THERAPIST_OF_CLIENT,
        setup=_schedule_for_a,
        kwargs=lambda w, s: {"schedule_uuid": s.uuid},
        methods=("POST",),
    ),
    Route(
        "measures:response",
        THERAPIST_OF_CLIENT,
        setup=_response_for_a,
        kwargs=lambda w, r: {"response_uuid": r.uuid},
    ),
]

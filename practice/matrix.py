from tending.testing.matrix import (
    CLIENT,
    OWNER,
    OWNER_OF_CLIENT,
    THERAPIST,
    THERAPIST_OF_CLIENT,
    Route,
)


def client_a(w, _):
    return {"client_uuid": w.client_a.uuid}


ROUTES = [
    Route("practice:client_home", CLIENT),
    Route("practice:therapist_home", THERAPIST, ok_status=302, not_a_page=True),
    Route("practice:profile", THERAPIST, methods=("GET", "POST"), post_data={"name": "Changed", "bio": "x"}),
    Route("practice:invite_client", THERAPIST, methods=("GET", "POST"), post_data={"email": "new@example.test"}),
    Route("practice:client_detail", THERAPIST_OF_CLIENT, kwargs=client_a),
    Route("practice:owner_home", OWNER),
    Route("practice:settings", OWNER, methods=("GET", "POST"), post_data={"name": "Renamed"}),
    Route("practice:invite_therapist", OWNER, methods=("GET", "POST"), post_data={"email": "new@example.test"}),
    Route(
        "practice:emergency_access",
        OWNER_OF_CLIENT,
        kwargs=client_a,
        methods=("GET", "POST"),
        post_data={"reason": "A risk alert while Ana is away"},
    ),
    Route("practice:audit_log", OWNER),
]

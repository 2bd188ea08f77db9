from tending.testing.matrix import CLIENT, OWNER, OWNER_OF_CLIENT, Route


def _erasure_for_a(w):
    from dataprivacy.services import erasure_request

    return erasure_request(client=w.client_a)


ROUTES = [
    Route("dataprivacy:mine", CLIENT),
    Route("dataprivacy:export", CLIENT, methods=("POST",)),
    Route("dataprivacy:erase_request", CLIENT, methods=("POST",), post_data={"understood": "on"}),
    Route("dataprivacy:erase_cancel", CLIENT, methods=("POST",)),
    Route("dataprivacy:requests", OWNER, methods=("GET", "POST"), post_data={"retention_years": "25"}),
    Route(
        "dataprivacy:complete",
        OWNER_OF_CLIENT,
        setup=_erasure_for_a,
        kwargs=lambda w, _: {"client_uuid": w.client_a.uuid},
        methods=("GET", "POST"),
        post_data={"confirm": "ERASE"},
    ),
]

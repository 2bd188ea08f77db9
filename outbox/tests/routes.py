from tending.testing.matrix import PUBLIC, Route

ROUTES = [
    # For a monitor: 503 here, where no clock has ever run.
    Route("healthz_jobs", PUBLIC, ok_status=503, not_a_page=True),
]

from tending.testing.matrix import PUBLIC, Route

ROUTES = [
    Route("root", PUBLIC),  # the public practice page (bookings)
    Route("healthz", PUBLIC, not_a_page=True),
    Route("core:home", PUBLIC, ok_status=302, not_a_page=True),
]

from tending.testing.matrix import CLIENT, Route

ROUTES = [
    Route("checkins:today", CLIENT, methods=("GET", "POST"), post_data={"mood": "6", "note": "A quiet day"}),
]

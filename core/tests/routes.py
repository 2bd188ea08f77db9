from tending.env import env_bool
from tending.testing.matrix import PUBLIC, Route

ROUTES = [
    Route("root", PUBLIC),  # the public practice page (bookings)
    Route("healthz", PUBLIC, not_a_page=True),
]

# The load test's framework floor exists only when TENDING_BENCH_FLOOR=1 (tending/urls.py).
if env_bool("TENDING_BENCH_FLOOR", False):
    ROUTES.append(Route("bench_floor", PUBLIC, not_a_page=True))

from tending.testing.matrix import Route  # noqa: F401

ROUTES = []

from tending.testing.matrix import PUBLIC, SIGNED_IN, Route

ROUTES = [
    # An unknown token explains itself kindly (410) to everyone.
    Route(
        "accounts:invitation",
        PUBLIC,
        kwargs=lambda w, _: {"token": "not-a-real-token"},
        ok_status=410,
        methods=("GET", "POST"),
    ),
    # Everyone signed in has their own account settings.
    Route("accounts:settings", SIGNED_IN),
]

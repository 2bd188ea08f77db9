from tending.testing.matrix import CLIENT, OWNER, Route

ROUTES = [
    Route("onboarding:welcome", CLIENT),
    Route("onboarding:agreement", CLIENT, methods=("GET", "POST"), post_data={"agree": "on"}),
    Route("onboarding:intake", CLIENT, methods=("GET", "POST"), post_data={"hopes": "To sleep better"}),
    Route("onboarding:choices", CLIENT, methods=("GET", "POST"), post_data={"email_reminders": "on", "gap_days": "28"}),
    Route(
        "onboarding:document_edit",
        OWNER,
        kwargs=lambda w, _: {"kind": "agreement"},
        methods=("GET", "POST"),
        post_data={"body": "Our agreement"},
    ),
]

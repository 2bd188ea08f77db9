from onboarding.services import document_publish
from tending.testing.matrix import CLIENT, OWNER, Route


def _agreement(w):
    """The practice's agreement, for its clients to accept."""
    return document_publish(practice=w.practice, kind="agreement", body="Our agreement", staff=w.owner)


ROUTES = [
    Route("onboarding:welcome", CLIENT),
    Route("onboarding:agreement", CLIENT, setup=_agreement, methods=("GET", "POST"), post_data={"agree": "on"}),
    Route("onboarding:intake", CLIENT, methods=("GET", "POST"), post_data={"hopes": "To sleep better"}),
    Route("onboarding:choices", CLIENT, methods=("GET", "POST"), post_data={"email_reminders": "on", "gap_days": "28"}),
    Route(
        "onboarding:document_edit",
        OWNER,
        kwargs=lambda w, _: {"kind": "agreement"},
        methods=("GET", "POST"),
        post_data={"body": "Our agreement, as it now reads"},
    ),
]

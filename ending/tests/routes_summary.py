"""The ending summary's URLs: the client's page and PDF, and the therapist's page with its writes."""

from datetime import timedelta

from ending.services import ending_start, letter_save
from tending.testing.matrix import CLIENT, THERAPIST_OF_CLIENT, Route


def _preparing(w):
    """Ana has started preparing client A's ending, planned a fortnight ahead, and written a letter."""
    ending = ending_start(client=w.client_a, staff=w.therapist, planned_on=w.therapist.today() + timedelta(days=14))
    letter_save(ending=ending, staff=w.therapist, letter="It has been good to work with you.")
    return {"ending": ending}


def _client_a(w, made):
    return {"client_uuid": w.client_a.uuid}


def _words(w, made):
    return {
        "started_words": "Tired, and worried most of the time.",
        "now_words": "Steadier.",
        "show_scores": "on",
        "show_letter": "on",
    }


ROUTES = [
    # Every client has the page; with no ending yet it says what it will be for.
    Route("ending:mine", CLIENT, setup=_preparing),
    Route("ending:summary_words", CLIENT, setup=_preparing, methods=("POST",), post_data=_words),
    Route("ending:summary_follow_up", CLIENT, setup=_preparing, methods=("POST",), post_data={"follow_up": "on"}),
    # Client B has no ending, so no summary to download; Fern (whose care ended) has hers.
    Route("ending:summary_pdf", CLIENT, setup=_preparing, not_a_page=True, expect={"client_b": 404, "ended": 200}),
    Route("ending:staff_summary", THERAPIST_OF_CLIENT, setup=_preparing, kwargs=_client_a),
    # Starting again changes the planned date of the ending being prepared.
    Route(
        "ending:staff_start",
        THERAPIST_OF_CLIENT,
        setup=_preparing,
        kwargs=_client_a,
        methods=("POST",),
        post_data=lambda w, made: {"ending-planned_on": (w.therapist.today() + timedelta(days=21)).isoformat()},
    ),
    Route(
        "ending:staff_letter",
        THERAPIST_OF_CLIENT,
        setup=_preparing,
        kwargs=_client_a,
        methods=("POST",),
        post_data={"letter": "Thank you for the work you have done."},
    ),
    Route("ending:staff_withdraw", THERAPIST_OF_CLIENT, setup=_preparing, kwargs=_client_a, methods=("POST",)),
    Route(
        "ending:staff_end",
        THERAPIST_OF_CLIENT,
        setup=_preparing,
        kwargs=_client_a,
        methods=("POST",),
        post_data=lambda w, made: {"ended_on": w.therapist.today().isoformat()},
    ),
]

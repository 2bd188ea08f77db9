"""Practice notices, for the authorization matrix and the accessibility scan."""

from messaging.notices import notice_publish
from tending.testing.matrix import CLIENT, OFFICE, OFFICE_OF_CLIENT, Route


def _notice(w):
    return notice_publish(staff=w.owner, title="Closed on Friday", body="The practice is closed this Friday.")


def _uuid(w, notice):
    return {"notice_uuid": notice.uuid}


ROUTES = [
    # The owner and the administrator publish (an office task); Zed sees his own practice's list.
    Route(
        "messaging:notices",
        OFFICE,
        methods=("GET", "POST"),
        post_data={"title": "Closed on Friday", "body": "The practice is closed this Friday."},
    ),
    Route("messaging:notice_withdraw", OFFICE_OF_CLIENT, setup=_notice, kwargs=_uuid, methods=("POST",)),
    # Any client of Willow dismisses a Willow notice from their own home.
    Route("messaging:notice_read", CLIENT, setup=_notice, kwargs=_uuid, methods=("POST",)),
]

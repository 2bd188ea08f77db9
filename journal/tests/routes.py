from journal.models import Entry
from journal.services import entry_share
from tending.testing.matrix import CLIENT, CLIENT_OBJECT, THERAPIST_OF_CLIENT, Route


def _entry(w):
    return Entry.objects.create(client=w.client_a, body="A quiet evening.", is_draft=False)


def _shared_entry(w):
    entry = _entry(w)
    entry_share(entry=entry)
    return entry


def _uuid(w, entry):
    return {"entry_uuid": entry.uuid}


ROUTES = [
    Route("journal:list", CLIENT),
    Route("journal:new", CLIENT, methods=("GET", "POST"), post_data={"prompt": "free", "body": "Hello."}),
    Route("journal:autosave", CLIENT, methods=("POST",), post_data={"prompt": "free", "body": "Typing..."}),
    Route("journal:detail", CLIENT_OBJECT, setup=_entry, kwargs=_uuid),
    Route(
        "journal:edit",
        CLIENT_OBJECT,
        setup=_entry,
        kwargs=_uuid,
        methods=("GET", "POST"),
        post_data={"prompt": "free", "body": "Changed."},
    ),
    Route("journal:share", CLIENT_OBJECT, setup=_entry, kwargs=_uuid, methods=("POST",)),
    Route("journal:unshare", CLIENT_OBJECT, setup=_shared_entry, kwargs=_uuid, methods=("POST",)),
    Route("journal:delete", CLIENT_OBJECT, setup=_entry, kwargs=_uuid, methods=("GET", "POST")),
    Route("journal:shared", THERAPIST_OF_CLIENT, kwargs=lambda w, _: {"client_uuid": w.client_a.uuid}),
]

from selfcare.models import Activity, Reminder
from selfcare.services import tick_record
from tending.testing.matrix import CLIENT, CLIENT_OBJECT, PUBLIC, Route


def _activity(w):
    return Activity.objects.create(client=w.client_a, area="body", text="A walk by the river", rhythm="few_a_week")


def _ticked_activity(w):
    """An activity client A ticked just now (so she can take the tick back)."""
    activity = _activity(w)
    tick_record(activity=activity)
    return activity


def _reminder(w):
    return Reminder.objects.create(client=w.client_a, is_on=True, message="Time for you.")


def _uuid(w, activity):
    return {"activity_uuid": activity.uuid}


ROUTES = [
    Route(
        "selfcare:plan",
        CLIENT,
        methods=("GET", "POST"),
        post_data={"text": "Call my sister", "area": "soul", "rhythm": "weekly"},
    ),
    Route(
        "selfcare:reminders",
        CLIENT,
        methods=("GET", "POST"),
        post_data={"is_on": "on", "time_of_day": "18:00", "days": "every_day", "message": "Be kind."},
    ),
    # The token in the email is the key: anyone holding it may stop the reminders, nothing more.
    Route("selfcare:reminder_stop", PUBLIC, setup=_reminder, kwargs=lambda w, r: {"token": r.stop_token}),
    Route(
        "selfcare:edit",
        CLIENT_OBJECT,
        setup=_activity,
        kwargs=_uuid,
        methods=("GET", "POST"),
        post_data={"text": "Changed", "area": "mind", "rhythm": "weekly"},
    ),
    Route("selfcare:tick", CLIENT_OBJECT, setup=_activity, kwargs=_uuid, methods=("POST",)),
    Route("selfcare:untick", CLIENT_OBJECT, setup=_ticked_activity, kwargs=_uuid, methods=("POST",)),
    Route("selfcare:archive", CLIENT_OBJECT, setup=_activity, kwargs=_uuid, methods=("POST",)),
]

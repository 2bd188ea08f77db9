"""What check-ins give the pending risk checks (risk/checks.py): a check-in's note."""

from checkins.models import CheckIn


def checkin_note_words(source_id: str):
    """(client, note) of the check-in, or None when it is gone."""
    checkin = CheckIn.objects.select_related("client__practice", "client__therapist").filter(uuid=source_id).first()
    return None if checkin is None else (checkin.client, checkin.note or "")

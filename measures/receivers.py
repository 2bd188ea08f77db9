"""What measures does when an app it may not be imported by announces something (connected in apps.py)."""

from measures.services import measures_stop_for_ended_care


def care_status_changed(sender, *, client, status, since, **kwargs):
    """Ended care stops every rhythm and withdraws every waiting questionnaire, in the same transaction
    (issue 21: no questionnaires after the ending). Paused care changes nothing here."""
    if status == "ended":
        measures_stop_for_ended_care(client=client)

from tending.testing.matrix import OWNER, OWNER_OF_CLIENT, PUBLIC, Route


def _failed_email_of_willow(w):
    """An email the Willow practice's mail server refused: only Willow's owner may send it again or put it away."""
    from django.core.mail import EmailMessage

    from outbox.models import Email
    from outbox.services import email_queue

    email = email_queue(EmailMessage(subject="s", body="b", to=["ana@willow.test"]), kind="Test", practice=w.practice)
    Email.objects.filter(pk=email.pk).update(status=Email.Status.FAILED, last_error="554 5.7.1 Rejected")
    return email


def _email(w, email):
    return {"email_uuid": email.uuid}


ROUTES = [
    # For a monitor: 503 here, where no clock has ever run.
    Route("healthz_jobs", PUBLIC, ok_status=503, not_a_page=True),
    # Each owner sees their own practice's emails (Zed those of Oak).
    Route("outbox:list", OWNER),
    Route("outbox:retry", OWNER_OF_CLIENT, setup=_failed_email_of_willow, kwargs=_email, methods=("POST",)),
    Route("outbox:put_away", OWNER_OF_CLIENT, setup=_failed_email_of_willow, kwargs=_email, methods=("POST",)),
]

from django.core.mail import EmailMessage
from django.utils import timezone

from outbox.models import Email
from outbox.services import email_queue
from practice.forms import PracticeSettingsForm
from practice.services import emergency_access_grant
from tending.testing.matrix import (
    CLIENT,
    NOT_FOUND,
    OWNER,
    OWNER_OF_CLIENT,
    PUBLIC,
    THERAPIST,
    THERAPIST_OF_CLIENT,
    Route,
    form_data,
)


def client_a(w, _):
    return {"client_uuid": w.client_a.uuid}


def _settings_renamed(w, _):
    return {**form_data(PracticeSettingsForm(instance=w.practice)), "name": "Renamed"}


def _grant_for_a(w):
    """An emergency access to client A's record, already ended (an open one would let the owner into
    every page of A's record, and change what the other routes expect)."""
    grant = emergency_access_grant(owner=w.owner, client=w.client_a, reason="A risk alert while Ana is away")
    grant.expires_at = timezone.now()
    grant.save(update_fields=["expires_at"])
    return grant


def _failed_email_of_willow(w):
    """An email the Willow practice's mail server refused: only Willow's owner may send it again or put it away."""
    email = email_queue(EmailMessage(subject="s", body="b", to=["ana@willow.test"]), kind="Test", practice=w.practice)
    Email.objects.filter(pk=email.pk).update(status=Email.Status.FAILED, last_error="554 5.7.1 Rejected")
    return email


def _email(w, email):
    return {"email_uuid": email.uuid}


ROUTES = [
    Route("practice:home", PUBLIC, ok_status=302, not_a_page=True),
    Route("practice:crisis", PUBLIC),
    Route("practice:client_home", CLIENT),
    Route("practice:therapist_home", THERAPIST, ok_status=302, not_a_page=True),
    Route("practice:profile", THERAPIST, methods=("GET", "POST"), post_data={"name": "Changed", "bio": "x"}),
    Route("practice:client_detail", THERAPIST_OF_CLIENT, kwargs=client_a),
    Route("practice:owner_home", OWNER),
    Route("practice:settings", OWNER, methods=("GET", "POST"), post_data=_settings_renamed),
    Route(
        "practice:emergency_access",
        OWNER_OF_CLIENT,
        kwargs=client_a,
        methods=("GET", "POST"),
        post_data={"reason": "A risk alert while Ana is away"},
    ),
    Route("practice:audit_log", OWNER),
    # Each owner sees their own practice's emails (Zed those of Oak).
    Route("practice:emails", OWNER),
    Route("practice:email_retry", OWNER_OF_CLIENT, setup=_failed_email_of_willow, kwargs=_email, methods=("POST",)),
    Route("practice:email_put_away", OWNER_OF_CLIENT, setup=_failed_email_of_willow, kwargs=_email, methods=("POST",)),
    # Client A's therapist is told of an owner's emergency access; the practice's owners may see it too.
    Route(
        "practice:emergency_access_notice",
        THERAPIST_OF_CLIENT,
        setup=_grant_for_a,
        kwargs=lambda w, grant: {"grant_uuid": grant.uuid},
        expect={"owner": 200},
    ),
    Route(
        "practice:emergency_access_notice_read",
        THERAPIST_OF_CLIENT,
        setup=_grant_for_a,
        kwargs=lambda w, grant: {"grant_uuid": grant.uuid},
        methods=("POST",),
        expect={"owner": 200},
        post_writes=("audit_auditevent",),  # "mark as read" is an ACKNOWLEDGE row in the audit log
    ),
    # A practice's first steps (practice/views_first_run.py). The first-run page is gone once any
    # practice exists, as in the persona world; its own tests (test_first_run.py) start from none.
    Route("practice:first_run", PUBLIC, ok_status=NOT_FOUND, not_a_page=True),
    # The owner's welcome link with a token that is not theirs: "this link cannot be used", for anyone.
    Route(
        "practice:owner_welcome",
        PUBLIC,
        kwargs=lambda w, _: {"user_uuid": w.owner.user.uuid, "token": "abc-0123456789abcdef"},
        ok_status=410,
        not_a_page=True,
    ),
    Route("practice:crisis_confirm", OWNER, methods=("GET", "POST")),
]

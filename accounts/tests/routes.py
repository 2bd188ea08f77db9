from accounts.models import Invitation
from accounts.services import invitation_create
from tending.testing.matrix import OK, OWNER, PUBLIC, SIGNED_IN, STAFF, THERAPIST, THERAPIST_OBJECT, Route


def _client_invitation_of_anas(email):
    """A pending invitation Ana sent to a new client of hers (one address per route, as a newer one replaces it)."""

    def setup(w):
        invitation, _token = invitation_create(
            invited_by=w.therapist, email=email, role=Invitation.Role.CLIENT, name="Nia", therapist=w.therapist
        )
        return invitation

    return setup


def _uuid(w, invitation):
    return {"invitation_uuid": invitation.uuid}


# Ana's client invitation: Ana and the owner may manage it; nobody else, staff or not.
_ANA_AND_THE_OWNER = {"owner": OK}

ROUTES = [
    # An unknown token explains itself kindly (410) to everyone.
    Route(
        "accounts:invitation",
        PUBLIC,
        kwargs=lambda w, _: {"token": "not-a-real-token"},
        ok_status=410,
        methods=("GET", "POST"),
        # The token is made up, so there is nothing to accept: accepting a real invitation is
        # accounts/tests' business (it signs a new person up).
        post_skip="no real invitation behind the token",
    ),
    Route("accounts:invite_client", THERAPIST, methods=("GET", "POST"), post_data={"email": "new@example.test"}),
    Route("accounts:invite_therapist", OWNER, methods=("GET", "POST"), post_data={"email": "new@example.test"}),
    Route("accounts:invite_administrator", OWNER, methods=("GET", "POST"), post_data={"email": "office@example.test"}),
    # Everyone signed in has their own account settings.
    Route("accounts:settings", SIGNED_IN, methods=("GET", "POST"), post_data={"pronouns": "she"}),
    # Each therapist and owner sees the invitations they may manage (Zed those of his own practice).
    Route("accounts:invitations", STAFF),
    Route(
        "accounts:invitation_resend",
        THERAPIST_OBJECT,
        setup=_client_invitation_of_anas("matrix.resend@example.test"),
        kwargs=_uuid,
        methods=("POST",),
        post_data={"next": "/"},
        expect=_ANA_AND_THE_OWNER,
    ),
    Route(
        "accounts:invitation_cancel",
        THERAPIST_OBJECT,
        setup=_client_invitation_of_anas("matrix.cancel@example.test"),
        kwargs=_uuid,
        methods=("GET", "POST"),
        post_data={"next": "/"},
        expect=_ANA_AND_THE_OWNER,
    ),
]

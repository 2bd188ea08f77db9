import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import get_user
from django.shortcuts import redirect
from django.urls import reverse

from practice.access import staff_for

# Paths that must work without touching the database or a session, or while
# a staff member is being asked to set up MFA.
_EXEMPT_PREFIXES = ("/static/", "/healthz", "/crisis/", "/sw.js", "/manifest.webmanifest")


class SessionTimeoutMiddleware:
    """Signs people out after idling (30 min clients, 15 min staff) and after 12 hours in all.

    The idle clock lives in the session and is written at most once a minute,
    so reading pages does not turn every request into a database write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(_EXEMPT_PREFIXES):
            return self.get_response(request)
        # The person is loaded here on every other path, as asking whether they are signed in always did; the page
        # then reads them directly, not through the lazy wrapper Django gives ``request.user``, whose every
        # attribute read raised and caught an AttributeError (a few hundred a page: issue 22).
        request.user = get_user(request)
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = int(time.time())
        session = request.session
        started = session.get("tending_started")
        last_seen = session.get("tending_seen")
        idle_limit = (
            settings.TENDING_IDLE_TIMEOUT_STAFF
            if staff_for(request.user) is not None
            else settings.TENDING_IDLE_TIMEOUT_CLIENT
        )
        if started is None or last_seen is None:
            session["tending_started"] = session.get("tending_started", now)
            session["tending_seen"] = now
        elif now - last_seen > idle_limit or now - started > settings.TENDING_ABSOLUTE_SESSION:
            logout(request)
            request.session["tending_timed_out"] = True
            if request.headers.get("HX-Request"):
                response = self.get_response(request)
                response["HX-Redirect"] = reverse("account_login")
                return response
            return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
        elif now - last_seen >= settings.TENDING_IDLE_REFRESH:
            session["tending_seen"] = now
        return self.get_response(request)


# The idle clock's value (``tending_seen``) when two-factor sign-in was last found set up in this session.
MFA_CHECKED_AT = "tending_mfa_seen"


class StaffMfaMiddleware:
    """Where the practice requires it, staff set up two-factor sign-in before anything else.

    The database is asked once each time the idle clock moves (at most once a minute, written with it), not
    on every page: removing one's authenticator clears the mark at once (accounts.receivers), and in another
    session of the same person it is noticed within a minute.
    """

    allowed_prefixes = ("/accounts/", "/static/", "/healthz", "/crisis/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.TENDING_STAFF_MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(self.allowed_prefixes)
            and staff_for(request.user) is not None
            and not _has_totp(request)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_totp(request) -> bool:
    session = request.session
    seen = session.get("tending_seen")
    if seen is not None and session.get(MFA_CHECKED_AT) == seen:
        return True
    if not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
        return False
    session[MFA_CHECKED_AT] = seen
    return True

"""Authentication backends that load the signed-in person's role with them.

Every page asks "is this a client or a member of staff, and of which practice?"
(``practice.access``, the page shell's navigation). Loading the user with their
client or staff record, practice and therapist in the one query the session
lookup makes anyway saves three to five queries on every signed-in page
(docs/benchmarks.md). Reverse one-to-one joins are outer joins, so a user who is
neither still loads, with both cached as absent.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

WITH_ROLES = ("staff_member__practice", "client__practice", "client__therapist__user")


class _WithRoles:
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related(*WITH_ROLES).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_WithRoles, DjangoModelBackend):
    pass


class AuthenticationBackend(_WithRoles, AllauthBackend):
    pass

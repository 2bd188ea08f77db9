"""Authentication backends that load the signed-in person's role with them.

Every page asks "is this a client or a member of staff, and of which practice?"
(``practice.access``, the page shell's navigation). Loading the user with their
client or staff record, practice and therapist in the one query the session
lookup makes anyway saves three to five queries on every signed-in page
(docs/benchmarks.md). Reverse one-to-one joins are outer joins, so a user who is
neither still loads, with both cached as absent.

That query is a kept read (core/compiled.py): every request makes it, and building
its five joins in the ORM and planning them on the server cost more than the rest
of a trivial page (docs/benchmarks.md, "Issue 22, thirteenth pass").
"""

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from core.compiled import CompiledRead

# The client's erasure row (nearly always none) too: the client's conversation, its polling and their documents ask
# ``Client.is_erased`` on every view, a query of its own each time without it.
WITH_ROLES = ("staff_member__practice", "client__practice", "client__therapist__user", "client__erasure")


@cache
def _with_roles() -> CompiledRead:
    User = get_user_model()
    return CompiledRead(
        User, lambda shape, *, pk: User._default_manager.select_related(*WITH_ROLES).filter(pk=pk), {"pk": int}
    )


class _WithRoles:
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _with_roles().first(pk=pk)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_WithRoles, DjangoModelBackend):
    pass


class AuthenticationBackend(_WithRoles, AllauthBackend):
    pass

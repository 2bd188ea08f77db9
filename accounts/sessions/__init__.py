"""Django's session stores, reading the session through a kept read (core/compiled.py).

Every request that carries a session cookie loads its row. Django's store builds that query
with the ORM each time, and on PostgreSQL the server parses and plans it each time. This store
builds it once per process and sends it as a prepared statement: about a millisecond less on
every signed-in page (docs/benchmarks.md, "Issue 22, thirteenth pass"). Everything else,
saving, expiry and the cache in front of ``cached_db``, is Django's.

``SESSION_ENGINE`` names ``accounts.sessions.db``, or ``accounts.sessions.cached_db`` when
Redis is the cache (tending/settings.py).
"""

from datetime import datetime
from functools import cache

from django.utils import timezone

from core.compiled import CompiledRead


@cache
def _live_session() -> CompiledRead:
    from django.contrib.sessions.models import Session

    return CompiledRead(
        Session,
        lambda shape, *, key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
        {"key": str, "now": datetime},
    )


class KeptSessionRead:
    """A session store's ``_get_session_from_db``, as Django's: the live row for the key, or None (and no key)."""

    def _get_session_from_db(self):
        # A key that is not a session key's shape was already dropped by the store (SessionBase._validate_session_key).
        found = _live_session().first(key=self.session_key, now=timezone.now()) if self.session_key else None
        if found is None:
            self._session_key = None
        return found

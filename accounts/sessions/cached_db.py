from django.contrib.sessions.backends import cached_db

from accounts.sessions import KeptSessionRead


class SessionStore(KeptSessionRead, cached_db.SessionStore):
    pass

from django.contrib.sessions.backends import db

from accounts.sessions import KeptSessionRead


class SessionStore(KeptSessionRead, db.SessionStore):
    pass

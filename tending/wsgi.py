"""The web server's entry point (``gunicorn tending.wsgi``, the Procfile's ``web``).

It refuses to start unless ``TENDING_ENV`` says which profile to run. Without it the
settings would fall back to the development profile, whose secrets are public: a server
that someone forgot to configure must stop, not serve. ``bin/run`` (the development
server, ``manage.py runserver``) does not come through here and needs nothing.
"""

import os

from tending.env import require_environment

require_environment()

from django.core.wsgi import get_wsgi_application  # noqa: E402 - only once the profile is known

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tending.settings")
application = get_wsgi_application()

import os

import pytest
from django.core.cache import cache
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["tending.testing.browser", "tending.testing.dates"]

# Playwright's sync API runs an event loop in the test thread; Django's async-safety
# guard would otherwise refuse the ORM calls the test makes around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Hypothesis tests properties, never the machine's pace. No deadline anywhere: a pause outside the
# test's control can stall one example (late in a full run on an idle machine, drawing twelve small
# tuples once took a whole second), and without a deadline the too_slow health check allows 30 s of
# input generation instead of 1 s. CI also derandomises, so a run that passed passes again on the
# same code, and keeps no example database between runs. HYPOTHESIS_PROFILE chooses another profile.
hypothesis_settings.register_profile("dev", deadline=None, print_blob=True)
hypothesis_settings.register_profile(
    "ci", parent=hypothesis_settings.get_profile("dev"), derandomize=True, database=None
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("TENDING_CI") else "dev")
)


@pytest.fixture(autouse=True, scope="session")
def _forms_checked_against_django():
    """Each widget, label and error list the suite renders is compared with Django's own template."""
    with override_settings(FORM_RENDERER="tending.testing.forms.CheckedFormRenderer"):
        yield


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.MEDIA_ROOT = tmp_path
    cache.clear()

import os

import pytest

pytest_plugins = ["tending.testing.browser"]

# Playwright's sync API runs an event loop in the test thread; Django's async-safety
# guard would otherwise refuse the ORM calls the test makes around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.MEDIA_ROOT = tmp_path
    from django.core.cache import cache

    cache.clear()

"""``{% static %}`` with each file's address worked out once per process.

Django's tag asks the app registry whether staticfiles is installed and the storage for the file's
hashed name (in production, a manifest lookup through several normalising steps) on every render:
dozens of Python calls a tag, and the page shell has two to five. The answer for a path changes only
when the settings behind it change, which happens in tests alone (``override_settings``): the
remembered addresses are forgotten then. A path the manifest lacks still raises, every time, as
Django's does. A template builtin (settings.TEMPLATES), as ``{% url %}`` is: no template may
``{% load static %}``, which would put Django's tag back (core/tests/test_kept_static.py checks).
"""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix

register = template.Library()

# Settings that change what an address is (Django's own test signals reset the storage on the first three).
_SETTINGS = {"STORAGES", "STATIC_ROOT", "STATIC_URL", "STATICFILES_DIRS", "INSTALLED_APPS", "DEBUG"}


@lru_cache(maxsize=1024)
def _address(path: str, prefix: str) -> str:
    # ``prefix`` is a key only: a relative STATIC_URL is read under the script prefix of the moment.
    return StaticNode.handle_simple(path)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in _SETTINGS:
        _address.cache_clear()


class KeptStaticNode(StaticNode):
    @classmethod
    def handle_simple(cls, path):
        return _address(path, get_script_prefix()) if isinstance(path, str) else StaticNode.handle_simple(path)


@register.tag("static")
def do_static(parser, token):
    """Django's ``{% static path [as varname] %}``, its answer for each path remembered."""
    return KeptStaticNode.handle_token(parser, token)

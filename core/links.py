"""Links for long lists, made once per URL pattern rather than once per row.

Reversing a URL costs tens of microseconds; in a template loop over years of rows it was
much of a page's time (bench/queries.py --profile). ``url_maker`` reverses the pattern once
with a placeholder UUID and returns a function that puts each row's own UUID in its place.

Each pattern is remembered for the process, per URLconf, script prefix and current app (as the
``{% url %}`` tag's answers are: core/templatetags/constant_urls.py), so a page that makes a link
function per message or per panel reverses nothing after its first view.
"""

import uuid
from functools import lru_cache

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

# A UUID no row has, put in a pattern once and replaced by each row's.
_MARKER = uuid.UUID(int=0)
_MARKER_TEXT = str(_MARKER)


def address_keys() -> tuple:
    """What an address written now depends on besides its name and arguments: the script prefix and the URLconf's
    resolver. Whatever remembers written addresses for the process (here, the ``{% url %}`` tag, the site's header,
    the library's list) takes both as keys; ``reverse()`` reads them itself."""
    return get_script_prefix(), get_resolver(get_urlconf())


def uuid_pattern(name: str, kwarg: str | None = None, current_app: str | None = None) -> str:
    """The address ``name`` with a stand-in for its one UUID argument (``kwarg``, or by position when None), to be
    completed by ``with_uuid``. Raises ``NoReverseMatch`` as ``reverse`` does."""
    return _pattern(name, kwarg, current_app, *address_keys())


@lru_cache(maxsize=2048)
def _pattern(name: str, kwarg: str | None, current_app: str | None, prefix: str, resolver) -> str:
    # ``prefix`` and ``resolver`` are keys only: reverse() reads both itself. A test that swaps the URLconf
    # (``override_settings(ROOT_URLCONF=…)``) gets a new resolver, so its own patterns.
    if kwarg is None:
        return reverse(name, args=[_MARKER], current_app=current_app)
    return reverse(name, kwargs={kwarg: _MARKER}, current_app=current_app)


def constant_url(name: str, current_app: str | None = None, **kwargs: str | int) -> str:
    """``reverse(name, kwargs=kwargs)`` remembered as ``uuid_pattern``'s patterns are: for an address without
    arguments, or whose arguments a site has few of (a practice's slug, a stand-in a caller replaces)."""
    given = tuple(sorted(kwargs.items())) if kwargs else ()
    return _constant(name, current_app, given, *address_keys())


@lru_cache(maxsize=2048)
def _constant(name: str, current_app: str | None, kwargs: tuple, prefix: str, resolver) -> str:
    # Keys only, as ``_pattern``'s.
    return reverse(name, kwargs=dict(kwargs), current_app=current_app)


def with_uuid(pattern: str, value) -> str:
    """``pattern`` (from ``uuid_pattern``) with ``value`` for its stand-in."""
    return pattern.replace(_MARKER_TEXT, str(value))


def url_maker(name: str, kwarg: str):
    """A function of one UUID giving ``reverse(name, kwargs={kwarg: that UUID})``."""
    pattern = uuid_pattern(name, kwarg)
    return lambda value: with_uuid(pattern, value)

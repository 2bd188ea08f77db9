"""Links for long lists, made once per URL pattern rather than once per row.

Reversing a URL costs tens of microseconds; in a template loop over years of rows it was
much of a page's time (bench/queries.py --profile). ``url_maker`` reverses the pattern once
with a placeholder UUID and returns a function that puts each row's own UUID in its place.
"""

import uuid

from django.urls import reverse

# A UUID no row has, put in a pattern once and replaced by each row's.
_MARKER = uuid.UUID(int=0)
_MARKER_TEXT = str(_MARKER)


def uuid_pattern(name: str, kwarg: str | None = None, current_app: str | None = None) -> str:
    """The address ``name`` with a stand-in for its one UUID argument (``kwarg``, or by position when None), to be
    completed by ``with_uuid``. Raises ``NoReverseMatch`` as ``reverse`` does."""
    if kwarg is None:
        return reverse(name, args=[_MARKER], current_app=current_app)
    return reverse(name, kwargs={kwarg: _MARKER}, current_app=current_app)


def with_uuid(pattern: str, value) -> str:
    """``pattern`` (from ``uuid_pattern``) with ``value`` for its stand-in."""
    return pattern.replace(_MARKER_TEXT, str(value))


def url_maker(name: str, kwarg: str):
    """A function of one UUID giving ``reverse(name, kwargs={kwarg: that UUID})``."""
    pattern = uuid_pattern(name, kwarg)
    return lambda value: with_uuid(pattern, value)

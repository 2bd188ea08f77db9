"""Links for long lists, made once per URL pattern rather than once per row.

Reversing a URL costs tens of microseconds; in a template loop over years of rows it was
much of a page's time (bench/queries.py --profile). ``url_maker`` reverses the pattern once
with a placeholder UUID and returns a function that puts each row's own UUID in its place.
"""

import uuid

from django.urls import reverse

# A UUID no row has, put in the pattern once and replaced by each row's (also by {% url %}: constant_urls).
MARKER = uuid.UUID(int=0)


def url_maker(name: str, kwarg: str):
    """A function of one UUID giving ``reverse(name, kwargs={kwarg: that UUID})``."""
    pattern = reverse(name, kwargs={kwarg: MARKER})
    return lambda value: pattern.replace(str(MARKER), str(value))

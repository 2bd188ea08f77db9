"""``format_html`` and ``format_html_join`` for a table body of hundreds of figures, or a list of many rows.

Django's ``format_html`` escapes each argument through ``conditional_escape`` and ``escape``, whose
lazy-string wrapper inspects every argument again: six Python calls a figure, and a year of check-ins
is hundreds of figures (journey/views.py writes each table body with one format). ``format_many``
escapes exactly as it does, text through ``html.escape`` and anything with ``__html__`` (safe strings,
a link already written) through its own, in one call a figure.
"""

import html

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def format_many(format_string: str, *args) -> SafeString:
    """``format_html(format_string, *args)``, the same output, in fewer calls for many arguments."""
    escaped = [a.__html__() if hasattr(a, "__html__") else html.escape(str(a)) for a in args]
    # Every argument is escaped on the line above, as format_html escapes it; the format string is our own.
    return mark_safe(format_string.format(*escaped))  # noqa: S308  # nosec B308 B703  # nosemgrep: tending-no-mark-safe


def format_rows(separator: str, format_string: str, rows) -> SafeString:
    """``format_html_join(separator, format_string, rows)``, the same output, escaped as ``format_many`` escapes.

    A list written in its view (docs/decisions.md, "Pages that list many rows write their words in the view")
    is fifty rows of several values: Django's join escapes each value through three calls, a third of
    the owner's page in a profile, where this takes one.
    """
    return mark_safe(  # noqa: S308  # nosec B308 B703  # nosemgrep: tending-no-mark-safe
        conditional_escape(separator).join(format_many(format_string, *row) for row in rows)
    )

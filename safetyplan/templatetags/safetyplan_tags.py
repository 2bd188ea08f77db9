"""Turn phone numbers in a line of the client's own text into tel: links, escaping everything else."""

import re

from django import template
from django.utils.html import format_html

from core.html import format_rows

register = template.Library()

# A run of 6+ digits, optionally starting with + and broken by spaces, dashes, dots or brackets.
PHONE = re.compile(r"(?<![\w+])(\+?\(?\d[\d\s().-]{4,}\d)(?!\w)")


def _segments(text: str):
    position = 0
    for match in PHONE.finditer(text):
        digits = re.sub(r"[^\d+]", "", match.group(1))
        if len(digits.lstrip("+")) < 6:
            continue
        if match.start() > position:
            yield ("{}", text[position : match.start()])
        yield ('<a class="tel" href="tel:{}">{}</a>', digits, match.group(1))
        position = match.end()
    if position < len(text):
        yield ("{}", text[position:])


@register.filter
def tel_links(text: str):
    """Escaped text with each phone number as a tel: link (format_html escapes every piece)."""
    return format_rows("", "{}", ((format_html(fmt, *args),) for fmt, *args in _segments(str(text))))

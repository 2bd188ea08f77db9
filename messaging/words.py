"""A message's words and time as HTML, made once per message in Python rather than by filters in a template
that is included thirty times a page (docs/benchmarks.md, issue 22).

The output is exactly the templates' former ``{{ body|urlize|linebreaks }}`` (``linebreaksbr`` on the
practice's side) and ``{{ sent_at|date:… }}``: ``messaging/tests/test_words.py`` compares them.
"""

import re

from django.template.defaultfilters import filesizeformat, linebreaks_filter, linebreaksbr, urlize
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString

from core.dates import written
from core.html import format_rows
from core.links import url_maker

# What Django's urlize can turn into a link: a word starting http(s):// or www., one ending in one of these
# domains, or one with an @ (an email address). Words without any of these come back only escaped, so a
# message without them skips urlize's word-by-word work (most messages).
_MIGHT_LINK = re.compile(r"https?:|www\.|@|\.(?:com|edu|gov|int|mil|net|org)\b", re.IGNORECASE)


def _linked(body: str) -> SafeString:
    if _MIGHT_LINK.search(body):
        return urlize(body, autoescape=True)
    return escape(body)  # what urlize gives a text with no link in it (escape marks it safe)


def body_html(body: str, *, paragraphs: bool = True) -> SafeString:
    """The words escaped, links made, and line breaks kept: paragraphs (the client's page) or ``<br>``."""
    linked = _linked(body or "")
    return linebreaks_filter(linked, autoescape=True) if paragraphs else linebreaksbr(linked, autoescape=True)


def sent(message, zone, label_format: str) -> None:
    """``sent_iso`` (for ``<time datetime>``) and ``sent_label`` on ``message``, in ``zone`` (None: the active
    time zone, as a template's ``date`` filter)."""
    local = timezone.localtime(message.sent_at, zone)
    message.sent_iso = local.isoformat()
    # What ``date_format`` gives for a format that is not a setting's name, without looking for one.
    message.sent_label = written(local, label_format)


def files_html(files, row: str, sep: str = "") -> SafeString:
    """A message's attachments, each written with ``row`` from its link, name, kind and size (both sides' pages)."""
    link = url_maker("messaging:attachment", "attachment_uuid")
    return format_rows(
        sep,
        row,
        ((link(file.uuid), file.filename, file.get_kind_display(), filesizeformat(file.size)) for file in files),
    )

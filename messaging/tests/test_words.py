"""A message's words as HTML are made in Python (messaging/words.py) exactly as the templates' filters made them."""

import warnings

import pytest
from django.template import Context, Template

from messaging.words import body_html

SAMPLES = [
    "",
    "Plain words, nothing to link. See you on Tuesday.",
    "Two\nlines\n\nand a paragraph",
    "Angle <b>brackets</b> & \"quotes\" 'too'",
    "A link: https://example.org/page?a=1&b=2.",
    "http://localhost:8000/x and HTTPS://EXAMPLE.COM",
    "www.nhs.uk/mental-health",
    "example.com, example.COM/path) and (example.net)",
    "Not a link: example.co.uk or file.txt or v1.2",
    "Write to me@example.org or <me@example.org>",
    "time 10:30, ratio 1:2, e.g. this.",
    "café.org and ünïcode.com",
    "mailto:me@example.org",
    "A&amp;B &lt;not a tag&gt;",
    "trailing.com.",
    "tab\tseparated\twww.example.org\tok",
]


@pytest.mark.parametrize("body", SAMPLES)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_the_words_are_the_templates_filters_exactly(body):
    for paragraphs, chain in ((True, "linebreaks"), (False, "linebreaksbr")):
        template = Template("{{ body|urlize|" + chain + " }}")
        assert body_html(body, paragraphs=paragraphs) == template.render(Context({"body": body}))


def test_a_link_without_its_scheme_opens_over_https():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and without Django's warning that its default will change
        assert body_html("See www.nhs.uk/mental-health or example.org.") == (
            '<p>See <a href="https://www.nhs.uk/mental-health" rel="nofollow">www.nhs.uk/mental-health</a> or '
            '<a href="https://example.org" rel="nofollow">example.org</a>.</p>'
        )

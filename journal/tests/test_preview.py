"""A journal entry's preview in the list: exactly what Django's ``Truncator(...).chars(100)`` writes, faster."""

import pytest
from django.utils.text import Truncator

from journal.views import PREVIEW_CHARS, preview

N = PREVIEW_CHARS

TEXTS = [
    "",
    "A short entry.",
    "x" * (N - 1),
    "x" * N,
    "x" * (N + 1),
    "Today I walked by the sea and noticed the light. " * 5,
    # What phones type: curly quotes, dashes, an emoji, accented letters.
    "I didn’t expect it — but the café felt calm 🙂 " * 4,
    # Decomposed accents, which NFC composes into one character each.
    "cafe\u0301 " * 40,
    # Combining marks that NFC cannot compose, inside the first hundred characters and just past them.
    "a\u0332" * 120,
    "b" * (N - 3) + "q\u0307\u0323\u0332" + "c" * 20,
    "d" * (N + 1) + "\u0332" * 5 + "e" * 10,
    "d" * N + "\u0332" + "e" * 10,
    # An entry already ending in an ellipsis at the cut.
    "f" * (N - 1) + "…" + "g" * 10,
    "line one\nline two\r\n" * 10,
]


@pytest.mark.parametrize("text", TEXTS)
def test_preview_is_what_django_s_truncator_writes(text):
    assert preview(text) == Truncator(text).chars(N)


def test_a_long_entry_is_cut_to_the_length_with_an_ellipsis():
    shown = preview("word " * 60)
    assert len(shown) == N
    assert shown.endswith("…")

"""Gentle detection in a client's own words: harsh self-talk, and words that may mean risk.

Used by the journal and check-in notes (and later messages); the risk app owns it so
that every kind of text is checked the same way (``risk.checks``). The phrase lists
are configurable: set ``TENDING_JOURNAL_HARSH_PHRASES`` or ``TENDING_JOURNAL_RISK_PHRASES``
in settings to a list of phrases to replace the defaults below (the names are older than
the move; they apply to every kind of text). Matching ignores case, curly apostrophes and
extra spaces, and matches whole words only ("hurt myself" does not match "hurt myselfie").
Detection only ever adds support next to the words; it never blocks a save.
"""

import logging
import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings

logger = logging.getLogger(__name__)

HARSH_PHRASES = (
    "i'm useless",
    "i am useless",
    "i'm worthless",
    "i am worthless",
    "i hate myself",
    "i'm so stupid",
    "i'm stupid",
    "i am stupid",
    "i'm pathetic",
    "i'm a failure",
    "i am a failure",
    "i'm disgusting",
    "i'm a burden",
    "i am a burden",
    "i'm not good enough",
    "i am not good enough",
    "i'm an idiot",
    "i ruin everything",
    "it's all my fault",
    "i can't do anything right",
    "nobody could love me",
    "what's wrong with me",
)

RISK_PHRASES = (
    "kill myself",
    "killing myself",
    "end it all",
    "ending it all",
    "better off dead",
    "better off without me",
    "hurt myself",
    "hurting myself",
    "harm myself",
    "harming myself",
    "self harm",
    "self-harm",
    "cut myself",
    "cutting myself",
    "want to die",
    "wanna die",
    "end my life",
    "take my own life",
    "don't want to be here anymore",
    "don't want to be alive",
    "don't want to live",
    "no reason to live",
    "not worth living",
    "suicide",
    "suicidal",
    "overdose",
)


@dataclass(frozen=True)
class Findings:
    harsh: bool = False
    risk: bool = False
    # Detection itself went wrong: the words are saved all the same and the crisis contacts are shown.
    failed: bool = False

    @property
    def show_contacts(self) -> bool:
        return self.risk or self.failed


def normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = text.replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-")
    return re.sub(r"\s+", " ", text)


@cache
def _pattern(phrases: tuple[str, ...]) -> re.Pattern:
    alternatives = sorted((re.escape(normalise(p).strip()) for p in phrases if p.strip()), key=len, reverse=True)
    if not alternatives:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile(r"(?<![\w'])(?:" + "|".join(alternatives) + r")(?![\w])")


def harsh_phrases() -> tuple[str, ...]:
    return tuple(getattr(settings, "TENDING_JOURNAL_HARSH_PHRASES", HARSH_PHRASES))


def risk_phrases() -> tuple[str, ...]:
    return tuple(getattr(settings, "TENDING_JOURNAL_RISK_PHRASES", RISK_PHRASES))


def detect(text: str) -> Findings:
    clean = normalise(text or "")
    return Findings(
        harsh=bool(_pattern(harsh_phrases()).search(clean)),
        risk=bool(_pattern(risk_phrases()).search(clean)),
    )


def safe_detect(text: str) -> Findings:
    """Detection that cannot fail the caller: on any error, assume the contacts should be shown.

    For what the client sees at once. The therapist's alert never depends on it: the pending
    check (``risk.checks``) runs detection again, and again later if it fails.
    """
    try:
        return detect(text)
    except Exception:  # noqa: BLE001 - a broken phrase list must never lose what the client wrote
        logger.exception("risk detection failed; showing crisis contacts")
        return Findings(failed=True)

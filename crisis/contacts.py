"""Default crisis contacts by country (../shared/PRODUCT.md, "Crisis contacts").

Kept in code, not the database, so the crisis page still renders when the
database is down. ``VERIFIED_ON`` is when these numbers were last checked
against the services' own pages; the practice confirms them for its country
and its confirmation date is shown beside ours.
"""

import datetime
from dataclasses import dataclass

VERIFIED_ON = datetime.date(2026, 11, 1)


@dataclass(frozen=True)
class Line:
    name: str
    number: str  # what a person reads
    dial: str  # what goes into tel:/sms:
    hours: str
    kind: str = "call"  # "call" or "text"
    text_body: str = ""  # for sms: the word to send
    note: str = ""

    @property
    def href(self) -> str:
        if self.kind == "text":
            body = f"?&body={self.text_body}" if self.text_body else ""
            return f"sms:{self.dial}{body}"
        return f"tel:{self.dial}"


@dataclass(frozen=True)
class CountryContacts:
    code: str
    name: str
    emergency: Line
    lines: tuple[Line, ...]


UK = CountryContacts(
    code="GB",
    name="United Kingdom",
    emergency=Line("Emergency services", "999", "999", "Any time, day or night"),
    lines=(
        Line(
            "Samaritans",
            "116 123",
            "116123",
            "Any time, day or night. Free to call.",
            note="Someone to talk to, whatever you are going through.",
        ),
        Line("NHS 111, option 2", "111", "111", "Any time, day or night", note="Urgent mental-health help in England."),
        Line(
            "Shout",
            "85258",
            "85258",
            "Any time, day or night",
            kind="text",
            text_body="SHOUT",
            note="Text SHOUT to 85258.",
        ),
    ),
)
IE = CountryContacts(
    code="IE",
    name="Republic of Ireland",
    emergency=Line("Emergency services", "112 or 999", "112", "Any time, day or night"),
    lines=(
        Line("Samaritans", "116 123", "116123", "Any time, day or night. Free to call."),
        Line("Pieta", "1800 247 247", "1800247247", "Any time, day or night"),
        Line(
            "Text 50808",
            "50808",
            "50808",
            "Any time, day or night",
            kind="text",
            text_body="HELLO",
            note="Text HELLO to 50808.",
        ),
    ),
)
US = CountryContacts(
    code="US",
    name="United States",
    emergency=Line("Emergency services", "911", "911", "Any time, day or night"),
    lines=(
        Line("988 Suicide & Crisis Lifeline", "988", "988", "Any time, day or night. Call or text."),
        Line("988 by text", "988", "988", "Any time, day or night", kind="text"),
        Line(
            "Crisis Text Line",
            "741741",
            "741741",
            "Any time, day or night",
            kind="text",
            text_body="HOME",
            note="Text HOME to 741741.",
        ),
    ),
)
EU = CountryContacts(
    code="EU",
    name="Elsewhere in the European Union",
    emergency=Line("Emergency services", "112", "112", "Any time, day or night"),
    lines=(),
)

BY_CODE = {c.code: c for c in (UK, IE, US, EU)}

COUNTRY_CHOICES = [
    ("GB", "United Kingdom"),
    ("IE", "Republic of Ireland"),
    ("US", "United States"),
    ("EU", "Another EU country (112, plus a national line you add)"),
]


def contacts_for(country: str) -> CountryContacts:
    """The practice's country, or the EU 112 fallback for anything we do not know."""
    return BY_CODE.get(country, EU)

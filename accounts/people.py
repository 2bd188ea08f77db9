"""Referring to a person: by the pronouns they chose, or by name when they chose none.

Tending never guesses a pronoun. ``accounts.User.pronouns`` is the person's own choice; "" means
"just use my name", so every form falls back to their name (``display_name``: a client's preferred
name first). Works for a ``User``, a ``Client`` or a ``StaffMember``.
"""

from accounts.models import Pronouns

# subject, object, possessive adjective, possessive pronoun, reflexive
_FORMS = {
    Pronouns.SHE: ("she", "her", "her", "hers", "herself"),
    Pronouns.HE: ("he", "him", "his", "his", "himself"),
    Pronouns.THEY: ("they", "them", "their", "theirs", "themselves"),
}
# The word a template writes, as if the person were "they": which of the forms it stands for.
_INDEX = {"they": 0, "them": 1, "their": 2, "theirs": 3, "themselves": 4}


def _user(person):
    if person is None:
        return None
    if hasattr(person, "pronouns"):
        return person
    return getattr(person, "user", None)


def name_of(person) -> str:
    if person is None:
        return ""
    if hasattr(person, "display_name"):
        return person.display_name
    return getattr(person, "name", "") or getattr(person, "email", "")


def pronouns_of(person) -> str:
    user = _user(person)
    return getattr(user, "pronouns", "") or ""


def refer(person, form: str) -> str:
    """``form`` is one of they/them/their/theirs/themselves; the person's own form of it, or their name."""
    index = _INDEX[form.lower()]
    chosen = _FORMS.get(pronouns_of(person))
    if chosen is None:
        name = name_of(person)
        return f"{name}'s" if index in (2, 3) else name
    word = chosen[index]
    return word.capitalize() if form[:1].isupper() else word


def subject(person) -> str:
    return refer(person, "they")


def object_(person) -> str:
    return refer(person, "them")


def possessive(person) -> str:
    return refer(person, "their")


def verb(person, plural: str, singular: str) -> str:
    """The verb that agrees with how the person is referred to: "they are", "she is", "Cara is"."""
    return plural if pronouns_of(person) == Pronouns.THEY else singular

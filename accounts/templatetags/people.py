"""Template words for referring to a person by their chosen pronouns, or by name (accounts.people).

{% load people %}
{{ client|subject }} may be at risk          → she / he / they / Cara
{% pronoun client "Their" %} plan            → Her / His / Their / Cara’s
{{ client|subject }} {{ client|verb:"are,is" }} away
"""

from django import template

from accounts import people

register = template.Library()


@register.simple_tag
def pronoun(person, form: str) -> str:
    return people.refer(person, form)


@register.filter
def subject(person) -> str:
    return people.subject(person)


@register.filter(name="object")
def object_(person) -> str:
    return people.object_(person)


@register.filter
def possessive(person) -> str:
    return people.possessive(person)


@register.filter
def verb(person, forms: str) -> str:
    """``forms`` is "plural,singular": "are,is", "have,has"."""
    plural, _, singular = forms.partition(",")
    return people.verb(person, plural, singular)

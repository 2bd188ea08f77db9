"""``{% url %}`` for every template, with the addresses that take no arguments worked out once per process.

A page's shell (the header, the navigation, the footer) names thirty to forty addresses such as
``{% url 'checkins:today' %}``, and Django reverses each one again on every page at 30-50 microseconds:
a millisecond or more of each page that the same answer could have cost nothing. An address without
arguments is remembered per URLconf, script prefix and current app, so a test that swaps the URLconf
(``override_settings(ROOT_URLCONF=…)``) or an install under a path prefix gets its own answers. An address
whose one argument is a UUID (a client's, an invoice's: the commonest on a page of panels) is remembered the
same way as a pattern, reversed once with a stand-in UUID that each row's own replaces (``core.links``). An
address whose one argument is a short slug or a whole number (a practice in the library, a page of a list) is
remembered whole, for the few hundred such values a site has: the library alone named two dozen practices by slug
on every view of it. Any other argument (text that is not a slug, such as a signed token) is reversed as before.
Loaded as a template builtin (settings.TEMPLATES), so it replaces the default ``url`` tag everywhere without a
``{% load %}``.
"""

import re
from functools import lru_cache
from uuid import UUID

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape

from core.links import address_keys, constant_url, uuid_pattern, with_uuid

register = template.Library()


@lru_cache(maxsize=4096)
def _reverse_one(view_name: str, keyword, value, current_app, prefix: str, resolver) -> str:
    # ``prefix`` and ``resolver`` are keys only: reverse() reads both itself (as in core.links's remembered patterns).
    # ``value`` is an int or a slug (``_kept_value``).
    if keyword is None:
        return reverse(view_name, args=[value], current_app=current_app)
    return reverse(view_name, kwargs={keyword: value}, current_app=current_app)


# The text values an address is remembered for: slugs, short enough that a site has few of them.
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,64}")


def _kept_value(value) -> bool:
    kind = type(value)
    return kind is int or (kind is str and _SLUG.fullmatch(value) is not None)


class ConstantURLNode(defaulttags.URLNode):
    def render(self, context):
        keyword, value = None, None
        if len(self.args) + len(self.kwargs) == 1:
            keyword, expression = next(iter(self.kwargs.items())) if self.kwargs else (None, self.args[0])
            value = expression.resolve(context)
            if type(value) is not UUID and not _kept_value(value):
                return super().render(context)
        elif self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        try:
            if value is None:
                url = constant_url(view_name, current_app)
            elif type(value) is not UUID:
                url = _reverse_one(view_name, keyword, value, current_app, *address_keys())
            else:
                url = with_uuid(uuid_pattern(view_name, keyword, current_app), value)
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's ``{% url %}`` (same syntax), remembering the addresses without arguments or with one UUID, slug or
    whole number."""
    node = defaulttags.url(parser, token)
    return ConstantURLNode(node.view_name, node.args, node.kwargs, node.asvar)

"""``{% url %}`` for every template, with the addresses that take no arguments worked out once per process.

A page's shell (the header, the navigation, the footer) names thirty to forty addresses such as
``{% url 'checkins:today' %}``, and Django reverses each one again on every page at 30-50 microseconds:
a millisecond or more of each page that the same answer could have cost nothing. An address with
arguments (a client's, an invoice's) is reversed as before; an address without is remembered per URLconf,
script prefix and current app, so a test that swaps the URLconf (``override_settings(ROOT_URLCONF=…)``)
or an install under a path prefix gets its own answers. Loaded as a template builtin (settings.TEMPLATES),
so it replaces the default ``url`` tag everywhere without a ``{% load %}``.
"""

from functools import lru_cache

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=2048)
def _reverse_constant(view_name: str, current_app, prefix: str, resolver) -> str:
    # ``prefix`` and ``resolver`` are keys only: reverse() reads both itself.
    return reverse(view_name, current_app=current_app)


class ConstantURLNode(defaulttags.URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        try:
            url = _reverse_constant(view_name, current_app, get_script_prefix(), get_resolver(get_urlconf()))
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
    """Django's ``{% url %}`` (same syntax), remembering the addresses without arguments."""
    node = defaulttags.url(parser, token)
    return ConstantURLNode(node.view_name, node.args, node.kwargs, node.asvar)

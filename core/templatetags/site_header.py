"""``{% site_header %}``: the header of every page, rendered once per process for each kind of person, practice name
and count of open alerts, instead of once per page.

The header and its navigation (``templates/includes/site_header.html`` and the ``nav_*.html`` it includes) name twenty
or more addresses and branch on who is signed in, about a tenth of a millisecond of every page, where the answer is the
same for every therapist of a practice with the same number of open alerts. Those templates see only ``nav`` (who is
signed in, from ``practice.context_processors``), ``open_alert_count`` and no request. The one thing that differs from
page to page, which link is the page being shown, is marked by ``{% current url %}`` and settled for each request:
``aria-current="page"`` on the link whose address is the request's path. A header is remembered per URLconf and script
prefix, as ``{% url %}``'s addresses are (core/templatetags/constant_urls.py), and forgotten when the templates'
settings change (tests).
"""

import re
from functools import lru_cache
from types import SimpleNamespace

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from core.links import address_keys

register = template.Library()

# What ``{% current url %}`` leaves in a remembered header: control characters no address or name contains.
_MARK = re.compile("\x1e([^\x1f]*)\x1f")


@register.simple_tag(takes_context=True)
def site_header(context) -> str:
    """The page's header for the person ``nav`` names, with the link to this page marked as the current one."""
    nav = context.get("nav")
    count = 0
    if nav is not None and (nav.is_therapist or nav.is_owner) and "open_alert_count" in context:
        count = context["open_alert_count"]()
    kind = None
    if nav is not None:
        practice = getattr(nav.practice, "name", None)
        kind = (nav.is_client, nav.is_therapist, nav.is_owner, nav.is_administrator, practice)
    remembered = _header(kind, count, *address_keys())
    request = context.get("request")
    # The marks hold their address escaped (``current``), so the path is compared escaped.
    path = escape(request.path) if request is not None else None
    # The header was written by the template engine, which escaped every value in it; only the marks change.
    marked = _MARK.sub(lambda m: ' aria-current="page"' if m.group(1) == path else "", remembered)
    return mark_safe(marked)  # noqa: S308  # nosec B308 B703  # nosemgrep: tending-no-mark-safe


@lru_cache(maxsize=1024)
def _header(kind: tuple | None, count: int, prefix: str, resolver) -> str:
    # ``prefix`` and ``resolver`` are keys only: ``{% url %}`` reads both itself.
    nav = None
    if kind is not None:
        is_client, is_therapist, is_owner, is_administrator, practice = kind
        nav = SimpleNamespace(
            is_client=is_client,
            is_therapist=is_therapist,
            is_owner=is_owner,
            is_administrator=is_administrator,
            practice=SimpleNamespace(name=practice) if practice is not None else None,
        )
    return get_template("includes/site_header.html").render({"nav": nav, "open_alert_count": count}).strip()


@register.simple_tag
def current(url: str) -> str:
    """Where ``aria-current="page"`` goes if ``url`` is the page being shown (settled by ``site_header``)."""
    return format_html("\x1e{}\x1f", url)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in {"TEMPLATES", "INSTALLED_APPS", "DEBUG", "STATIC_URL", "STORAGES"}:
        _header.cache_clear()

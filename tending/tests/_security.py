"""Shared helpers for the security tests: every state-changing route of the matrix, with a persona allowed to use it."""

from html.parser import HTMLParser

from django.test import Client as HttpClient
from django.urls import reverse

from tending.testing.matrix import PUBLIC, all_routes

PREFERENCE = ("client_a", "therapist", "owner", "colleague", "anonymous")


def writer_for(route) -> str | None:
    allowed = route.allowed()
    if route.kind == PUBLIC:
        return "anonymous"
    return next((p for p in PREFERENCE if p in allowed), None)


# Routes that end the persona's account: run last, so the others still have someone to sign in as.
LAST = ("dataprivacy:complete",)


def post_routes():
    routes = [route for route in all_routes() if "POST" in route.methods and writer_for(route)]
    return sorted(routes, key=lambda route: route.name in LAST)


def http_for(world, persona, *, enforce_csrf_checks=False) -> HttpClient:
    http = HttpClient(enforce_csrf_checks=enforce_csrf_checks)
    user = world.user(persona)
    if user is not None:
        http.force_login(user, backend="accounts.backends.ModelBackend")
    return http


def url_for(route, world, prepared) -> str:
    kwargs = route.kwargs(world, prepared.get(route.name)) if route.kwargs else {}
    return reverse(route.name, kwargs=kwargs)


def data_for(route, world, prepared) -> dict:
    return dict(route.post_data(world, prepared.get(route.name)) if callable(route.post_data) else route.post_data)


class FormFields(HTMLParser):
    """The fields of a page's POST forms: name -> (kind, value); kind is text, textarea, or other."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, tuple[str, str]] = {}
        self._in_post_form = False
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_post_form = (a.get("method") or "").lower() == "post"
        if not self._in_post_form or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a and name not in self.fields:
                    self.fields[name] = ("other", a.get("value") or "on")
            elif kind in ("text", "search"):
                self.fields.setdefault(name, ("text", a.get("value") or ""))
            elif kind not in ("submit", "button", "file"):
                self.fields.setdefault(name, ("other", a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = name
            self.fields.setdefault(name, ("textarea", ""))
        elif tag == "select":
            self._select = name
        if tag == "option" and self._select and (self._select not in self.fields or "selected" in a):
            value = a.get("value") or ""
            if value or "selected" in a:
                self.fields[self._select] = ("other", value)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html: str) -> dict[str, tuple[str, str]]:
    parser = FormFields()
    parser.feed(html)
    parser.fields.pop("csrfmiddlewaretoken", None)
    return parser.fields

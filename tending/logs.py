"""Logs that carry no token: request paths with the secret parts taken out.

Several links work without signing in because a secret in their path is the key: the
therapist's calendar feed, a consultation's manage link, the stop link in a reminder email,
an invitation, allauth's password-reset and email-confirmation keys. A log line holding the
whole path would keep that key for as long as logs are kept, readable by anyone who can
read the logs. ``redact_path`` replaces those parts with ``<name>``; gunicorn's access log
(``GunicornLogger``, named in the Procfile) and Django's request and security loggers
(``RedactTokensFilter``, in settings.LOGGING) write paths only through it.
"""

import logging
import re
from urllib.parse import parse_qsl, quote, urlsplit

from django.conf import settings
from django.urls import resolve

try:  # gunicorn is only installed where it serves; the filter below works without it.
    from gunicorn.glogging import Logger as _GunicornBaseLogger
except ImportError:  # pragma: no cover
    _GunicornBaseLogger = object

# URL keyword arguments whose value is a secret somewhere in Tending or allauth.
SECRET_KWARGS = frozenset({"signed", "token", "key", "uidb36", "uidb64"})
# For a path that matches no URL (a 404), any segment that looks like a key: long, and not a
# plain word, date or UUID. Practice slugs and static file names are left alone.
_KEYLIKE = re.compile(r"^[A-Za-z0-9_\-:.%=]{20,}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_WORDS = re.compile(r"^[a-z]+(-[a-z]+)*$")


def _keylike(segment: str) -> bool:
    return bool(_KEYLIKE.match(segment)) and not _UUID.match(segment) and not _WORDS.match(segment)


def redact_path(path: str) -> str:
    """``path`` (no query string) with every secret URL argument, or key-like segment, as ``<name>``."""
    if not path:
        return path
    if path.startswith(settings.STATIC_URL):
        return path
    if not any(_keylike(segment) for segment in path.split("/")):
        # Every secret in a path is a long key-like segment (a feed token, a signed link, a reset
        # key); without one there is nothing to take out, and no need to resolve the URL.
        return path
    try:
        match = resolve(path)
    except Exception:  # noqa: BLE001 - Resolver404, or anything else: a log line must never fail a request
        match = None
    if match is not None:
        secrets = [(n, v) for n, v in match.kwargs.items() if n in SECRET_KWARGS and isinstance(v, str) and v]
        # Longest first, and only where it last appears: a short value ("3", a user id in base 36)
        # must not eat the same characters earlier in the path.
        for name, value in sorted(secrets, key=lambda item: -len(item[1])):
            for form in (quote(value, safe=":@!$&'()*+,;="), value):
                head, found, tail = path.rpartition(form)
                if found:
                    path = f"{head}<{name}>{tail}"
                    break
        return path
    return "/".join("<redacted>" if _keylike(segment) else segment for segment in path.split("/"))


def redact_query(query: str) -> str:
    """A query string's names with every value dropped (``next=`` may hold a whole tokened path)."""
    if not query:
        return query
    return "&".join(f"{name}=…" for name, _value in parse_qsl(query, keep_blank_values=True))


def redact_url(url: str) -> str:
    """A full URL or path (a Referer, a request line's target) with its path redacted and no query values."""
    if not url or url == "-":
        return url
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""
    query = redact_query(parts.query)
    return origin + redact_path(parts.path) + (f"?{query}" if query else "")


class GunicornLogger(_GunicornBaseLogger):
    """gunicorn's logger, whose access-log atoms carry redacted paths, queries and referers.

    Every atom that repeats the path is rewritten, so a custom ``--access-logformat`` that
    uses ``%(U)s``, ``%(r)s``, ``%({raw_uri}e)s`` or ``%({referer}i)s`` leaks nothing either.
    """

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO", ""))
        query = redact_query(environ.get("QUERY_STRING", ""))
        target = path + (f"?{query}" if query else "")  # RAW_URI is the path and query as they came
        referer = redact_url(environ.get("HTTP_REFERER", "-"))
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {target} {environ.get('SERVER_PROTOCOL')}"
        atoms["U"] = path
        atoms["q"] = query
        atoms["f"] = referer
        atoms["{referer}i"] = referer
        known = {"raw_uri": target, "request_uri": target, "path_info": path}
        for name in ("raw_uri", "request_uri", "path_info", "script_name"):
            if f"{{{name}}}e" in atoms:
                atoms[f"{{{name}}}e"] = known.get(name) or redact_url(str(atoms[f"{{{name}}}e"]))
        for name in ("query_string", "http_referer"):
            if f"{{{name}}}e" in atoms:
                atoms[f"{{{name}}}e"] = query if name == "query_string" else referer
        return atoms


class RedactTokensFilter(logging.Filter):
    """Takes tokens out of Django's request log lines ("Not Found: /calendar/feed/…").

    Django logs the request's path in the message and keeps the request on the record; the
    message is rewritten with the redacted path, and the request is left off the record so a
    handler that formats it (an admin email) cannot show the path again.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if isinstance(path, str) and path:
            message = record.getMessage()
            full = request.get_full_path() if hasattr(request, "get_full_path") else path
            message = message.replace(full, redact_url(full)).replace(path, redact_path(path))
            record.msg, record.args = message, ()
            record.request = None
        elif record.name == "django.server" and isinstance(record.args, tuple) and record.args:
            # runserver's own line: args[0] is the request line, "GET /path?query HTTP/1.1".
            line = record.args[0]
            if isinstance(line, str) and line.count(" ") == 2:
                method, target, protocol = line.split(" ")
                record.args = (f"{method} {redact_url(target)} {protocol}", *record.args[1:])
        return True

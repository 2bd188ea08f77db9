from django.urls import URLPattern, URLResolver, get_resolver


def walk_urls(patterns=None, namespace=None, prefix=""):
    """Yield (name, route, callback) for every named URL, with namespaces joined by ':'."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            joined = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk_urls(entry.url_patterns, joined, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, prefix + str(entry.pattern), entry.callback


def is_third_party(callback) -> bool:
    module = getattr(callback, "__module__", "") or ""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        module = view_class.__module__
    return module.startswith(("allauth.", "django.contrib."))

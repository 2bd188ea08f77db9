"""Our own static rules, read from the source with the AST.

bin/test also runs bandit and semgrep (with the rules in .semgrep/); these tests
keep the rules that need Python's own view of the code (literal arguments,
allowed exceptions with reasons) inside the suite itself.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", "var", ".git", "bench", "migrations", "tests", "testing", "static"}

# Each allowed exception names the file and why.
ALLOWED = {
    ("core/panels.py", "mark_safe"): "joins panels that are rendered templates, already escaped",
    ("core/html.py", "mark_safe"): "format_html for many figures, each escaped as format_html does (test_html.py)",
    ("core/templatetags/site_header.py", "mark_safe"): "the page header the template engine rendered and escaped, with "
    "only its current-page marks settled (test_site_header.py)",
    (
        "selfcare/views.py",
        "csrf_exempt",
    ): "RFC 8058 one-click unsubscribe; the token is the only key and stopping is safe",
    (
        "money/views_online.py",
        "csrf_exempt",
    ): "Stripe's webhook: it cannot send our token; its signature is checked first",
    ("mindfulness/templates/mindfulness/sw.js", "autoescape off"): "JavaScript, not HTML; values are json.dumps'd",
}
PLAIN_TEXT_EMAIL = re.compile(r"templates/.+/email/.+\.txt$")


def _app_dirs():
    return [d for d in sorted(ROOT.iterdir()) if d.is_dir() and d.name not in SKIP_DIRS and not d.name.startswith(".")]


def _python_files():
    for path in [p for d in _app_dirs() for p in d.rglob("*.py")]:
        rel = path.relative_to(ROOT)
        if not SKIP_DIRS.intersection(rel.parts):
            yield rel, path


def _templates():
    for path in [p for d in _app_dirs() for p in d.rglob("*") if "templates" in p.parts]:
        rel = path.relative_to(ROOT)
        if path.is_file() and not SKIP_DIRS.intersection(rel.parts[:-1]):
            yield rel, path


def _calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            yield name, node


def _findings(rule):
    found = []
    for rel, path in _python_files():
        tree = ast.parse(path.read_text(), filename=str(rel))
        for problem in rule(rel, tree):
            if (str(rel), problem[0]) not in ALLOWED:
                found.append(f"{rel}:{problem[1]}: {problem[0]}")
    return found


def _no_mark_safe(rel, tree):
    for name, node in _calls(tree):
        if name in ("mark_safe", "SafeString") and not (node.args and isinstance(node.args[0], ast.Constant)):
            yield "mark_safe", node.lineno


def _no_csrf_exempt(rel, tree):
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Name | ast.Attribute)
            and getattr(node, "id", getattr(node, "attr", "")) == "csrf_exempt"
        ):
            yield "csrf_exempt", node.lineno


def _from_signed_in_person(value) -> bool:
    """``request.client.pk`` and the like: the signed-in person's own row, not something from the URL or form."""
    return (
        isinstance(value, ast.Attribute)
        and value.attr in ("pk", "id")
        and isinstance(value.value, ast.Attribute)
        and isinstance(value.value.value, ast.Name)
        and value.value.value.id == "request"
        and value.value.attr in ("client", "staff", "user")
    )


def _no_lookup_by_pk_in_views(rel, tree):
    if rel.name != "views.py":
        return
    for name, node in _calls(tree):
        if name in ("get", "get_object_or_404", "filter") and any(
            k.arg in ("pk", "id") and not _from_signed_in_person(k.value) for k in node.keywords
        ):
            yield "lookup by pk/id in a view (use an access.py helper and a UUID)", node.lineno


def _no_shell_or_eval(rel, tree):
    for name, node in _calls(tree):
        if name in ("eval", "exec"):
            yield name, node.lineno
        if any(k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value for k in node.keywords):
            yield "shell=True", node.lineno


def _no_raw_sql_in_views(rel, tree):
    if rel.name != "views.py":
        return
    for name, node in _calls(tree):
        if name in ("raw", "extra", "RawSQL"):
            yield "raw SQL in a view", node.lineno


def _no_request_data_in_logs(rel, tree):
    for name, node in _calls(tree):
        if name in ("debug", "info", "warning", "error", "exception", "critical", "log"):
            for arg in ast.walk(node):
                if isinstance(arg, ast.Attribute) and arg.attr in ("POST", "body", "GET", "cleaned_data"):
                    yield "request data in a log call", node.lineno


@pytest.mark.parametrize(
    "rule",
    [
        _no_mark_safe,
        _no_csrf_exempt,
        _no_lookup_by_pk_in_views,
        _no_shell_or_eval,
        _no_raw_sql_in_views,
        _no_request_data_in_logs,
    ],
    ids=lambda rule: rule.__name__.lstrip("_"),
)
def test_python_source_follows_our_rule(rule):
    assert _findings(rule) == []


def test_templates_never_switch_off_escaping():
    found = []
    for rel, path in _templates():
        text = path.read_text(errors="replace")
        if PLAIN_TEXT_EMAIL.search(str(rel)):
            continue  # plain-text emails are not HTML; escaping would show &amp; to the reader
        for pattern, label in (
            (r"\|\s*safe\b", "|safe"),
            (r"autoescape\s+off", "autoescape off"),
            (r"\|\s*safeseq\b", "|safeseq"),
        ):
            for match in re.finditer(pattern, text):
                if (str(rel), label) not in ALLOWED:
                    found.append(f"{rel}:{text[: match.start()].count(chr(10)) + 1}: {label}")
    assert found == []


def test_the_rules_catch_what_they_are_for():
    bad = ast.parse(
        "from django.utils.safestring import mark_safe\n"
        "def v(request):\n"
        "    Thing.objects.get(pk=request.GET['id'])\n"
        "    logger.info('saved %s', request.POST)\n"
        "    subprocess.run(cmd, shell=True)\n"
        "    return mark_safe(request.GET['q'])\n"
    )
    views = Path("someapp/views.py")
    assert list(_no_mark_safe(views, bad))
    assert list(_no_lookup_by_pk_in_views(views, bad))
    assert list(_no_request_data_in_logs(views, bad))
    assert list(_no_shell_or_eval(views, bad))

"""Client pages never blame, gamify or falsely reassure (PRODUCT.md, "Gentleness").

Every template in the repository is client-facing unless it is listed in
STAFF_ONLY below: when in doubt a page is checked. Add a staff-only page here
with its pattern (fnmatch, relative to the repository root), never a client's.
Django comments are removed first (clients never see them); HTML comments are
kept (they do). Practice texts and hints written in Python are checked too.
"""

import re
from fnmatch import fnmatch
from pathlib import Path

import pytest
from django.urls import reverse

from journal.models import PROMPT_HINTS
from mindfulness.content import all_client_text
from selfcare.models import AREA_HINTS
from tending.testing.matrix import CLIENT, ENDED, all_routes
from tending.testing.personas import TendingTestCase, add_ended_persona

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", ".git", "var", "bench", "static"}

BANNED = {
    "streak": r"\bstreaks?\b",
    "missed": r"\bmissed\b",
    "failed": r"\bfailed\b",
    "overdue": r"\boverdue\b",
    "you should": r"\byou\s+should\b",
    "no risk": r"\bno\s+risk\b",
    "low risk": r"\blow\s+risk\b",
    "you are safe": r"\byou\s+are\s+safe\b|\byou['’]re\s+safe\b",
    # Ending is "our work together has ended" on a client's page, never a discharge (issue 21).
    "discharge": r"\bdischarg(?:e|ed|es|ing)\b",
}

# Pages only a therapist or owner ever sees.
STAFF_ONLY = [
    "*/staff/*",
    "*therapist*",
    "*owner*",
    "*panel_record*",
    "*client_record*",
    "*panel_open*",
    "audit/templates/*",
    "caseload/templates/*",
    "notes/templates/*",
    "formulation/templates/formulation/[!p]*",  # everything but panel_client.html
    "risk/templates/risk/alert.html",
    "risk/templates/risk/list.html",
    "risk/templates/risk/_deliveries.html",
    "outbox/templates/*",
    "risk/templates/risk/email/*",
    "practice/templates/practice/emergency_access.html",
    "accounts/templates/accounts/invite.html",
    "practice/templates/practice/settings.html",
    "practice/templates/practice/client_detail.html",
    "measures/templates/measures/send.html",
    "measures/templates/measures/response.html",
    "onboarding/templates/onboarding/document_edit.html",
    "journal/templates/journal/shared.html",
    "mindfulness/templates/mindfulness/manage.html",
    "mindfulness/templates/mindfulness/custom_form.html",
    "mindfulness/templates/mindfulness/recommend.html",
    "mindfulness/templates/mindfulness/sw.js",
    "mindfulness/templates/mindfulness/manifest.webmanifest",
]

COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)


def all_templates() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in SKIP_DIRS or not path.is_file():
            continue
        if "templates" in relative.parts and path.suffix in {".html", ".txt"}:
            found.append(relative)
    return sorted(found)


def client_facing() -> list[Path]:
    return [p for p in all_templates() if not any(fnmatch(p.as_posix(), pattern) for pattern in STAFF_ONLY)]


def problems_in(text: str) -> list[str]:
    text = COMMENTS.sub("", text)
    return [word for word, pattern in BANNED.items() if re.search(pattern, text, re.I)]


def test_the_check_reads_the_pages_clients_actually_see():
    names = {p.as_posix() for p in client_facing()}
    for page in (
        "templates/base.html",
        "crisis/templates/crisis/crisis.html",
        "journal/templates/journal/list.html",
        "mindfulness/templates/mindfulness/player.html",
        "selfcare/templates/selfcare/plan.html",
        "selfcare/templates/selfcare/email/reminder.txt",
        # The ending, as the client sees it (issue 21): never "discharge".
        "ending/templates/ending/summary.html",
        "ending/templates/ending/summary_pdf.html",
        "ending/templates/ending/come_back.html",
        "bookings/templates/bookings/client/mine.html",
        "dataprivacy/templates/dataprivacy/journey_pdf.html",
    ):
        assert page in names, page


@pytest.mark.parametrize("template", client_facing(), ids=lambda p: p.as_posix())
def test_client_templates_never_blame_gamify_or_falsely_reassure(template):
    found = problems_in((ROOT / template).read_text(encoding="utf-8"))
    assert found == [], f"{template} uses {found}: rephrase warmly (or, if only staff see it, list it in STAFF_ONLY)"


def test_client_words_written_in_python_are_gentle_too():
    texts = all_client_text() + list(PROMPT_HINTS.values()) + list(AREA_HINTS.values())
    for text in texts:
        assert problems_in(text) == [], text


@pytest.mark.parametrize(
    "sentence",
    [
        "Keep your streak going!",
        "You missed 3 days",
        "Upload FAILED",
        "Your task is overdue",
        "You should try harder",
        "No risk found",
        "Low risk",
        "You are safe now",
        "You’re safe",
        "You have been discharged",
        "Discharge summary",
        "DISCHARGE",
    ],
)
def test_the_check_catches_each_word(sentence):
    assert problems_in(sentence)


def test_the_check_ignores_django_comments_and_allows_gentle_words():
    assert problems_in("{# we never say missed #}Welcome back, whenever you come.") == []
    assert problems_in("Missing you is allowed; misses and failures are not words we use here") == []


class EndedClientPagesTests(TendingTestCase):
    """The pages an ended client actually sees, rendered with her data, are gentle too: every page of her
    space (the route lists' client pages, her ending pages among them) is scanned as Fern sees it."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_ended_persona(cls.w)
        cls.routes = all_routes()
        cls.prepared = {route.name: route.setup(cls.w) if route.setup else None for route in cls.routes}

    def test_the_ended_clients_pages_never_blame_or_say_discharge(self):
        fern = self.as_(ENDED)
        scanned = []
        for route in self.routes:
            if route.kind != CLIENT or "GET" not in route.methods or route.not_a_page:
                continue
            kwargs = route.kwargs(self.w, self.prepared[route.name]) if route.kwargs else {}
            response = fern.get(reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else ""))
            if response.status_code != 200:
                continue
            scanned.append(route.name)
            with self.subTest(route=route.name):
                self.assertEqual(problems_in(response.content.decode()), [], route.name)
        self.assertIn("ending:mine", scanned)
        self.assertIn("bookings:mine", scanned)
        self.assertGreater(len(scanned), 25)

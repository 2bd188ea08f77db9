"""Every privacy statement on a client's page is true (issue 20, "Words that must be true").

The client is told what is hers alone and what her therapist sees. This test finds each such statement in
the templates clients see (``test_words.client_facing``), looks it up in CLAIMS below, and checks the claim
against the therapist's own pages for a client who has that data:

- PRIVATE: rendering the therapist's pages never shows it;
- THERAPIST_SEES: the therapist's pages show it (and the colleagues and administrator who are not her
  therapist do not);
- NOT_ABOUT_THE_THERAPIST: the words are about something else (a link that expires, a private space in
  the world's sense), with the reason.

A new privacy phrase in a client template fails ``test_every_privacy_statement_is_mapped`` until someone
says here what it promises, and a promise the pages break fails its check.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from journal.models import Entry
from journal.services import entry_share
from mindfulness.content import BY_SLUG
from mindfulness.services import exercise_log_record
from onboarding.services import intake_save
from tending.testing.personas import TendingTestCase, add_administrator_persona
from tending.tests.test_words import COMMENTS, ROOT, client_facing

# Words that promise who sees something. Any template variable naming a therapist counts as "your therapist".
PRIVACY_PHRASES = re.compile(
    r"\b(?:only for you|just for you|for you alone|only you|only your therapist|private|privately|shared with"
    r"|nobody else|no one else|never sees?|no longer sees?|your therapist (?:sees|can see|can read|will see))\b"
    r"|\{\{[^}]*therapist[^}]*\}\} (?:sees|can see|can read|will see)\b",
    re.I,
)
VARIABLE = re.compile(r"\{\{[^}]*\}\}")

PRIVATE = "private"
THERAPIST_SEES = "therapist_sees"
NOT_ABOUT_THE_THERAPIST = "not_about_the_therapist"


@dataclass(frozen=True)
class Claim:
    kind: str
    what: str  # the data it is about (a key of CHECKS), or for NOT_ABOUT_THE_THERAPIST why it is no promise


def _claim(kind, what):
    return Claim(kind, what)


# (template, the phrase as found, lower case, variables written "{{ therapist }}") → what it promises.
CLAIMS = {
    # Mindfulness: the before/after ratings and the word are hers; her therapist sees which practices and how often.
    ("mindfulness/templates/mindfulness/after.html", "only for you"): _claim(PRIVATE, "practice_ratings"),
    ("mindfulness/templates/mindfulness/after.html", "{{ therapist }} sees"): _claim(THERAPIST_SEES, "practice_use"),
    ("mindfulness/templates/mindfulness/what_helps.html", "for you alone"): _claim(PRIVATE, "practice_ratings"),
    ("mindfulness/templates/mindfulness/what_helps.html", "{{ therapist }} sees"): _claim(
        THERAPIST_SEES, "practice_use"
    ),
    # The journal: private unless an entry is shared; a shared one her therapist reads until she stops sharing.
    ("journal/templates/journal/list.html", "private"): _claim(PRIVATE, "journal_unshared"),
    ("journal/templates/journal/list.html", "only you"): _claim(PRIVATE, "journal_unshared"),
    ("journal/templates/journal/panel_client.html", "private"): _claim(PRIVATE, "journal_unshared"),
    ("journal/templates/journal/detail.html", "private"): _claim(PRIVATE, "journal_unshared"),
    ("journal/templates/journal/detail.html", "only you"): _claim(PRIVATE, "journal_unshared"),
    ("journal/templates/journal/detail.html", "shared with"): _claim(THERAPIST_SEES, "journal_shared"),
    ("journal/templates/journal/detail.html", "{{ therapist }} sees"): _claim(THERAPIST_SEES, "journal_shared"),
    ("journal/templates/journal/detail.html", "{{ therapist }} can read"): _claim(THERAPIST_SEES, "journal_shared"),
    ("journal/templates/journal/delete.html", "no longer see"): _claim(PRIVATE, "journal_deleted"),
    # The intake: her therapist sees it (and, in a worry for her safety, whoever covers: said on the page).
    ("onboarding/templates/onboarding/intake.html", "your therapist sees"): _claim(THERAPIST_SEES, "intake"),
    # A superbill: proved by money/tests/test_superbills.py (a US practice's fixtures), named in COVERED_ELSEWHERE.
    ("money/templates/money/superbill/client.html", "only you"): _claim(THERAPIST_SEES, "superbill"),
    ("money/templates/money/superbill/client.html", "your therapist can see"): _claim(THERAPIST_SEES, "superbill"),
    # Words about something other than what the therapist sees.
    ("accounts/templates/accounts/invitation.html", "private"): _claim(
        NOT_ABOUT_THE_THERAPIST, "'your own private space': a space of her own, from her therapist's invitation"
    ),
    ("accounts/templates/accounts/email/invitation.txt", "private"): _claim(
        NOT_ABOUT_THE_THERAPIST, "'a private space for your therapy': sent by the therapist who shares it"
    ),
    ("practice/templates/practice/client_home.html", "private"): _claim(
        NOT_ABOUT_THE_THERAPIST, "'your own private space': her space in the world's sense, not from her therapist"
    ),
    ("bookings/templates/bookings/public/link_ended.html", "private"): _claim(
        NOT_ABOUT_THE_THERAPIST, "why an emailed link expires"
    ),
    ("money/templates/money/client/link_gone.html", "private"): _claim(
        NOT_ABOUT_THE_THERAPIST, "why an emailed link expires"
    ),
    ("money/templates/money/client/mine.html", "private"): _claim(
        NOT_ABOUT_THE_THERAPIST, "an email carries a private link, not the invoice"
    ),
    ("dataprivacy/templates/dataprivacy/journey_pdf.html", "private"): _claim(
        NOT_ABOUT_THE_THERAPIST, "advice to keep her own download somewhere private"
    ),
    ("dataprivacy/templates/dataprivacy/openings.html", "nobody else"): _claim(
        NOT_ABOUT_THE_THERAPIST, "a fact read from the audit log, shown only when it holds"
    ),
    ("templates/account/login.html", "private"): _claim(NOT_ABOUT_THE_THERAPIST, "why an idle session is signed out"),
    # Staff pages that test_words.STAFF_ONLY does not name (so are scanned as if a client might see them).
    ("care/templates/care/handover.html", "no longer sees"): _claim(NOT_ABOUT_THE_THERAPIST, "a staff page"),
    ("money/templates/money/superbill/staff.html", "nobody else"): _claim(NOT_ABOUT_THE_THERAPIST, "a staff page"),
    ("money/templates/money/superbill/staff_section.html", "only you"): _claim(NOT_ABOUT_THE_THERAPIST, "a staff page"),
}

# Claims proved by another app's tests, where the data needs fixtures of their own: the test must exist.
COVERED_ELSEWHERE = {
    "superbill": (
        "money/tests/test_superbills.py",
        "test_only_the_clients_own_therapist_prepares_and_an_emergency_owner_only_reads",
    ),
}


def statements() -> set[tuple[str, str]]:
    found = set()
    for template in client_facing():
        text = COMMENTS.sub("", (ROOT / template).read_text(encoding="utf-8"))
        for match in PRIVACY_PHRASES.finditer(text):
            found.add((template.as_posix(), VARIABLE.sub("{{ therapist }}", match.group(0).lower())))
    return found


def test_every_privacy_statement_is_mapped():
    unmapped = sorted(statements() - CLAIMS.keys())
    assert unmapped == [], (
        f"New privacy words in client templates: {unmapped}. Say in CLAIMS what each promises, "
        "and make sure the therapist's pages keep it."
    )


def test_no_claim_is_left_for_words_that_are_gone():
    assert sorted(CLAIMS.keys() - statements()) == []


def test_the_scan_finds_each_kind_of_statement():
    for sentence in (
        "It is only for you.",
        "Just for you",
        "These are for you alone.",
        "Only you can read it",
        "Only your therapist sees this.",
        "A private place",
        "{{ therapist.display_name }} can read it",
        "{{ request.client.therapist.display_name|default:'your therapist' }} sees that",
        "Your therapist will see it",
        "Nobody else has",
    ):
        assert PRIVACY_PHRASES.search(sentence), sentence
    assert not PRIVACY_PHRASES.search("See who to contact now. Your therapist shares this so you can see it.")


def test_every_promise_has_a_check():
    promised = {claim.what for claim in CLAIMS.values() if claim.kind != NOT_ABOUT_THE_THERAPIST}
    checked = {name.removeprefix("test_") for name in dir(PrivacyPromiseTests) if name.startswith("test_")}
    assert promised - checked - COVERED_ELSEWHERE.keys() == set()
    for path, test_name in COVERED_ELSEWHERE.values():
        assert f"def {test_name}(" in (ROOT / path).read_text(encoding="utf-8")


NOW = timezone.make_aware(timezone.datetime(2026, 11, 18, 10, 0))
RATED_WORD = "Marigoldish"
UNSHARED = "Lanterns in the unshared entry"
SHARED = "Words she chose to bring"


@time_machine.travel(NOW, tick=False)
class PrivacyPromiseTests(TendingTestCase):
    """One test per thing promised, named as in CLAIMS: ``test_<what>``."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_administrator_persona(cls.w)

    def therapist_pages(self, persona="therapist") -> str:
        cara = {"client_uuid": self.w.client_a.uuid}
        http = self.as_(persona)
        pages = []
        for url in (
            reverse("practice:client_detail", kwargs=cara),
            reverse("caseload:since", kwargs=cara),
            reverse("caseload:home"),
            reverse("caseload:clients"),
            reverse("journey:client", kwargs=cara),
            reverse("journal:shared", kwargs=cara),
        ):
            response = http.get(url)
            self.assertIn(response.status_code, (200, 404), url)
            pages.append(response.content.decode() if response.status_code == 200 else "")
        return "\n".join(pages)

    def test_practice_ratings(self):
        exercise_log_record(
            client=self.w.client_a,
            exercise=BY_SLUG["rain"],
            calm_before=1,
            calm_after=8,
            kindness_before=2,
            kindness_after=9,
            word=RATED_WORD,
            practised_at=NOW - timedelta(days=1),
        )
        pages = self.therapist_pages()
        self.assertIn("RAIN for hard feelings", pages)  # the use is there: the ratings are not
        for shown in (RATED_WORD, "+7.0", "7.0", "calm", "Calm", "kindness to self"):
            self.assertNotIn(shown, pages)

    def test_practice_use(self):
        for _ in range(2):
            exercise_log_record(client=self.w.client_a, exercise=BY_SLUG["rain"], practised_at=NOW - timedelta(days=1))
        self.assertIn("RAIN for hard feelings: 2 times", self.therapist_pages())
        # The after page names who sees the use.
        after = self.as_("client_a").get(reverse("mindfulness:after", kwargs={"slug": "rain"}))
        self.assertContains(after, "Ana Therapist sees that you did this practice, never how you felt.")

    def test_journal_unshared(self):
        Entry.objects.create(client=self.w.client_a, body=UNSHARED, is_draft=False)
        self.assertNotIn(UNSHARED, self.therapist_pages())

    def shared_entry(self):
        entry = Entry.objects.create(client=self.w.client_a, body=SHARED, is_draft=False)
        entry_share(entry=entry)
        return entry

    def test_journal_shared(self):
        self.shared_entry()
        self.assertIn(SHARED, self.therapist_pages())
        self.assertNotIn(SHARED, self.therapist_pages("colleague"))

    def test_journal_deleted(self):
        entry = self.shared_entry()
        self.assertIn(SHARED, self.therapist_pages())
        self.as_("client_a").post(reverse("journal:delete", kwargs={"entry_uuid": entry.uuid}))
        self.assertNotIn(SHARED, self.therapist_pages())

    def test_intake(self):
        intake_save(client=self.w.client_a, data={"hopes": "Sleeping through the night", "phone": "07700 900123"})
        self.assertIn("Sleeping through the night", self.therapist_pages())
        for persona in ("colleague", "administrator", "owner"):
            self.assertNotIn("Sleeping through the night", self.therapist_pages(persona), persona)

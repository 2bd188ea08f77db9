"""Kept reads read ahead (core.compiled.reads_ahead): one statement on PostgreSQL, the same answers as each alone."""

from contextlib import contextmanager
from unittest import mock

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import compiled
from core.compiled import CompiledRead, counted, reads_ahead
from core.panels import reading, render_panels
from practice.models import Client
from risk.models import RiskAlert
from tending.testing.personas import TendingTestCase

ON_POSTGRESQL = connection.vendor == "postgresql"

_CLIENTS = CompiledRead(
    Client,
    lambda shape, *, practice: Client.objects.filter(practice=practice)
    .select_related("user", "therapist__user")
    .annotate(address=F("user__email"))
    .order_by("-pk"),
    {"practice": int},
)
_COUNT = CompiledRead(
    Client, lambda shape, *, practice: counted(Client.objects.filter(practice=practice), "practice"), {"practice": int}
)
_ALERTS = CompiledRead(
    RiskAlert, lambda shape, *, client: RiskAlert.objects.filter(client=client).order_by("pk"), {"client": int}
)


# A read PostgreSQL would plan afresh on every run: never read with others.
_ALONE = CompiledRead(
    RiskAlert, lambda shape, *, client: RiskAlert.objects.filter(client=client), {"client": int}, alone=True
)


def _answers(w) -> list:
    """Every read below, answered: instances with their related rows, a count, sealed text, none found."""
    return [
        [(c.pk, c.user.email, c.therapist.user.name, c.address) for c in _CLIENTS.objects(practice=w.practice.pk)],
        [(c.pk, c.user.email) for c in _CLIENTS.objects(practice=w.other_practice.pk)],
        _COUNT.row(practice=w.practice.pk, default=(0,)),
        [(a.pk, a.note) for a in _ALERTS.objects(client=w.client_a.pk)],
        _ALERTS.objects(client=w.client_b.pk),
    ]


@contextmanager
def _strays():
    """The SQL of every kept read that ran alone inside a block although it was read ahead there with other values:
    a page naming a read with values other than those it then asks with (it costs a statement, never a wrong
    answer)."""
    found, real = [], compiled._read_ahead

    def watched(read, params):
        rows = real(read, params)
        if rows is None and any(kept is read for kept, _rows in (compiled._AHEAD.get() or {}).values()):
            found.append(read.sql)
        return rows

    with mock.patch.object(compiled, "_read_ahead", watched):
        yield found


def _asked(w) -> list:
    return [
        _CLIENTS.asked(practice=w.practice.pk),
        _CLIENTS.asked(practice=w.other_practice.pk),
        _COUNT.asked(practice=w.practice.pk),
        _ALERTS.asked(client=w.client_a.pk),
        _ALERTS.asked(client=w.client_b.pk),
    ]


class ReadsAheadTests(TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for note in ("We spoke on the phone.", "A second call, 10% calmer; 'quoted' and \\ slashed."):
            RiskAlert.objects.create(
                client=cls.w.client_a,
                therapist=cls.w.therapist,
                source="journal_words",
                escalate_after=timezone.now(),
                acknowledged_at=timezone.now(),
                acknowledged_by=cls.w.therapist.user,
                action_taken="other",
                note=note,
            )

    def test_each_read_answers_as_it_does_alone(self):
        alone = _answers(self.w)
        self.assertEqual(len(alone[0]), Client.objects.filter(practice=self.w.practice).count())
        self.assertEqual(len(alone[3]), 2)
        with CaptureQueriesContext(connection) as ahead:
            with reads_ahead(_asked(self.w)):
                with CaptureQueriesContext(connection) as inside:
                    together = _answers(self.w)
        self.assertEqual(together, alone)
        # PostgreSQL: one statement before the block and none inside it; SQLite: each read as it would run alone.
        self.assertEqual(len(ahead) - len(inside), 1 if ON_POSTGRESQL else 0)
        self.assertEqual(len(inside), 0 if ON_POSTGRESQL else len(alone))

    def test_a_set_read_again_gives_the_same_answers_from_one_union(self):
        alone = _answers(self.w)
        for _ in range(3):  # the first time in a process, joined; then a union of the reads
            with CaptureQueriesContext(connection) as made:
                with reads_ahead(_asked(self.w)):
                    self.assertEqual(_answers(self.w), alone)
        self.assertEqual(len(made), 1 if ON_POSTGRESQL else len(alone))
        if ON_POSTGRESQL:
            self.assertIn(" UNION ALL ", made.captured_queries[0]["sql"])

    def test_a_read_marked_alone_runs_alone(self):
        with reads_ahead([*_asked(self.w)[:2], _ALONE.asked(client=self.w.client_a.pk)]):
            with CaptureQueriesContext(connection) as inside:
                self.assertEqual(len(_ALONE.objects(client=self.w.client_a.pk)), 2)
                _CLIENTS.objects(practice=self.w.practice.pk)
        self.assertEqual(len(inside), 1 if ON_POSTGRESQL else 2)
        self.assertNotIn("kept_read_", inside.captured_queries[0]["sql"])

    def test_a_columns_type_is_named_for_a_cast_or_the_joined_statement_is_kept(self):
        if not ON_POSTGRESQL:
            self.skipTest("types of PostgreSQL's columns")
        connection.ensure_connection()
        raw = connection.connection
        self.assertEqual(
            [compiled._type_name(raw, oid) for oid in (20, 1184, 1007, 2_000_000_000)],
            ["int8", "timestamptz", "int4[]", None],
        )

    def test_other_values_and_other_reads_run_as_usual(self):
        with reads_ahead(_asked(self.w)[:2]):
            with CaptureQueriesContext(connection) as inside:
                self.assertEqual(_ALERTS.objects(client=self.w.client_b.pk), [])
                self.assertEqual(_COUNT.row(practice=self.w.other_practice.pk, default=(0,)), (1,))
        self.assertEqual(len(inside), 2)

    def test_after_the_block_each_read_asks_again(self):
        with reads_ahead(_asked(self.w)):
            _answers(self.w)
        Client.objects.filter(practice=self.w.practice).update(preferred_name="Renamed")
        with CaptureQueriesContext(connection) as after:
            names = {c.preferred_name for c in _CLIENTS.objects(practice=self.w.practice.pk)}
        self.assertEqual((names, len(after)), ({"Renamed"}, 1))

    def test_a_block_inside_another_reads_only_what_the_outer_did_not(self):
        with reads_ahead(_asked(self.w)):
            with CaptureQueriesContext(connection) as inner:
                with reads_ahead([*_asked(self.w)[:3], _ALERTS.asked(client=self.w.client_b.pk)]):
                    together = _answers(self.w)
            self.assertEqual(together, _answers(self.w))
        self.assertEqual(len(inner), 0 if ON_POSTGRESQL else len(together))

    def test_one_read_alone_is_not_rewritten(self):
        with CaptureQueriesContext(connection) as ahead:
            with reads_ahead(_asked(self.w)[:1]):
                found = _CLIENTS.objects(practice=self.w.practice.pk)
        self.assertEqual(len(found), Client.objects.filter(practice=self.w.practice).count())
        self.assertEqual(len(ahead), 1)
        self.assertNotIn("kept_read_", ahead.captured_queries[0]["sql"])

    def test_panels_named_reads_are_read_before_any_panel(self):
        seen = []

        @reading(lambda request, client: [_ALERTS.asked(client=client.pk), _COUNT.asked(practice=client.practice_id)])
        def panel(request, client):
            before = len(made)
            notes = [a.note for a in _ALERTS.objects(client=client.pk)]
            seen.append((notes, _COUNT.row(practice=client.practice_id, default=(0,)), before))
            return "panel"

        from core import panels

        made = CaptureQueriesContext(connection)
        registry = panels._registry()
        kept = list(registry["CLIENT_HOME"])
        registry["CLIENT_HOME"][:] = [panel]
        try:
            with made:
                html = render_panels("CLIENT_HOME", self.staff_request(), self.w.client_a)
        finally:
            registry["CLIENT_HOME"][:] = kept
        self.assertEqual(html, "panel")
        [(notes, count, made_before)] = seen
        self.assertEqual(notes, ["We spoke on the phone.", "A second call, 10% calmer; 'quoted' and \\ slashed."])
        self.assertEqual(count, (Client.objects.filter(practice=self.w.practice).count(),))
        # PostgreSQL: both reads in one statement before the panel was drawn, none while it was.
        self.assertEqual((made_before, len(made)), (1, 1) if ON_POSTGRESQL else (0, 2))

    def test_the_clients_home_reads_its_panels_in_one_statement(self):
        http = self.as_("client_a")
        page = reverse("practice:client_home")
        self.assertEqual(http.get(page).status_code, 200)
        with CaptureQueriesContext(connection) as made:
            response = http.get(page)
        self.assertContains(response, "My safety plan")
        panels = [q["sql"] for q in made.captured_queries if "kept_read_" in q["sql"]]
        self.assertEqual(len(panels), 1 if ON_POSTGRESQL else 0)
        if ON_POSTGRESQL:
            # The session, the signed-in person and the panels' one statement.
            self.assertLessEqual(len(made), 4)


class PagesReadAheadTests(TendingTestCase):
    """Every page that reads ahead: one statement for its reads on PostgreSQL, and no read it names run again alone."""

    def test_each_page_reads_ahead_once_and_runs_no_named_read_again(self):
        a = {"client_uuid": self.w.client_a.uuid}
        pages = [
            ("client_a", reverse("practice:client_home"), "My safety plan"),
            ("client_a", reverse("journey:mine"), "My journey"),
            ("therapist", reverse("caseload:home"), "Your caseload"),
            ("therapist", reverse("practice:client_detail", kwargs=a), self.w.client_a.display_name),
            ("therapist", reverse("journey:client", kwargs=a), self.w.client_a.display_name),
            ("therapist", reverse("formulation:detail", kwargs=a), self.w.client_a.display_name),
            ("therapist", reverse("caseload:since", kwargs=a), self.w.client_a.display_name),
            ("owner", reverse("practice:owner_home"), self.w.therapist.display_name),
        ]
        for persona, page, shown in pages:
            with self.subTest(page):
                http = self.as_(persona)
                self.assertEqual(http.get(page).status_code, 200)  # once first: a process's first-view work
                with _strays() as strays, CaptureQueriesContext(connection) as made:
                    response = http.get(page)
                self.assertContains(response, shown)
                together = [q["sql"] for q in made.captured_queries if "kept_read_" in q["sql"]]
                self.assertEqual(len(together), 1 if ON_POSTGRESQL else 0)
                self.assertEqual(strays, [])

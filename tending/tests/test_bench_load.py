"""bench/load.py's summaries of a run, on results made up here (the load itself is measured, not tested)."""

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import skipUnless

from django.db import connection
from django.test import SimpleTestCase, TestCase

from bench.load import shares_of_adjacent_floors, timeline
from bench.queries import dump, replanned
from bench.spy import summarise
from bench.watch import CpuWatch, classify, cpu_slices, pg_background, pg_background_during
from core.compiled import kept_cursor


def result(latency_s, started):
    # As open_loop_worker records a request: page, status, latency, write, marker, location, ok, when it was sent.
    return ("client_home", 200, latency_s, False, None, "", (200,), started)


def _stack(*frames) -> str:
    # As py-spy's raw format writes a sample's frames: outermost first, each "function (file:line)".
    return ";".join(f"{name}:{n}" for n, name in enumerate(frames, start=10))


class AdjacentFloorTests(SimpleTestCase):
    def test_each_page_is_set_against_the_floors_either_side_of_it(self):
        sequence = [
            ("floor", {"floor": 400.0}),
            ("client_home", {"client_home": 150.0}),
            ("floor", {"floor": 800.0}),
            ("journey", {"journey": 200.0}),
            ("floor", {"floor": 600.0}),
        ]
        self.assertEqual(shares_of_adjacent_floors(sequence), {"client_home": 0.25, "journey": 0.286})

    def test_an_action_of_two_pages_shares_its_floors_and_a_page_with_none_beside_it_has_no_share(self):
        sequence = [
            ("floor", {"floor": 500.0}),
            ("checkin", {"checkin_form": 250.0, "checkin_done": 100.0}),
            ("journey", {"journey": 200.0}),
            ("floor", {"floor": 0.0}),
        ]
        self.assertEqual(
            shares_of_adjacent_floors(sequence), {"checkin_form": 0.5, "checkin_done": 0.2, "journey": None}
        )


class SpySummaryTests(SimpleTestCase):
    def test_each_sample_counts_for_the_outermost_part_it_passed_through(self):
        request = (
            "SyncWorker.handle (gunicorn/workers/sync.py",
            "BaseHandler.get_response (django/core/handlers/base.py",
        )
        view = (*request, "BaseHandler._get_response (django/core/handlers/base.py", "client_detail (practice/views.py")
        panel = (*view, "record_panel (notes/panels.py")
        raw = "\n".join(
            [
                # A template's read counts as the template's, not as a kept read.
                _stack(*panel, "render_to_string (django/template/loader.py", "CompiledRead.objects (core/compiled.py")
                + " 6",
                _stack(*panel, "CompiledRead.objects (core/compiled.py", "Cursor.execute (psycopg/cursor.py") + " 3",
                _stack(*view, "_rows (notes/panels.py") + " 1",
                _stack(*request, "AuditReadsMiddleware.__call__ (audit/middleware.py")
                + ";write_page_reads (audit/middleware.py:44 2",
                _stack("SyncWorker.handle (gunicorn/workers/sync.py", "write (gunicorn/util.py") + " 8",
            ]
        )
        found = summarise(raw, top=3)
        self.assertEqual(found["samples"], 20)
        self.assertEqual(
            found["parts"], {"server": 40.0, "templates": 30.0, "kept reads": 15.0, "audit row": 10.0, "view": 5.0}
        )
        self.assertEqual(found["own"][0], ["write (gunicorn/util.py", 40.0])
        # Below the view: what every request passes through is left out.
        self.assertEqual(
            found["within"],
            [
                ["client_detail (practice/views.py", 50.0],
                ["record_panel (notes/panels.py", 45.0],
                ["CompiledRead.objects (core/compiled.py", 45.0],
            ],
        )


class TimelineTests(SimpleTestCase):
    def test_a_run_is_cut_into_slices_by_when_each_request_was_sent(self):
        results = [result(0.010, 100.0 + n / 10) for n in range(100)]  # ten seconds of quick answers
        results += [result(0.400, 110.0 + n / 10) for n in range(50)]  # then five slow seconds
        results += [result(0.020, 120.5)]
        slices = timeline(results)
        self.assertEqual([s["from_s"] for s in slices], [0, 10, 20])
        self.assertEqual([s["count"] for s in slices], [100, 50, 1])
        self.assertEqual(slices[0]["p95_ms"], 10.0)
        self.assertEqual(slices[1]["p50_ms"], 400.0)
        self.assertEqual(slices[2]["p95_ms"], 20.0)

    def test_a_slice_with_nothing_sent_is_left_out_and_no_results_make_no_slices(self):
        self.assertEqual([s["from_s"] for s in timeline([result(0.01, 5.0), result(0.01, 35.0)])], [0, 30])
        self.assertEqual(timeline([]), [])


class WatchTests(SimpleTestCase):
    def test_processes_are_told_apart_by_the_group_the_benchmark_started_then_by_name(self):
        groups = {4100: "web", 4200: "worker"}
        self.assertEqual(classify("gunicorn", 4100, groups, own_pgrp=77), "web")
        self.assertEqual(classify("python", 4200, groups, own_pgrp=77), "worker")
        self.assertEqual(classify("postgres", 900, groups, own_pgrp=77), "postgres")
        self.assertEqual(classify("python", 77, groups, own_pgrp=77), "load")
        self.assertEqual(classify("redis-server", 12, groups, own_pgrp=77), "other")

    def test_samples_are_averaged_over_the_timelines_slices_weighted_by_the_seconds_each_covers(self):
        samples = [
            (99.0, 1.0, {"web": 9.0}),  # before the run: left out
            (101.0, 1.0, {"web": 1.0, "machine": 1.5}),
            (103.0, 3.0, {"web": 2.0, "machine": 2.0}),
            (112.0, 1.0, {"postgres": 0.5, "machine": 0.5}),
        ]
        slices = cpu_slices(samples, first=100.0)
        self.assertEqual(list(slices), [0, 10])
        self.assertEqual(slices[0], {"machine": 1.88, "web": 1.75})
        self.assertEqual(slices[10], {"machine": 0.5, "postgres": 0.5})

    def test_what_postgresql_did_on_its_own_is_what_changed_between_two_snapshots(self):
        before = {
            "checkpoints": 10,
            "tables": {
                "audit_auditevent": {
                    "autovacuum": 1,
                    "autoanalyze": 2,
                    "last_autovacuum": 50.0,
                    "last_autoanalyze": 60,
                },
                "journal_entry": {"autovacuum": 0, "autoanalyze": 0, "last_autovacuum": None, "last_autoanalyze": None},
            },
        }
        after = {
            "checkpoints": 12,
            "tables": {
                "audit_auditevent": {
                    "autovacuum": 1,
                    "autoanalyze": 4,
                    "last_autovacuum": 50.0,
                    "last_autoanalyze": 190,
                },
                "journal_entry": {
                    "autovacuum": 1,
                    "autoanalyze": 0,
                    "last_autovacuum": 130.5,
                    "last_autoanalyze": None,
                },
                "messaging_message": {
                    "autovacuum": 0,
                    "autoanalyze": 1,
                    "last_autovacuum": None,
                    "last_autoanalyze": 170,
                },
            },
        }
        during = pg_background_during(before, after, first=100.0)
        self.assertEqual(during["checkpoints"], 2)
        self.assertEqual(
            during["vacuum_and_analyze"],
            [
                {"table": "journal_entry", "kind": "autovacuum", "times": 1, "last_at_s": 30.5},
                {"table": "messaging_message", "kind": "autoanalyze", "times": 1, "last_at_s": 70},
                {"table": "audit_auditevent", "kind": "autoanalyze", "times": 2, "last_at_s": 90},
            ],
        )
        self.assertIsNone(pg_background_during(None, after, first=100.0))
        self.assertIsNone(pg_background("sqlite:///var/bench/practice-1x.sqlite3"))

    @skipUnless(Path("/proc/stat").exists(), "reads /proc, which only Linux has")
    def test_a_busy_process_in_a_group_of_its_own_is_counted_to_its_part(self):
        busy = subprocess.Popen(
            [sys.executable, "-c", "import time\nend = time.monotonic() + 30\nwhile time.monotonic() < end: pass"],
            start_new_session=True,
        )
        self.addCleanup(busy.wait)
        self.addCleanup(busy.kill)
        watch = CpuWatch({busy.pid: "spinner"}, every=0.2)
        watch.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and sum(cores.get("spinner", 0) for _, _, cores in watch.samples) < 0.5:
            time.sleep(0.1)
        watch.stop()
        spun = [cores for _, _, cores in watch.samples if cores.get("spinner", 0) > 0]
        self.assertTrue(spun, watch.samples)
        # The machine's busy cores include the spinner's (ticks are counted per sample; allow one tick's rounding).
        for cores in spun:
            self.assertLessEqual(cores["spinner"], cores["machine"] + 2 / 100 / 0.2 + 0.01)


class DumpTests(SimpleTestCase):
    """bench/queries.py ``--dump``: two responses that differ only by what each draws anew are written the same."""

    page = (
        '<body hx-headers=\'{{"X-CSRFToken": "{token}"}}\'><script src="/static/a.js" nonce="{nonce}"></script>'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        '<input type="hidden" name="key" value="{key}" id="id_key">'
        '<input type="hidden" name="idempotency_key" value="{key}" id="id_idempotency_key">'
        '<a href="/money/d/invoice/a0cf1a88-e477-4929-9962-7a16767e929b:{signed}/pdf/">PDF</a><p>{words}</p></body>'
    )

    def dumped(self, tmp: Path, name: str, **values) -> bytes:
        class Response:
            content = self.page.format(**values).encode()

        dump(Response, tmp / name)
        return (tmp / name).read_bytes()

    def test_what_each_response_draws_anew_is_blanked_and_nothing_else(self):
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            first = self.dumped(tmp, "a", token="t1", nonce="n1", key="k1", signed="1xaABQ:RgOGx", words="Ana")
            second = self.dumped(tmp, "b", token="t2", nonce="n2", key="k2", signed="1xaABf:C2d8w", words="Ana")
            other = self.dumped(tmp, "c", token="t1", nonce="n1", key="k1", signed="1xaABQ:RgOGx", words="Cara")
        self.assertEqual(first, second)
        self.assertNotEqual(first, other)
        for drawn in (b"t1", b"n1", b"k1", b"RgOGx"):
            self.assertNotIn(drawn, first)
        self.assertIn(b"/money/d/invoice/a0cf1a88-e477-4929-9962-7a16767e929b:-/pdf/", first)


class ReplannedTests(TestCase):
    """bench/queries.py ``--plans``: a prepared statement PostgreSQL plans on every run is listed, one it planned once
    for any values is not."""

    @skipUnless(connection.vendor == "postgresql", "prepared statements' plans are PostgreSQL's")
    def test_a_statement_planned_on_every_run_is_listed(self):
        def run_seven_times(sql):
            with kept_cursor(connection, sql) as cursor:  # prepared, as a kept read's statement is
                for n in range(7):
                    cursor.execute(sql, [n])

        with connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")
        try:
            run_seven_times("SELECT %s::int + 1 AS replanned_here")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET plan_cache_mode")
        run_seven_times("SELECT %s::int + 2 AS planned_once")
        listed = [row["sql"] for row in replanned(connection)]
        self.assertTrue(any("replanned_here" in sql for sql in listed), listed)
        self.assertFalse(any("planned_once" in sql for sql in listed), listed)

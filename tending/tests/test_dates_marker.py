"""The `dates` marker finds every test that depends on the calendar, and a clock that did not move is refused.

CI reruns the marked tests with the clock a year and ten years ahead (.ci/run, docs/testing.md);
a calendar-dependent test left unmarked would escape that run, and a faketime that silently
stopped working would make the run pass on today's date.
"""

import datetime
import subprocess
import sys

import pytest

from tending.testing.dates import MARKER, reasons
from tending.testing.fresh_db import ROOT, base_env


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("with time_machine.travel(START, tick=False):", ["travels in time"]),
        ("START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)", ["names a date"]),
        ("TODAY = dt.date(2031, 5, 5)", ["names a date"]),
        ('post(url, {"on": "2026-01-05"})', ["names a date"]),
        ("start = timezone.now() + timedelta(days=1)", ["reads the clock"]),
        ("day = timezone.localdate()", ["reads the clock"]),
        ("when = datetime.now(UTC)", ["reads the clock"]),
        ("self.assertEqual(score([1, 2, 3]), 6)", []),
        ("time(9, 30); timedelta(days=2026)", []),
    ],
)
def test_it_recognises_what_makes_a_test_depend_on_the_calendar(source, expected):
    assert reasons(source) == expected


def test_a_test_that_travels_in_time_carries_the_marker_without_asking(request):
    # This module names dates in its examples above, so it is marked like any other.
    assert request.node.get_closest_marker(MARKER) is not None


def test_the_session_timeout_tests_are_among_those_ci_runs_ahead():
    listed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", MARKER, "accounts/tests/test_sessions.py"],
        cwd=ROOT,
        env=base_env(TENDING_ENV="test"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "test_a_client_is_signed_out_after_30_idle_minutes" in listed.stdout, listed.stdout + listed.stderr


def test_a_run_whose_clock_did_not_move_is_refused():
    far_ahead = (datetime.date.today() + datetime.timedelta(days=3653)).isoformat()
    refused = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "tending/tests/test_env.py"],
        cwd=ROOT,
        env=base_env(TENDING_ENV="test", TENDING_FAKE_TODAY=far_ahead),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode != 0
    assert f"TENDING_FAKE_TODAY is {far_ahead}" in refused.stdout + refused.stderr

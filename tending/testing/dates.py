"""The ``dates`` marker: tests whose outcome could depend on the day they run.

CI runs these tests a second and a third time with the system clock moved a year
and ten years ahead (Debian's ``faketime``; ``.ci/run``), so a test that would
start failing next month fails the day it is written (docs/testing.md).

A test module is marked without anyone remembering to: if its source travels in
time (``time_machine``), names a date (``date(2026, ...)``, ``"2026-01-05"``) or
reads today's date or time (``timezone.now()``, ``localdate()``, ``date.today()``),
every test in it carries the marker. A module whose dates come from elsewhere (a
factory, the demo) says so with ``pytestmark = pytest.mark.dates``.
"""

import datetime
import os
import re
from functools import cache
from pathlib import Path

import pytest

MARKER = "dates"

# What makes a test module depend on the calendar, as its source shows it.
SIGNS = {
    "travels in time": re.compile(r"\btime_machine\b"),
    "names a date": re.compile(
        r"\b(?:date|datetime)\(\s*(?:19|20|21)\d\d\s*,"  # date(2026, 1, 5), datetime(2031, ...)
        r"|[\"'](?:19|20|21)\d\d-[01]\d-[0-3]\d"  # "2026-01-05", "2026-01-05T10:00"
    ),
    "reads the clock": re.compile(r"\b(?:now|localdate|localtime|today|utcnow)\("),
}


def reasons(source: str) -> list[str]:
    """Why a module's source depends on the day it runs (empty when it does not)."""
    return [reason for reason, pattern in SIGNS.items() if pattern.search(source)]


@cache
def _depends_on_calendar(path: str) -> bool:
    return bool(reasons(Path(path).read_text(encoding="utf-8")))


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        f"{MARKER}: depends on the calendar (travels in time, names a date or reads the clock); "
        "CI runs these again with the clock a year and ten years ahead",
    )
    _check_the_clock_moved()


def _check_the_clock_moved() -> None:
    """Under faketime, refuse to run unless the clock shows the day the run asked for.

    ``.ci/run`` sets ``TENDING_FAKE_TODAY`` to the date a year (or ten) ahead, computed outside
    faketime. Should faketime ever stop reaching Python, the run fails instead of passing on today.
    """
    wanted = os.environ.get("TENDING_FAKE_TODAY")
    if not wanted:
        return
    expected = datetime.date.fromisoformat(wanted)
    today = datetime.date.today()
    if not expected <= today <= expected + datetime.timedelta(days=1):  # the run may cross midnight
        raise pytest.UsageError(f"TENDING_FAKE_TODAY is {expected}, but this process's clock says {today}")


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = getattr(item, "path", None)
        if path is not None and path.suffix == ".py" and _depends_on_calendar(str(path)):
            item.add_marker(MARKER)

"""Break things on purpose and measure how long a risk alert takes to reach a person.

    .venv/bin/python bench/faults.py                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tending_faults .venv/bin/python bench/faults.py

Runs the fault tests (risk/tests/test_faults.py and test_fault_worker_killed.py: an SMTP server answering 451 or 554, no SMTP server
for two days, a worker SIGKILLed mid-send, a database error in the clock), each through the real
clock and ``db_worker`` with time travel, and prints what they measured: minutes on the (travelled)
clock from the client's answer until a person saw the alert in the app, until its emails were
delivered, and how many times the most-delivered email arrived (1 means no duplicates).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
TESTS = ("risk/tests/test_faults.py", "risk/tests/test_fault_worker_killed.py")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "faults.jsonl"
        env = {**os.environ, "TENDING_FAULTS_REPORT": str(report)}
        run = subprocess.run(  # noqa: S603 - our own test suite
            [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        rows = [json.loads(line) for line in report.read_text().splitlines()] if report.exists() else []
    print(f"database: {os.environ.get('DATABASE_URL', 'sqlite (default)').split('@')[-1]}")
    print(
        "| fault | minutes until a person sees the alert | minutes until its emails are delivered "
        "| emails delivered | most times one email arrived |"
    )
    print("|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['fault']} | {row['seen_after_minutes']} | {row['delivered_after_minutes']} "
            f"| {row['delivered']} of {row['emails']} | {row['most_times_one_was_delivered']} |"
        )
    if run.returncode != 0:
        print(run.stdout[-4000:], run.stderr[-2000:], file=sys.stderr)
        print("the fault tests did not all pass: the table above is incomplete", file=sys.stderr)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())

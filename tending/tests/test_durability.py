"""Every write the server acknowledged survives the server being killed (SIGKILL) mid-stream.

A real gunicorn serves a fresh database; a client signs in and streams journal
entries, safety-plan saves and check-ins; the whole process group is killed
without warning; gunicorn starts again; every write that got a 2xx/3xx answer
must be there, on SQLite (WAL, synchronous=FULL) and on PostgreSQL.
"""

import json
import os
import signal
import threading
import time
import urllib.error

import pytest

from tending.testing.fresh_db import fresh_database, make_client, manage
from tending.testing.servers import Browser, free_port, start_gunicorn, stop

pytestmark = [pytest.mark.slow]

EMAIL, PASSWORD = "durable@example.test", "a-long-durable-password"

READ_BACK = f"""
import json
from journal.models import Entry
from safetyplan.models import SafetyPlanVersion
from checkins.models import CheckIn
from practice.models import Client
client = Client.objects.get(user__email={EMAIL!r})
print(json.dumps({{
    "journal": [e.body for e in Entry.objects.filter(client=client)],
    "plan": [v.warning_signs for v in SafetyPlanVersion.objects.filter(plan__client=client)],
    "checkin": [c.note for c in CheckIn.objects.filter(client=client)],
}}))
"""


def _stream(browser, acked, done):
    """Writes until stopped or the server dies; records each write the server acknowledged."""
    n = 0
    tokens = {}
    while not done.is_set():
        kind, path, data = [
            ("journal", "/journal/new/", {"prompt": "free", "body": f"durable-{n}"}),
            ("plan", "/safety-plan/edit/", {"warning_signs": f"durable-{n}"}),
            ("checkin", "/checkin/", {"mood": "6", "note": f"durable-{n}"}),
        ][n % 3]
        try:
            tokens.setdefault(path, browser._token(path))
            status = browser.post(path, data, token=tokens[path])
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return
        if 200 <= status < 400:
            acked.append((kind, f"durable-{n}"))
        n += 1


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_every_acknowledged_write_survives_a_sigkill_of_the_server(engine, tmp_path):
    with fresh_database(engine, tmp_path) as env:
        make_client(env, EMAIL, PASSWORD)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(env, port)
        acked: list[tuple[str, str]] = []
        done = threading.Event()
        try:
            browser = Browser(base)
            browser.sign_in(EMAIL, PASSWORD)
            writer = threading.Thread(target=_stream, args=(browser, acked, done))
            writer.start()
            deadline = time.monotonic() + 60
            while len(acked) < 30 and time.monotonic() < deadline:
                time.sleep(0.05)
            # Mid-stream, without warning: the master and both workers at once.
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
            writer.join(timeout=20)
            done.set()
        finally:
            done.set()
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
        assert len(acked) >= 30, f"only {len(acked)} writes were acknowledged before the kill"
        print(f"\n{engine}: {len(acked)} writes acknowledged before SIGKILL")  # read with pytest -s

        # It starts again on the same database and takes new writes.
        server = start_gunicorn(env, port)
        try:
            again = Browser(base)
            again.sign_in(EMAIL, PASSWORD)
            assert again.post("/journal/new/", {"prompt": "free", "body": "after-restart"}) == 302
        finally:
            stop(server)

        stored = json.loads(manage(env, "shell", "-c", READ_BACK).stdout.strip().splitlines()[-1])
        for kind in ("journal", "plan"):
            missing = [marker for k, marker in acked if k == kind and marker not in stored[kind]]
            assert missing == [], f"acknowledged {kind} writes lost: {missing}"
        assert "after-restart" in stored["journal"]
        checkins = [m for k, m in acked if k == "checkin"]
        assert stored["checkin"], "the acknowledged check-ins were lost"
        if len(stored["checkin"]) == 1:
            # The day's check-in is one row, updated in place: it holds the last acknowledged note or a later one.
            assert int(stored["checkin"][0].split("-")[1]) >= max(int(m.split("-")[1]) for m in checkins)
        else:
            assert [m for m in checkins if m not in stored["checkin"]] == []

"""Every write the server acknowledged survives the server being killed (SIGKILL) mid-stream.

A real gunicorn serves a fresh database; a client signs in and streams journal
entries, safety-plan saves and check-ins; the whole process group is killed
without warning; gunicorn starts again; every write that got a 2xx/3xx answer
must be there, on SQLite (WAL, synchronous=FULL) and on PostgreSQL.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tending.testing.fresh_db import ROOT, fresh_database, manage

pytestmark = [pytest.mark.slow]

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
EMAIL, PASSWORD = "durable@example.test", "a-long-durable-password"

MAKE_CLIENT = f"""
from tending.testing.factories import ClientFactory, UserFactory
ClientFactory(user=UserFactory(email={EMAIL!r}, password={PASSWORD!r}))
"""

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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env, port):
    process = subprocess.Popen(  # noqa: S603
        [
            GUNICORN,
            "tending.wsgi",
            "--no-control-socket",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError("gunicorn did not start")


class Browser:
    """Just enough of a browser: cookies, CSRF tokens from forms, no redirect following."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def _token(self, path):
        with self.opener.open(self.base + path, timeout=10) as response:
            return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)

    def post(self, path, data, token=None) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token or self._token(path)}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def sign_in(self):
        status = self.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})
        assert status == 302, f"sign-in answered {status}"


def _stream(browser, acked, stop):
    """Writes until stopped or the server dies; records each write the server acknowledged."""
    n = 0
    tokens = {}
    while not stop.is_set():
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
        manage(env, "shell", "-c", MAKE_CLIENT)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = _start(env, port)
        acked: list[tuple[str, str]] = []
        stop = threading.Event()
        try:
            browser = Browser(base)
            browser.sign_in()
            writer = threading.Thread(target=_stream, args=(browser, acked, stop))
            writer.start()
            deadline = time.monotonic() + 60
            while len(acked) < 30 and time.monotonic() < deadline:
                time.sleep(0.05)
            # Mid-stream, without warning: the master and both workers at once.
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
            writer.join(timeout=20)
            stop.set()
        finally:
            stop.set()
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
        assert len(acked) >= 30, f"only {len(acked)} writes were acknowledged before the kill"
        print(f"\n{engine}: {len(acked)} writes acknowledged before SIGKILL")  # read with pytest -s

        # It starts again on the same database and takes new writes.
        server = _start(env, port)
        try:
            again = Browser(base)
            again.sign_in()
            assert again.post("/journal/new/", {"prompt": "free", "body": "after-restart"}) == 302
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)

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

"""Two app servers against one PostgreSQL database: nothing a person does depends on which one answers.

Two gunicorn processes run the production profile against the test database
(docs/deploy.md, "Several app servers"). A client signs in on one and is
signed in on the other; books a session through one and sees it through the
other; two clients racing for one slot through different servers get one
appointment between them; signing out on one signs out on both.
Runs on the PostgreSQL pass of CI (bin/test with DATABASE_URL=postgres://...).
"""

import base64
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import time as clock
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection

from bookings.models import Appointment, WorkingHours
from tending.testing.factories import PASSWORD, ClientFactory, StaffFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SLOT_LINK = re.compile(r'href="(/sessions/book/[^/"]+/)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Visitor:
    """A browser's cookie jar talking to any server; each request says it came through the TLS proxy."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, data: dict | None = None):
        headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            headers.update(
                {
                    "Origin": f"https://127.0.0.1:{port}",
                    "Referer": f"https://127.0.0.1:{port}/",
                    "Content-Type": "application/x-www-form-urlencoded",
                }
            )
            body = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **(data or {})})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, val = value.split(";", 1)[0].partition("=")
                if val in ("", '""'):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = val
        conn.close()
        return response.status, response.getheader("Location", ""), content

    def sign_in(self, port: int, email: str):
        assert self.request(port, "GET", "/accounts/login/")[0] == 200
        status, location, _ = self.request(port, "POST", "/accounts/login/", {"login": email, "password": PASSWORD})
        assert status == 302, f"sign-in answered {status}"
        assert "sessionid" in self.cookies


@pytest.fixture(scope="module")
def two_servers(django_db_setup, tmp_path_factory):
    """Two servers for the whole module (starting them is the slow part); each test's data is its own."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")
    tmp_path = tmp_path_factory.mktemp("two-servers")
    db = connection.settings_dict
    url = "postgres://{}:{}@{}:{}/{}".format(
        quote(db["USER"] or ""), quote(db["PASSWORD"] or ""), db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
    )
    smtp_port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TENDING_", "DJANGO_"))}
    env.update(
        DATABASE_URL=url,
        TENDING_ENV="production",
        SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        TENDING_FIELD_KEYS="two:" + base64.b64encode(os.urandom(32)).decode(),
        TENDING_AUDIT_KEYS="two:" + base64.b64encode(os.urandom(32)).decode(),
        TENDING_BACKUP_KEY=base64.b64encode(os.urandom(32)).decode(),
        TENDING_VAR_DIR=str(tmp_path),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://127.0.0.1",
        TENDING_SMTP_HOST="127.0.0.1",
        TENDING_SMTP_PORT=str(smtp_port),
        TENDING_SMTP_TLS="false",
        DATABASE_CONN_MAX_AGE="0",
        LOG_LEVEL="WARNING",
    )
    # The test database was made by migrate alone, which also made the shared cache table the servers use.
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    log = open(tmp_path / "servers.log", "wb")  # noqa: SIM115 - closed below
    procs = [
        subprocess.Popen(
            [PYTHON, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{smtp_port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    ]
    ports = [free_port(), free_port()]
    for port in ports:
        procs.append(
            subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "tending.wsgi",
                    "--workers",
                    "1",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--forwarded-allow-ips=127.0.0.1",
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        )
    try:
        for port in ports:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if Visitor().request(port, "GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"server on {port} did not start: {(tmp_path / 'servers.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield ports
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def make_people():
    """A therapist who works every weekday, and two of their clients who can sign in on the servers."""
    therapist = StaffFactory()
    for weekday in range(5):
        WorkingHours.objects.create(therapist=therapist, weekday=weekday, start_time=clock(9, 0), end_time=clock(17, 0))
    hasher = Argon2PasswordHasher()  # the production profile's hasher (tests hash with MD5)
    clients = []
    for _ in range(2):
        client = ClientFactory(therapist=therapist)
        client.user.password = hasher.encode(PASSWORD, hasher.salt())
        client.user.save(update_fields=["password"])
        clients.append(client)
    return therapist, clients


def test_a_client_signed_in_on_one_server_is_signed_in_on_the_other(two_servers):
    a, b = two_servers
    _therapist, (client, _other) = make_people()
    person = Visitor()
    person.sign_in(a, client.user.email)

    status, _, page = person.request(b, "GET", "/me/")

    assert status == 200
    assert client.display_name in page


def test_a_session_booked_through_one_server_is_seen_through_the_other(two_servers):
    a, b = two_servers
    _therapist, (client, _other) = make_people()
    person = Visitor()
    person.sign_in(a, client.user.email)
    status, _, page = person.request(a, "GET", "/sessions/")
    assert status == 200
    slot = SLOT_LINK.findall(page)[0]

    status, location, _ = person.request(b, "POST", slot, {"mode": "online", "key": "two-servers-1"})

    assert status == 302, "the booking should succeed and redirect to the session"
    appointment = Appointment.objects.get(client=client)
    assert str(appointment.uuid) in location
    status, _, page = person.request(a, "GET", location)
    assert status == 200
    status, _, page = person.request(a, "GET", "/sessions/")
    assert slot not in page, "the booked time is no longer offered by the other server"


def test_two_clients_racing_for_one_slot_through_different_servers_get_one_appointment(two_servers):
    a, b = two_servers
    _therapist, clients = make_people()
    people = [Visitor(), Visitor()]
    people[0].sign_in(a, clients[0].user.email)
    people[1].sign_in(b, clients[1].user.email)
    slot = SLOT_LINK.findall(people[0].request(a, "GET", "/sessions/")[2])[0]
    answers = [None, None]
    start = threading.Barrier(2)

    def book(n, port):
        start.wait()
        answers[n] = people[n].request(port, "POST", slot, {"mode": "online", "key": f"race-{n}"})[0]

    threads = [threading.Thread(target=book, args=(0, a)), threading.Thread(target=book, args=(1, b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # One booking; the other person is told kindly that the time has just gone (409 with other times, or 200).
    assert answers.count(302) == 1, answers
    assert set(answers) - {302} <= {200, 409}, answers
    assert Appointment.objects.filter(client__in=clients).count() == 1


def test_signing_out_on_one_server_signs_out_on_the_other(two_servers):
    a, b = two_servers
    _therapist, (client, _other) = make_people()
    person = Visitor()
    person.sign_in(a, client.user.email)
    stolen = dict(person.cookies)  # the same cookie, as another tab or a copied cookie would send it

    status, _, _ = person.request(b, "POST", "/accounts/logout/")
    assert status == 302

    thief = Visitor()
    thief.cookies = stolen
    status, location, _ = thief.request(a, "GET", "/me/")
    assert status == 302
    assert "/accounts/login/" in location

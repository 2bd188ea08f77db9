"""Real gunicorn servers against a database of ``fresh_db``, and just enough of a browser to talk to them."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from tending.testing.fresh_db import ROOT

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int, *, workers: int = 2) -> subprocess.Popen:
    """Start gunicorn in its own process group (kill it with ``os.killpg``) and wait for /healthz."""
    process = subprocess.Popen(  # noqa: S603
        [
            GUNICORN,
            "tending.wsgi",
            "--no-control-socket",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser: cookies, CSRF tokens from forms, no redirect following."""

    def __init__(self, base: str, *, host: str | None = None):
        """``host`` is the Host header to send, as a proxy in front of several servers sends one name."""
        self.base = base
        self.headers = {"Host": host} if host else {}
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def _token(self, path):
        request = urllib.request.Request(self.base + path, headers=self.headers)
        with self.opener.open(request, timeout=10) as response:
            return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)

    def send(self, path, data, token=None) -> tuple[int, str]:
        """POST a form as the page would; the answer's status and body."""
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token or self._token(path)}).encode()
        headers = {**self.headers, "Referer": self.base + path}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def post(self, path, data, token=None) -> int:
        return self.send(path, data, token)[0]

    def sign_in(self, email: str, password: str) -> None:
        status = self.post("/accounts/login/", {"login": email, "password": password})
        assert status == 302, f"sign-in answered {status}"

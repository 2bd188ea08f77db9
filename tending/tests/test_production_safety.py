"""Safe by default in production: the web server needs a profile, and no log line keeps a token."""

import base64
import logging
import os
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.test import SimpleTestCase, TestCase, override_settings
from gunicorn.config import Config

from tending.logs import GunicornLogger, redact_path, redact_url
from tending.testing.servers import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
FEED_TOKEN = "Zq3vN8xWm2LkP9rT4yB7cD1eF6gH0jKa5sUoIiEe"
SIGNED = "mT0kXbR2pV8qN4sL7wY1zA3cE5gI9oU6:1vQxYz:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"
STOP = "sT0pR3m1nd3rT0k3nV3ryL0ngAndRand0m123"


def _env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENDING_", "DJANGO_"))}
    return {**env, **overrides}


class WebServerProfileTests(SimpleTestCase):
    def test_gunicorn_refuses_to_start_without_tending_env_and_says_why(self):
        result = subprocess.run(
            [sys.executable, "-m", "gunicorn", "tending.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"]
            + ["--no-control-socket", "--graceful-timeout", "5"],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("TENDING_ENV is not set, so Tending will not start a web server", result.stderr)

    def test_the_wsgi_module_loads_once_a_profile_is_named(self):
        result = subprocess.run(
            [sys.executable, "-c", "import tending.wsgi; print(tending.wsgi.application.__class__.__name__)"],
            cwd=ROOT,
            env=_env(TENDING_ENV="development"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("WSGIHandler", result.stdout)

    def test_bin_run_names_the_development_profile_before_runserver_loads_the_wsgi_module(self):
        # runserver serves through tending.wsgi (WSGI_APPLICATION), which refuses to start without a profile.
        script = (ROOT / "bin" / "run").read_text()
        named = script.index("export TENDING_ENV=${TENDING_ENV:-development}")
        self.assertLess(named, script.index("manage.py runserver"))

    def test_the_procfile_runs_every_process_in_production_and_logs_through_the_redacting_logger(self):
        processes = dict(
            line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line and line[0] != "#"
        )
        self.assertEqual(set(processes), {"release", "web", "worker", "clock"})
        for name, command in processes.items():
            self.assertTrue(command.startswith("TENDING_ENV=production "), name)
        self.assertIn("--logger-class tending.logs.GunicornLogger", processes["web"])


def production_env(tmp: str) -> dict:
    """The production profile with every secret set to a non-development value."""
    return _env(
        TENDING_ENV="production",
        SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        TENDING_FIELD_KEYS="k1:" + base64.b64encode(os.urandom(32)).decode(),
        TENDING_AUDIT_KEYS="a1:" + base64.b64encode(os.urandom(32)).decode(),
        TENDING_BACKUP_KEY=base64.b64encode(os.urandom(32)).decode(),
        ALLOWED_HOSTS="tending.example",
        SITE_URL="https://tending.example",
        CSRF_TRUSTED_ORIGINS="https://tending.example",
        DATABASE_URL=f"sqlite:///{tmp}/deploy-check.sqlite3",
        TENDING_VAR_DIR=tmp,
    )


class DeployCheckTests(SimpleTestCase):
    def test_the_deploy_check_passes_at_warning_level_under_the_production_profile(self):
        with tempfile.TemporaryDirectory() as tmp:
            result = subprocess.run(
                [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                cwd=ROOT,
                env=production_env(tmp),
                capture_output=True,
                text=True,
                timeout=120,
            )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)


class RedactPathTests(SimpleTestCase):
    def test_it_takes_the_token_out_of_every_link_that_works_without_signing_in(self):
        cases = {
            f"/calendar/feed/{FEED_TOKEN}.ics": "/calendar/feed/<token>.ics",
            f"/book/manage/{SIGNED}/": "/book/manage/<signed>/",
            f"/book/manage/{SIGNED}/cancel/": "/book/manage/<signed>/cancel/",
            f"/self-care/reminders/stop/{STOP}/": "/self-care/reminders/stop/<token>/",
            f"/accounts/invitation/{STOP}/": "/accounts/invitation/<token>/",
            "/accounts/password/reset/key/3a-c4b2f1-0123456789abcdef0123/": "/accounts/password/reset/key/<uidb36>-<key>/",
            "/accounts/confirm-email/MTI:1vQxYz:AbCdEfGhIjKlMnOp/": "/accounts/confirm-email/<key>/",
        }
        for path, expected in cases.items():
            with self.subTest(path=path):
                self.assertEqual(redact_path(path), expected)

    def test_it_leaves_ordinary_paths_alone(self):
        for path in ("/", "/calendar/", "/sessions/6f1c4a52-6a57-4e0e-9a9c-1f0e2d3c4b5a/", "/static/app.css"):
            with self.subTest(path=path):
                self.assertEqual(redact_path(path), path)

    def test_a_key_in_a_path_that_matches_nothing_is_still_taken_out(self):
        self.assertEqual(redact_path(f"/calendar/feed/{FEED_TOKEN}/extra"), "/calendar/feed/<redacted>/extra")

    def test_query_values_and_referers_lose_their_tokens(self):
        self.assertEqual(
            redact_url(f"https://tending.example/book/manage/{SIGNED}/?tz=Europe/London"),
            "https://tending.example/book/manage/<signed>/?tz=…",
        )
        self.assertEqual(redact_url(f"/accounts/login/?next=/book/manage/{SIGNED}/"), "/accounts/login/?next=…")


class AccessLogTests(SimpleTestCase):
    def test_gunicorns_access_log_carries_no_token(self):
        log = Path(self.enterContext(tempfile.TemporaryDirectory())) / "access.log"
        cfg = Config()
        cfg.set("accesslog", str(log))
        # Every atom that could repeat the path, as a custom format might use them.
        cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s %(U)s "%(q)s" "%(f)s" %({raw_uri}e)s %({referer}i)s')
        logger = GunicornLogger(cfg)
        referer = f"https://tending.example/book/manage/{SIGNED}/"
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"/calendar/feed/{FEED_TOKEN}.ics?token={FEED_TOKEN}",
            "PATH_INFO": f"/calendar/feed/{FEED_TOKEN}.ics",
            "QUERY_STRING": f"token={FEED_TOKEN}",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_REFERER": referer,
        }
        response = SimpleNamespace(status="200 OK", sent=120, headers=[("Content-Type", "text/calendar")])
        request = SimpleNamespace(headers=[("REFERER", referer)])
        logger.access(response, request, environ, timedelta(milliseconds=7))
        for handler in logger.access_log.handlers:
            handler.flush()
        line = log.read_text()
        self.assertIn('"GET /calendar/feed/<token>.ics?token=… HTTP/1.1" 200', line)
        self.assertIn("/book/manage/<signed>/", line)
        self.assertNotIn(FEED_TOKEN, line)
        self.assertNotIn(SIGNED.split(":")[0], line)


class ProcfileAccessLogTests(SimpleTestCase):
    def test_the_procfiles_web_server_logs_requests_without_their_tokens(self):
        """The Procfile's own gunicorn command, in production, answers a tokened link; its log keeps no token."""
        web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web: "))
        args = shlex.split(web.removeprefix("web: ").replace("${WEB_CONCURRENCY:-3}", "1"))
        self.assertEqual(args[:2], ["TENDING_ENV=production", "gunicorn"])
        port = free_port()
        args = [sys.executable, "-m", *args[1:]]
        args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
        with tempfile.TemporaryDirectory() as tmp:
            log = open(Path(tmp) / "access.log", "wb")  # noqa: SIM115 - closed below
            self.addCleanup(log.close)
            server = subprocess.Popen(  # noqa: S603 - our Procfile's command
                args, cwd=ROOT, env=production_env(tmp), stdout=log, stderr=log, start_new_session=True
            )
            self.addCleanup(stop, server)
            url = f"http://127.0.0.1:{port}/book/manage/{SIGNED}/?next=/calendar/feed/{FEED_TOKEN}.ics"
            request = urllib.request.Request(  # noqa: S310 - a local server
                url,
                headers={
                    "Host": "tending.example",
                    "Referer": f"https://tending.example/self-care/reminders/stop/{STOP}/",
                },
            )
            deadline = time.monotonic() + 60
            while True:
                try:
                    # The production profile redirects plain HTTP to HTTPS; the request is logged either way.
                    urllib.request.build_opener(_NoRedirect).open(request, timeout=5)  # noqa: S310
                    break
                except urllib.error.HTTPError:
                    break
                except (urllib.error.URLError, ConnectionError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            stop(server)
            written = (Path(tmp) / "access.log").read_text()
        self.assertIn('"GET /book/manage/<signed>/?next=… HTTP/1.1" 301', written)
        self.assertIn('"https://tending.example/self-care/reminders/stop/<token>/"', written)
        for secret in (FEED_TOKEN, SIGNED.split(":")[0], STOP):
            self.assertNotIn(secret, written)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class DjangoRequestLogTests(TestCase):
    @override_settings(DEBUG=False)
    def test_a_not_found_warning_names_the_path_without_its_token(self):
        request_log = logging.getLogger("django.request")
        level = request_log.level
        request_log.setLevel(logging.WARNING)  # production logs only errors; warnings must be clean too
        self.addCleanup(request_log.setLevel, level)
        with self.assertLogs("django.request", level="WARNING") as captured:
            response = self.client.get(f"/calendar/feed/{FEED_TOKEN}.ics")
        self.assertEqual(response.status_code, 404)
        output = "\n".join(captured.output)
        self.assertIn("/calendar/feed/<token>.ics", output)
        self.assertNotIn(FEED_TOKEN, output)

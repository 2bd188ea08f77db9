import datetime
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]


class MigrationGuardTests(TestCase):
    def test_no_model_change_is_missing_a_migration(self):
        out = StringIO()
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
        except SystemExit as exit_:
            if exit_.code:
                self.fail(f"Missing migrations:\n{out.getvalue()}")


def _env(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return {**env, **overrides}


class SettingsGuardTests(SimpleTestCase):
    def test_the_production_profile_passes_the_deploy_check_with_no_warning(self):
        env = _env(
            **{
                "TENDING_ENV": "production",
                "SECRET_KEY": "x" * 64 + "-a-long-random-production-secret-for-the-check",
                "TENDING_FIELD_KEYS": "k1:" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=",
                "TENDING_AUDIT_KEYS": "a1:" + "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=",
                "ALLOWED_HOSTS": "tending.example",
                "DATABASE_URL": "sqlite:////tmp/tending-deploy-check.sqlite3",
            }
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_production_refuses_to_start_without_its_secrets(self):
        env = _env(TENDING_ENV="production", ALLOWED_HOSTS="tending.example")
        for name in ("SECRET_KEY", "TENDING_FIELD_KEYS"):
            env.pop(name, None)
        result = subprocess.run(
            [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY", result.stderr)

    def test_a_bad_environment_value_fails_loudly(self):
        env = _env(DEBUG="maybe")
        result = subprocess.run(
            [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DEBUG must be one of", result.stderr)


class ChecksAtAnyTimeOfDayTests(SimpleTestCase):
    def test_no_model_default_makes_the_system_check_depend_on_the_time_of_day(self):
        # Django warns (fields.W161) about a fixed date or time default within ten seconds of the clock:
        # the deploy check once failed because it ran at six in the evening, the reminder's default time.

        for hour in range(24):
            moment = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour, 0)))
            with self.subTest(hour=hour), time_machine.travel(moment, tick=False):
                found = [
                    str(message.obj)
                    for model in apps.get_models()
                    for message in model.check()
                    if message.id == "fields.W161"
                ]
                self.assertEqual(found, [])

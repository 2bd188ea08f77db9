"""``manage.py measures score|change`` (instruments.md §12).

``score`` and ``change`` read JSON lines on standard input and write one JSON
object per line, in order. A line that cannot be scored gets
``{"error": "<plain reason>"}`` and the rest go on; the command exits 0 unless
its input could not be read at all. ``due`` is the old name of the clock's
``measures_due`` job (measures/jobs.py), kept for one release.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from measures.jobs import due
from measures.scoring import ScoringError, change, score


def _score_line(data: dict) -> dict:
    return score(data.get("instrument"), data.get("answers"))


def _change_line(data: dict) -> dict:
    return change(data.get("instrument"), data.get("pre_answers"), data.get("post_answers"))


class Command(BaseCommand):
    help = (
        "Score questionnaires from JSON lines (score, change). 'due' is the old name of measures_due, "
        "kept for one release: it opens the questionnaires that are due."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["score", "change", "due"])

    def handle(self, *args, action, **options):
        if action == "due":
            self.stdout.write(f"Opened {due()} questionnaire(s).")
            return
        handler = _score_line if action == "score" else _change_line
        stream = sys.stdin
        try:
            for raw in stream:
                line = raw.strip()
                if not line:
                    continue
                self.stdout.write(json.dumps(self._one(handler, line)))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"could not read input: {error}") from error

    @staticmethod
    def _one(handler, line: str) -> dict:
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            return {"error": "this line is not valid JSON"}
        if not isinstance(data, dict):
            return {"error": "each line must be a JSON object"}
        if "instrument" not in data:
            return {"error": "the line has no instrument"}
        try:
            return handler(data)
        except ScoringError as error:
            return {"error": str(error)}

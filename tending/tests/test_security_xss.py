"""Hostile text typed into every free-text field of every form is shown inert on every page and in
every email, and text typed into clinical forms never reaches an email, a URL or a log line."""

import logging
import re

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tending.testing.db import written_tables
from tending.testing.matrix import OK, all_routes
from tending.testing.personas import PERSONAS, TendingTestCase
from tending.tests._security import data_for, form_fields, http_for, post_routes, url_for, writer_for

CLINICAL_APPS = {
    "checkins",
    "measures",
    "risk",
    "journal",
    "selfcare",
    "mindfulness",
    "formulation",
    "notes",
    "safetyplan",
}
PAYLOAD = '<script>alert(1)</script><img src=x onerror=alert(1)>"'
RAW = re.compile(r"<script>alert\(1\)</script>|<img src=x onerror", re.IGNORECASE)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def _marker(route, n) -> str:
    clinical = route.name.split(":")[0] in CLINICAL_APPS
    return f"{'zqc' if clinical else 'zqn'}{n:03d}"


class StoredXssTests(TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.prepared = {r.name: r.setup(cls.w) if r.setup else None for r in all_routes()}

    def _post_hostile_text_everywhere(self, log, locations):
        stored = []
        for n, route in enumerate(post_routes()):
            persona = writer_for(route)
            http = http_for(self.w, persona)
            url = url_for(route, self.w, self.prepared)
            fields = {}
            if "GET" in route.methods:
                page = http.get(url)
                if page.status_code == OK:
                    fields = form_fields(page.content.decode())
            data = {name: value for name, (_kind, value) in fields.items()}
            data.update(data_for(route, self.w, self.prepared))
            marker = _marker(route, n)
            free_text = [name for name, (kind, _v) in fields.items() if kind in ("text", "textarea")]
            for name in free_text:
                data[name] = f"{marker} {PAYLOAD}"
            with CaptureQueriesContext(connection) as queries:
                response = http.post(url, data)
            self.assertLess(response.status_code, 500, f"{route.name} answered {response.status_code}")
            if response.has_header("Location"):
                locations.append(response["Location"])
            if free_text and written_tables(queries.captured_queries):
                stored.append(route.name)
        return stored

    def test_hostile_text_in_every_form_is_inert_everywhere_and_clinical_text_stays_out_of_mail_urls_and_logs(self):
        collector = _Collect()
        root = logging.getLogger()
        root.addHandler(collector)
        old_level = root.level
        root.setLevel(logging.DEBUG)
        locations: list[str] = []
        try:
            stored = self._post_hostile_text_everywhere(collector, locations)
            # Not a vacuous pass: hostile text was saved through many forms, the safety plan among them.
            self.assertIn("safetyplan:edit", stored)
            self.assertGreater(len(stored), 5, stored)

            escaped_seen = 0
            for route in all_routes():
                if "GET" not in route.methods:
                    continue
                url = url_for(route, self.w, self.prepared) + (f"?{route.query}" if route.query else "")
                for persona in PERSONAS:
                    if route.expected(persona) != OK:
                        continue
                    response = http_for(self.w, persona).get(url)
                    body = response.content.decode(errors="replace")
                    with self.subTest(route=route.name, persona=persona):
                        if "html" in response.get("Content-Type", ""):
                            self.assertIsNone(RAW.search(body), f"raw hostile markup on {url} for {persona}")
                        else:
                            # Calendar files and CSVs are plain text, read as text by their apps; they must
                            # still carry no clinical free text.
                            self.assertNotIn("zqc", body, f"clinical text in {url} for {persona}")
                    escaped_seen += body.count("&lt;script&gt;alert(1)&lt;/script&gt;")
            self.assertGreater(escaped_seen, 0, "the saved hostile text should be shown, escaped, somewhere")
        finally:
            root.removeHandler(collector)
            root.setLevel(old_level)

        for message in mail.outbox:
            for content, kind in getattr(message, "alternatives", []) or []:
                if "html" in kind:
                    self.assertIsNone(RAW.search(str(content)), f"raw hostile markup in email {message.subject!r}")
            whole = " ".join(
                [message.subject, message.body, *[str(c) for c, _ in getattr(message, "alternatives", []) or []]]
            )
            self.assertNotIn("zqc", whole, f"clinical text in email {message.subject!r}")
        for location in locations:
            self.assertNotIn("zqc", location)
            self.assertNotIn("script", location)
        for line in collector.lines:
            self.assertNotIn("zqc", line, "clinical text in a log line")

    def test_the_crisis_page_and_sign_in_page_are_untouched_by_hostile_query_strings(self):
        for url in (reverse("practice:crisis"), reverse("account_login")):
            body = self.as_("anonymous").get(url, {"next": PAYLOAD, "q": PAYLOAD}).content.decode()
            self.assertIsNone(RAW.search(body))

"""A real SMTP server on a free port whose answer each test chooses: accept, a 4xx or 5xx reply, or hang.

    server = SmtpServer().start()
    server.reply = "451 4.3.0 Try again later"   # or "554 5.7.1 Rejected", "hang", "accept"
    ...
    server.stop()

Accepted messages are kept in ``server.received`` (``email.message.Message``), so a test can count
deliveries and compare Message-IDs. "hang" holds the DATA reply until ``release`` is set (then answers
421 and keeps nothing), for a worker killed mid-send.
"""

import asyncio
import json
import os
import threading
from collections import Counter
from email import message_from_bytes

from aiosmtpd.controller import Controller
from django.utils import timezone

from tending.testing.servers import free_port


class SmtpServer:
    def __init__(self):
        self.reply = "accept"
        self.received = []
        self.tries = 0
        self.hanging = threading.Event()
        self.release = threading.Event()
        self.port = free_port()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.tries += 1
        if self.reply == "hang":
            self.hanging.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return "421 4.3.0 Closing"
        if self.reply != "accept":
            return self.reply
        self.received.append(message_from_bytes(envelope.content))
        return "250 2.0.0 OK"

    def start(self) -> "SmtpServer":
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.received]

    def mailers(self) -> dict:
        """MAILERS for Django settings pointing at this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }


def deliveries(server: SmtpServer) -> Counter:
    return Counter(server.message_ids)


class Report:
    """What a fault cost, in minutes of the (travelled) clock from the client's answer, for ``bench/faults.py``
    (written to ``TENDING_FAULTS_REPORT`` when it is set)."""

    def __init__(self, fault: str, start):
        self.row = {"fault": fault}
        self.start = start

    def minutes(self, key: str) -> None:
        self.row[key] = round((timezone.now() - self.start).total_seconds() / 60, 1)

    def delivered(self, server: SmtpServer, emails) -> None:
        counts = deliveries(server)
        self.row["emails"] = len(emails)
        self.row["delivered"] = sum(1 for e in emails if counts[e.message_id])
        self.row["most_times_one_was_delivered"] = max((counts[e.message_id] for e in emails), default=0)

    def save(self) -> None:
        path = os.environ.get("TENDING_FAULTS_REPORT")
        if path:
            with open(path, "a") as handle:
                handle.write(json.dumps(self.row) + "\n")

"""Messages are found by conversation through (conversation, id), with no narrower index beside it
(messaging/migrations/0002): with both, PostgreSQL took the narrower one for the client's unread count and read every
message of the conversation to find the few after the read mark (docs/benchmarks.md, eighteenth pass). Which index
a plan takes depends on the table's statistics, so that was measured on the benchmark practice, not here."""

from django.db import connection
from django.test import TestCase

from messaging.models import Message


class MessageIndexTests(TestCase):
    def test_a_conversation_is_read_by_id_and_has_no_index_of_its_own(self):
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, Message._meta.db_table)
        indexed = [info["columns"] for info in constraints.values() if info["index"] and not info["unique"]]
        self.assertIn(["conversation_id", "id"], indexed)
        self.assertNotIn(["conversation_id"], indexed)

import re
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Tables that legitimately change on any request, refused or not (the audit log and its chains' head rows).
_VOLATILE = ("django_session", "audit_auditevent", "audit_auditchain", "django_tasks_db_dbtaskresult", "tending_cache")
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
# A write inside a WITH (PostgreSQL's audit append writes its row there: audit/services.py).
_WRITE_WITHIN = re.compile(
    r'^\s*WITH\s+\w+\s+AS\s+\(\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I
)


def _tables_written(sql: str) -> list[str]:
    return [match.group(2) for pattern in (_WRITE, _WRITE_WITHIN) if (match := pattern.match(sql))]


def written_tables(queries) -> list[str]:
    return [table for query in queries for table in _tables_written(query["sql"]) if table not in _VOLATILE]


@contextmanager
def assert_no_writes(testcase, message=""):
    """Fail if the block wrote to any table other than sessions, the audit log or the task queue."""
    with CaptureQueriesContext(connection) as captured:
        yield
    testcase.assertEqual(written_tables(captured.captured_queries), [], message)


@contextmanager
def assert_writes(testcase, message="", tables=()):
    """Fail unless the block wrote to some table other than sessions, the audit log or the task queue
    (the inverse of ``assert_no_writes``: an allowed write really changed something), or, given
    ``tables``, unless it wrote to each of those."""
    with CaptureQueriesContext(connection) as captured:
        yield
    if tables:
        written = {table for q in captured.captured_queries for table in _tables_written(q["sql"])}
        testcase.assertEqual(sorted(set(tables) - written), [], message)
    else:
        testcase.assertNotEqual(written_tables(captured.captured_queries), [], message)

import re
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Tables that legitimately change on any request, refused or not.
_VOLATILE = ("django_session", "audit_auditevent", "django_tasks_db_dbtaskresult", "tending_cache")
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


def written_tables(queries) -> list[str]:
    tables = []
    for query in queries:
        match = _WRITE.match(query["sql"])
        if match and match.group(2) not in _VOLATILE:
            tables.append(match.group(2))
    return tables


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
        written = {_WRITE.match(q["sql"]).group(2) for q in captured.captured_queries if _WRITE.match(q["sql"])}
        testcase.assertEqual(sorted(set(tables) - written), [], message)
    else:
        testcase.assertNotEqual(written_tables(captured.captured_queries), [], message)

"""Writes audit events, one transaction each, until told to stop; prints each id once committed.

Run as ``python backups/tests/writer.py STOPFILE`` with the environment of the database to write to.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tending.settings")

import django  # noqa: E402

django.setup()

from audit.services import audit_record  # noqa: E402

stop = Path(sys.argv[1])
n = 0
while not stop.exists():
    event = audit_record(action="create", object_type="backups.test", object_id=n, detail={"n": n})
    print(event.id, flush=True)
    n += 1

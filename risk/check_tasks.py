"""The old home of the ``risk_check_run`` task, which now lives in risk/checks.py beside the code that
queues it. Checks queued before issue 16 name the task by this path; delete this module one release later.
"""

from risk.checks import risk_check_run  # noqa: F401

"""Real concurrency for race tests: each job in its own thread with its own database connection."""

import threading

from django.db import connection


def race(jobs, *, expected=()) -> tuple[list, list[str]]:
    """Run each job in its own thread, released together; return (results, errors).

    A job's return value, or an exception of one of the ``expected`` types, goes in results; any other
    exception goes in errors (as its repr) for the test to report.
    """
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait()
            outcome = job()
        except expected as refused:
            outcome = refused
        except Exception as error:  # noqa: BLE001 - the test reports any other failure
            with lock:
                errors.append(repr(error))
            return
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors

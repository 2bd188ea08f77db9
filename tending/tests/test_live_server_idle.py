"""A browser test's database is emptied only once the live server has finished what the browser asked.

The wait is tested with a real second thread standing in for one of the live server's: it is in the middle
of a request when the wait begins and finishes it later.
"""

import threading
import time

from django.core.signals import request_finished, request_started

from tending.testing.browser import _wait_until_the_live_server_is_idle


def _serve(started: threading.Event, seconds: float, done: list) -> None:
    request_started.send(sender=None)
    started.set()
    time.sleep(seconds)
    done.append(time.monotonic())
    request_finished.send(sender=None)


def test_the_wait_lasts_until_a_request_in_another_thread_has_finished():
    started, done = threading.Event(), []
    server = threading.Thread(target=_serve, args=(started, 0.5, done))
    server.start()
    assert started.wait(10)
    _wait_until_the_live_server_is_idle()
    returned = time.monotonic()
    server.join()
    assert done and done[0] <= returned


def test_a_request_in_the_tests_own_thread_is_not_waited_for():
    # The test client serves in the test's thread; one it never closed must not stall every teardown.
    request_started.send(sender=None)
    try:
        began = time.monotonic()
        _wait_until_the_live_server_is_idle(patience=5)
        assert time.monotonic() - began < 4
    finally:
        request_finished.send(sender=None)

"""bench/load.py's summaries of a run, on results made up here (the load itself is measured, not tested)."""

from django.test import SimpleTestCase

from bench.load import timeline


def result(latency_s, started):
    # As open_loop_worker records a request: page, status, latency, write, marker, location, ok, when it was sent.
    return ("client_home", 200, latency_s, False, None, "", (200,), started)


class TimelineTests(SimpleTestCase):
    def test_a_run_is_cut_into_slices_by_when_each_request_was_sent(self):
        results = [result(0.010, 100.0 + n / 10) for n in range(100)]  # ten seconds of quick answers
        results += [result(0.400, 110.0 + n / 10) for n in range(50)]  # then five slow seconds
        results += [result(0.020, 120.5)]
        slices = timeline(results)
        self.assertEqual([s["from_s"] for s in slices], [0, 10, 20])
        self.assertEqual([s["count"] for s in slices], [100, 50, 1])
        self.assertEqual(slices[0]["p95_ms"], 10.0)
        self.assertEqual(slices[1]["p50_ms"], 400.0)
        self.assertEqual(slices[2]["p95_ms"], 20.0)

    def test_a_slice_with_nothing_sent_is_left_out_and_no_results_make_no_slices(self):
        self.assertEqual([s["from_s"] for s in timeline([result(0.01, 5.0), result(0.01, 35.0)])], [0, 30])
        self.assertEqual(timeline([]), [])

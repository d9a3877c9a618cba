"""Scoring releases the GIL, so Python threads score at once.

Ratios, not time limits. On 2 idle cores, two Python threads that held the GIL would take as
long at once as one after the other (ratio about 1); two that release it take about half
(ratio about 0.5). The machine may be shared, so each round also measures what it offers two
threads right now, with work known to release the GIL (hashlib on a large buffer). Scoring
must do about as well as that (its best of five rounds within 0.15 of the hashing median),
and under 0.85 whenever the machine gives two threads a real speed-up.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import threading
import time

import joblevel

DATA = os.urandom(32 << 20)


def _seconds(*works) -> float:
    """Wall time of running `works` at once, each on its own Python thread."""
    start = time.perf_counter()
    pool = [threading.Thread(target=work) for work in works]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - start


def _ratio(work) -> float:
    return _seconds(work, work) / _seconds(lambda: (work(), work()))


def _assert_python_threads_scale(work) -> None:
    def hashing():
        hashlib.sha256(DATA).digest()

    work()  # warm up
    scoring, machine = [], []
    for _ in range(5):
        scoring.append(_ratio(work))
        machine.append(_ratio(hashing))
    assert min(scoring) < max(0.85, statistics.median(machine) + 0.15), (scoring, machine)


def test_two_python_threads_scoring_at_once_finish_sooner_than_one_after_the_other(generated):
    assert os.cpu_count() >= 2
    clf = joblevel.Classifier()
    texts = list(generated.description.head(6000))

    def work():
        # one scoring thread per call: any speed-up comes from the two Python threads
        rows = clf.classify_columns(texts, threads=1)
        assert rows["error"] == [None] * len(texts)

    _assert_python_threads_scale(work)


def test_python_code_runs_while_another_thread_scores(generated):
    """A spinning Python thread keeps its pace while the main thread is inside the engine.
    Were the GIL held there, it would stand still (a ratio near 0.01, as during `sorted()` of a
    big list), not keep about half its pace or more."""
    clf = joblevel.Classifier()
    texts = list(generated.description.head(8000))
    count, stop = [0], threading.Event()

    def spin():
        while not stop.is_set():
            count[0] += 1

    def rate(during) -> float:
        before, start = count[0], time.perf_counter()
        during()
        return (count[0] - before) / (time.perf_counter() - start)

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        ratios = []
        for _ in range(3):
            scoring = rate(lambda: clf.classify_columns(texts, threads=1))
            idle = rate(lambda: time.sleep(0.3))
            ratios.append(scoring / idle)
    finally:
        stop.set()
        spinner.join()
    assert max(ratios) > 0.25, ratios

"""Process 6, the justice pipeline: the queue by months waited, capacity taken oldest first, the pre-trial limit,
conviction or release, and who returns."""

from __future__ import annotations

import numpy as np

from ctsim.declarations.parameters import resolve
from ctsim.model.compiled import COMPILED_STREAMS, compile_streams
from ctsim.model.processes.step06_justice import PARAMS as JUSTICE_PARAMS
from ctsim.model.processes.step06_justice import prosecute_kernel
from ctsim.model.state import Parameters


def pipeline_month(streams, queue, arrests, capacity, return_rate, places=0.0, relapse=0.0, conviction=0.3):
    """One month of the justice pipeline with no cells (the kernel of process 6): the results by name."""
    q = Parameters({**resolve(), "conviction_rate": conviction, "return_rate_released": return_rate,
                    "rehabilitation_relapse": relapse}).vector(JUSTICE_PARAMS)
    empty = np.zeros(0, dtype=np.int64)
    out = prosecute_kernel(streams, q, queue, np.asarray(arrests, dtype=np.int64), capacity, places, 0.0, empty.copy(),
                           empty, np.zeros(0, bool), np.zeros(0, bool), 0)
    return dict(zip(("decided", "convicted", "released", "released_untried", "rehabilitated", "surrendered",
                     "returned"), out[:7], strict=True))


def streams_of(seed):
    return compile_streams({name: np.random.default_rng([seed, i]) for i, name in enumerate(COMPILED_STREAMS)})


def run_pipeline(capacity, months=24, arrests_per_month=100, return_rate=0.5):
    queue = np.zeros((3, 6), dtype=np.int64)
    streams = streams_of(0)
    totals = {"decided": 0, "convicted": 0, "released": 0, "released_untried": 0, "returned": 0}
    admitted = 0
    for _ in range(months):
        arrests = np.array([arrests_per_month, 0, arrests_per_month // 2])
        admitted += arrests.sum()
        out = pipeline_month(streams, queue, arrests, capacity, return_rate)
        for key in totals:
            totals[key] += int(out[key].sum())
    return int(queue.sum()), totals, admitted


def test_pipeline_conserves_people():
    awaiting, t, admitted = run_pipeline(capacity=60)
    assert admitted == t["decided"] + t["released_untried"] + awaiting
    assert t["released"] == t["decided"] - t["convicted"] + t["released_untried"]
    assert t["returned"] <= t["released"]


def test_without_prosecutors_every_arrest_walks_free_untried():
    awaiting, t, admitted = run_pipeline(capacity=0)
    assert t["decided"] == 0 and t["convicted"] == 0
    assert t["released_untried"] == admitted - awaiting
    assert awaiting <= 150 * 5, "nobody is held beyond the pre-trial limit"


def test_ample_capacity_tries_everyone_and_releases_none_untried():
    _, t, _ = run_pipeline(capacity=10_000)
    assert t["released_untried"] == 0
    assert 0.2 < t["convicted"] / t["decided"] < 0.4, "conviction share near the declared 30%"


def test_more_prosecutors_fewer_returns():
    _, low, _ = run_pipeline(capacity=20)
    _, high, _ = run_pipeline(capacity=200)
    assert high["returned"] < low["returned"], "prosecution capacity should close the revolving door"


def test_the_oldest_cases_are_decided_first():
    queue = np.zeros((2, 4), dtype=np.int64)
    queue[0, 2], queue[1, 0] = 5, 7  # five waiting two months in district 0, seven new in district 1
    out = pipeline_month(streams_of(4), queue, [0, 0], 5.0, 0.0)
    assert out["decided"].tolist() == [5, 0], "capacity goes to the cases that have waited longest"
    assert queue[1].sum() == 7 and queue[0].sum() == 0

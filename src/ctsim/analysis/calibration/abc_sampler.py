"""A pyabc sampler whose draws depend on the seed only, not on how many processes evaluate them.

pyabc's own parallel samplers reseed each worker from the operating system and keep particles in the order they
finish, so two runs with the same seed differ. :class:`SeededOrderedSampler` instead numbers every candidate of a
generation (0, 1, 2, ...), seeds numpy's and Python's global generators for candidate ``i`` from
``(base, generation, i)`` right before pyabc's ``simulate_one`` draws its parameters and runs the model, and accepts
candidates strictly in number order until ``n`` are accepted. Any number of worker processes therefore returns the
same particles, the same rejected candidates and the same evaluation count as one process: ``ctsim calibrate --abc
--check`` can rerun a two-process calibration on one process and compare.

Workers are forked (Linux), so pyabc's ``simulate_one`` closure reaches them without pickling; the pool is the
executors' (:func:`ctsim.experiments.executors.forked_pool`), whose workers exit when the driver dies. A sliding
window of ``lookahead`` candidates per worker keeps both busy while results are consumed in order; candidates beyond the
``n``-th acceptance are evaluated and discarded (at most one window per generation). ``base`` is drawn from numpy's
global generator when a generation starts, which :func:`ctsim.analysis.calibration.posterior.run_abc` seeds from the
seed and the generation the call starts at: a run resumed at a generation gives the same draws however often it is
resumed there, but not those of a run that went on uninterrupted (whose generator was not reseeded).
"""

from __future__ import annotations

import logging
import random
from collections import deque
from contextlib import closing

import numpy as np
from jabbar import jabbar
from pyabc.sampler import Sampler

from ctsim.experiments.executors import forked_pool

LOGGER = logging.getLogger("ABC")  # pyabc's logger: the line comes with its own for the generation
_WORKER_SIMULATE = None  # pyabc's simulate_one, inherited by each forked worker


def _seed_for(base: int, generation: int, index: int) -> None:
    """Seed numpy's legacy global stream and Python's ``random`` for one candidate."""
    # pyabc numbers its calibration sample -1: shift by one so every entropy word is non-negative
    state = np.random.SeedSequence([base, generation + 1, index]).generate_state(4)
    np.random.seed(state)
    random.seed(int(state[0]))


def _evaluate(simulate_one, base: int, generation: int, index: int):
    _seed_for(base, generation, index)
    return simulate_one()


def _install(simulate_one) -> None:
    global _WORKER_SIMULATE
    _WORKER_SIMULATE = simulate_one


def _evaluate_in_worker(base: int, generation: int, index: int):
    return _evaluate(_WORKER_SIMULATE, base, generation, index)


class SeededOrderedSampler(Sampler):
    """Evaluate numbered, individually seeded candidates on ``n_procs`` processes; accept them in number order.

    Args:
        n_procs: worker processes (1: in this process, no pool).
        lookahead: candidates in flight per worker (more keeps the workers busier when run times vary, and wastes
            more evaluations after the last acceptance).
    """

    def __init__(self, n_procs: int = 1, lookahead: int = 2):
        super().__init__()
        if not isinstance(n_procs, int) or n_procs < 1:
            raise ValueError(f"n_procs must be a positive integer, got {n_procs!r}")
        if not isinstance(lookahead, int) or lookahead < 1:
            raise ValueError(f"lookahead must be a positive integer, got {lookahead!r}")
        self.n_procs = n_procs
        self.lookahead = lookahead

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):
        # one draw from the (seeded) global stream per generation: the candidates' seeds follow from it
        base = int(np.random.randint(0, 2 ** 31 - 1))
        saved_np, saved_py = np.random.get_state(), random.getstate()
        sample = self._create_empty_sample()
        evaluated = given_up = 0
        try:
            # closing(): the worker pool shuts down as soon as enough are accepted, not when the generator is collected
            with jabbar(total=n, enable=self.show_progress, keep=False) as bar, \
                    closing(self._ordered_results(simulate_one, base, t)) as results:
                for result in results:
                    sample.append(result)
                    evaluated += 1
                    # an early-rejected candidate (ctsim.analysis.calibration.posterior.EarlyRejectingModel) comes
                    # back without a summary: it was given up before the end of its run
                    given_up += not result.accepted and not result.sum_stat
                    if result.accepted:
                        bar.inc()
                        if sample.n_accepted >= n:
                            break
        finally:
            np.random.set_state(saved_np)
            random.setstate(saved_py)
        self.nr_evaluations_ = evaluated
        if given_up:
            LOGGER.info(f"{given_up:,} of {evaluated:,} candidates rejected early (before the end of their run).")
        if sample.n_accepted < n:
            sample.ok = False
        return sample

    def _ordered_results(self, simulate_one, base: int, t: int):
        """Candidates 0, 1, 2, ... evaluated (in parallel when n_procs > 1) and yielded in that order."""
        if self.n_procs == 1:
            index = 0
            while True:
                yield _evaluate(simulate_one, base, t, index)
                index += 1
        with forked_pool(self.n_procs, _install, (simulate_one,)) as pool:
            pending: deque = deque()
            next_index = 0
            try:
                while True:
                    while len(pending) < self.n_procs * self.lookahead:
                        pending.append(pool.submit(_evaluate_in_worker, base, t, next_index))
                        next_index += 1
                    yield pending.popleft().result()
            finally:
                for future in pending:
                    future.cancel()

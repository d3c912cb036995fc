"""The model's random streams as one compiled object, and the sampling helpers the processes share.

A kernel (:func:`ctsim.compiling.kernel`) draws from the run's own ``numpy.random.Generator`` streams: numba runs
numpy's algorithms on the same bit generators, so a stream continues the same whether a draw is made in Python or in
a kernel, and every run is reproducible from its seed, bit for bit.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.experimental import structref

from ctsim.compiling import kernel

# The run's random streams, one per subsystem (common random numbers across scenarios, DESIGN.md s6). Append only:
# the order fixes which child of the run's SeedSequence each subsystem gets.
STREAMS = ("mesa", "init", "politics", "population", "recruitment", "operations", "justice", "attacks",
           "lifecycle", "casualties", "arrivals")
COMPILED_STREAMS = STREAMS[1:]  # Mesa's own generator stays with Mesa


@structref.register
class _StreamsType(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class Streams(structref.StructRefProxy):
    """The run's generators as one compiled object: a kernel takes it as one cheap argument (numba unboxes a
    ``Generator`` argument in about 10 us, this in under one), and draws from the very same bit generators as the
    Python side of the model."""


structref.define_boxing(_StreamsType, Streams)
_GENERATOR = types.NumPyRandomGeneratorType("generator")
STREAMS_TYPE = _StreamsType([(name, _GENERATOR) for name in COMPILED_STREAMS])


@kernel
def _make_streams(init, politics, population, recruitment, operations, justice, attacks, lifecycle, casualties,
                  arrivals):
    s = structref.new(STREAMS_TYPE)
    s.init = init
    s.politics = politics
    s.population = population
    s.recruitment = recruitment
    s.operations = operations
    s.justice = justice
    s.attacks = attacks
    s.lifecycle = lifecycle
    s.casualties = casualties
    s.arrivals = arrivals
    return s


def compile_streams(generators: dict[str, np.random.Generator]) -> Streams:
    """The compiled view of a run's generators (the Python objects stay the owners of the streams' state)."""
    return _make_streams(*(generators[name] for name in COMPILED_STREAMS))


# ------------------------------------------------------------------------------------------- sampling helpers
@kernel
def multinomial(rng, n, p, out):
    """Draw ``n`` among the categories with probabilities ``p`` into ``out``, as numpy's ``Generator.multinomial``
    does: one binomial draw per category on what is left."""
    out[:] = 0
    remaining_p = 1.0
    left = n
    last = p.size - 1
    for j in range(last):
        if left <= 0:
            return
        share = p[j] / remaining_p if remaining_p > 0.0 else 0.0
        share = min(max(share, 0.0), 1.0)
        out[j] = rng.binomial(left, share)
        left -= out[j]
        remaining_p -= p[j]
    if left > 0:
        out[last] = left


@kernel
def take_without_replacement(rng, counts, n, out):
    """Draw ``n`` persons without replacement from groups of ``counts`` persons (a multivariate hypergeometric draw)
    into ``out`` (persons taken from each group); ``counts`` is left unchanged. One person at a time: a uniform
    position among those left, found in a Fenwick tree of the groups' sizes, so a draw costs about
    ``n log(groups)``. ``n`` must not exceed the total."""
    k = counts.size
    out[:k] = 0
    if n <= 0:
        return
    tree = np.zeros(k + 1, dtype=np.int64)
    for i in range(k):  # build the tree in O(k)
        tree[i + 1] += counts[i]
        parent = i + 1 + ((i + 1) & -(i + 1))
        if parent <= k:
            tree[parent] += tree[i + 1]
    step = 1
    while step * 2 <= k:
        step *= 2
    left = 0
    for i in range(k):
        left += counts[i]
    for _ in range(n):
        target = rng.integers(0, left)  # the position of the person drawn, 0-based, among those left
        position = 0
        bit = step
        while bit > 0:  # the group holding the target: the largest prefix whose sum is at most the target
            nxt = position + bit
            if nxt <= k and tree[nxt] <= target:
                position = nxt
                target -= tree[nxt]
            bit //= 2
        out[position] += 1
        index = position + 1
        while index <= k:
            tree[index] -= 1
            index += index & -index
        left -= 1


@kernel
def pick(rng, cumulative):
    """One index drawn with probability proportional to the steps of ``cumulative`` (a running sum of weights)."""
    u = rng.random() * cumulative[cumulative.size - 1]
    lo, hi = 0, cumulative.size - 1
    while lo < hi:  # the first index whose running sum exceeds u
        mid = (lo + hi) // 2
        if cumulative[mid] > u:
            hi = mid
        else:
            lo = mid + 1
    return lo

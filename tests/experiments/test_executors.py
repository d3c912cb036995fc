"""The forked pool's workers: they run their initializer and leave the driver's inherited heap to the collector's
permanent generation."""

from __future__ import annotations

import gc

from ctsim.experiments.executors import forked_pool

_SEEN: list[str] = []


def _note(word: str) -> None:
    _SEEN.append(word)


def _worker_view() -> tuple[int, int, list[str]]:
    return gc.get_freeze_count(), len(gc.get_objects(generation=2)), list(_SEEN)


def test_a_forked_worker_freezes_what_it_inherited_and_runs_its_initializer():
    inherited = len(gc.get_objects())
    with forked_pool(1, _note, ("ready",)) as pool:
        frozen, oldest, seen = pool.submit(_worker_view).result(timeout=60)
    assert seen == ["ready"]
    # every object the driver held when the worker was forked is frozen (the driver's own heap, at least)
    assert frozen >= inherited // 2
    assert oldest < frozen
    assert gc.get_freeze_count() == 0  # the driver itself is left as it was

"""Running the compiled checks of a whole register in several processes.

pyoxigraph evaluates a query while holding Python's global lock, so threads
do not run two checks at once; processes do. Each worker opens the store on
disk read-only (RocksDB lets readers open a store another process holds), runs
the query texts it is given and sends back the rows as tuples of terms. The
checks are independent queries, so the results are those of one process,
in the same order.

Only for a store on disk: an in-memory store lives in one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyoxigraph as ox

LARGE = 200_000
"""Typed nodes from which ``workers=None`` (auto) runs the checks in parallel: below it, starting processes costs more than it saves."""

_STORE: ox.Store | None = None


class Solution:
    """One row of a query answered in a worker, read as a ``pyoxigraph.QuerySolution`` is read."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: tuple) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, name: str) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        return self._values[self._names[name]]

    def __iter__(self) -> Iterator:
        return iter(self._values)


def workers_for(path: Path | None, typed_nodes: int, workers: int | None) -> int:
    """How many processes to use: ``workers`` when given, else every CPU for a large register on disk, else 1."""
    if path is None:
        return 1
    if workers is not None:
        return max(1, workers)
    return max(1, min(os.cpu_count() or 1, 8)) if typed_nodes >= LARGE else 1


def _open(path: str) -> None:
    global _STORE
    _STORE = ox.Store.read_only(path)
    # A worker only turns answers into tuples, which make no reference cycles: the collector
    # would walk them again and again (see collector.collector_paused).
    gc.disable()


def _run(text: str) -> tuple[list[str], list[tuple]]:
    assert _STORE is not None
    solutions = _STORE.query(text, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return names, [tuple(s) for s in solutions]


def run_queries(path: Path, texts: list[str], workers: int) -> Iterator[list[Solution]]:
    """The solutions of each query text, in order, computed by ``workers`` processes on the store at ``path``."""
    # spawn, not fork: the parent holds RocksDB and threads that a forked child must not inherit.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_open, initargs=(str(path),)) as pool:
        for names, rows in pool.map(_run, texts):
            index = {name: i for i, name in enumerate(names)}
            yield [Solution(index, row) for row in rows]


__all__ = ["LARGE", "Solution", "run_queries", "workers_for"]

"""What the site makes from the whole register, kept until the next write.

Some pages read the whole register: the home page's counts, the list of life
situations, a catalogue's members, the search index, the quality scorecard. At
national scale (100 000 services) each costs from half a second to minutes, so
each is made once and kept in ``app.state.derived`` until a write changes the
register: ``app.state.changed()`` clears it (keeping only what was brought up
to date in place, such as the search index), so a write shows on the next
page at once.

A value is made either in the request that first asks for it (:meth:`Derived.get`,
for what takes a second or two) or in a background thread
(:meth:`Derived.background`, for what takes longer: the page then says it is
being made and asks again later). Either way concurrent requests wait for the one
maker rather than make it twice, and a value made from the register as it was
before a write is handed to the requests that were waiting for it but not kept.

What takes minutes at national scale (the scorecard) would, with writes every
few minutes, rarely be there at all; for such a value the newest one made is
remembered across writes (``background(..., last=True)``, :meth:`Derived.last`),
so that a page can show it, saying when it was made, while the next is made.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future, TimeoutError as FutureTimeout
from typing import Any, TypeVar

T = TypeVar("T")


class Derived:
    """Values made from the register, by key, until :meth:`clear` (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Hashable, Any] = {}
        self._making: dict[Hashable, Future] = {}
        self._generation = 0
        self._last: dict[Hashable, tuple[int, Any]] = {}  # key → (the generation it was made in, the newest value made)

    def _claim(self, key: Hashable) -> tuple[Future, bool, int]:
        """The future of ``key`` (done when kept), whether the caller must make it, and the generation it belongs to."""
        with self._lock:
            if key in self._values:
                done: Future = Future()
                done.set_result(self._values[key])
                return done, False, self._generation
            if key in self._making:
                return self._making[key], False, self._generation
            future = Future()
            self._making[key] = future
            return future, True, self._generation

    def _make(self, key: Hashable, make: Callable[[], Any], future: Future, generation: int, last: bool = False) -> None:
        try:
            value = make()
        except BaseException as exc:  # handed to the waiting requests; the next request tries again
            with self._lock:
                if self._making.get(key) is future:
                    del self._making[key]
            future.set_exception(exc)
            return
        with self._lock:
            if self._making.get(key) is future:
                del self._making[key]
            if generation == self._generation:
                self._values[key] = value
            if last and generation >= self._last.get(key, (-1, None))[0]:
                self._last[key] = (generation, value)
        future.set_result(value)

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value of ``key``: kept, or made now by ``make`` in this thread (or by the request already making it)."""
        future, mine, generation = self._claim(key)
        if mine:
            self._make(key, make, future, generation)
        return future.result()

    def background(self, key: Hashable, make: Callable[[], T], wait: float, last: bool = False) -> T | None:
        """The value of ``key`` if it is kept or made within ``wait`` seconds, else None while a thread makes it.

        ``make`` runs in a daemon thread of its own, so a request never waits
        longer than ``wait``; an error in it is raised to the requests waiting,
        and the next request starts again. With ``last``, the value made is
        also remembered across writes for :meth:`last`.
        """
        future, mine, generation = self._claim(key)
        if mine:
            threading.Thread(target=self._make, args=(key, make, future, generation, last), name=f"virsis-derived-{key}", daemon=True).start()
        try:
            return future.result(timeout=wait)
        except FutureTimeout:
            return None

    def last(self, key: Hashable) -> Any | None:
        """The newest value of ``key`` made with ``last=True``, though writes since may have made it out of date; or None."""
        with self._lock:
            return self._last.get(key, (None, None))[1]

    def peek(self, key: Hashable) -> Any | None:
        """The kept value of ``key``, or None (never makes it)."""
        with self._lock:
            return self._values.get(key)

    def clear(self, keep: Iterable[Hashable] = ()) -> None:
        """Forget every value but those of ``keep`` (already brought up to date); values being made are not kept."""
        with self._lock:
            kept = {k: self._values[k] for k in keep if k in self._values}
            self._generation += 1
            self._values = kept
            self._making.clear()

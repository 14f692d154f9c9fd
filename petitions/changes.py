"""Who must hear of a write to petitions or their assignments, before and after it.

Derived tables kept in the same transaction as the records (followups.summary, the dashboard's
cells) register a tracker here; the services that write petitions, assignments and their
statuses wrap the write in `tracking(ids)`. A tracker snapshots what the petitions contributed
before the write and adds the difference afterwards, so it stays right whatever the write did.
This module sits in `petitions` so that petitions.services can call it without importing the
apps above it (they register in their AppConfig.ready).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Protocol


class Watcher(Protocol):
    def created(self, petition_ids: Iterable[int]) -> None: ...

    def finish(self) -> None: ...


_trackers: list[Callable[[list[int]], Watcher]] = []


def register(tracker: Callable[[list[int]], Watcher]) -> None:
    """`tracker(petition_ids)` snapshots those petitions now and returns a Watcher."""
    if tracker not in _trackers:
        _trackers.append(tracker)


class Changes:
    def __init__(self, watchers: list[Watcher]):
        self._watchers = watchers

    def created(self, petition_ids: Iterable[int]) -> None:
        """Petitions made inside the block: they contributed nothing before it."""
        ids = list(petition_ids)
        for watcher in self._watchers:
            watcher.created(ids)


@contextmanager
def tracking(petition_ids: Iterable[int] = ()) -> Iterator[Changes]:
    """Wrap a write (inside its transaction) that may change what `petition_ids` count for.
    On an exception nothing is recorded: the transaction is rolled back anyway."""
    ids = list(petition_ids)
    watchers = [tracker(ids) for tracker in _trackers]
    yield Changes(watchers)
    for watcher in watchers:
        watcher.finish()

"""A small thread-safe cache of values made once per key, bounded by dropping the least recently used."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable


class Cache:
    """Values made once per key, the least recently used dropped past ``size``."""

    def __init__(self, size: int) -> None:
        """Start empty, to hold at most ``size`` values."""
        self._size = size
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """Return the value kept for ``key``, made by ``make()`` the first time (under the lock)."""
        with self._lock:  # held while making: a face reads its file through one shared position
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            entry = self._entries[key] = make()
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return entry

"""Random numbers for the demo, drawn for whole columns at once and still reproducible.

Each value is a hash (splitmix64) of the seed, a stream name and integer keys such as the
group's position, the day and which draw it is. So a value never depends on how many groups
are generated or in what order, one table's tweak never shifts another's, and numpy draws a
million of them in milliseconds.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["Draws"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_UNIT = 2.0**-53
T = TypeVar("T")


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


class Draws:
    """The random values of one stream (e.g. "usage") for one seed."""

    def __init__(self, seed: int, stream: str) -> None:
        key = zlib.crc32(f"csbot-demo:{seed}:{stream}".encode())
        self._base = _mix(np.array([key], dtype=np.uint64))[0]

    def _bits(self, keys: Sequence[npt.ArrayLike]) -> npt.NDArray[np.uint64]:
        arrays = np.broadcast_arrays(*(np.asarray(k, dtype=np.int64) for k in keys))
        x = np.full(arrays[0].shape if arrays else (), self._base, dtype=np.uint64)
        x = np.atleast_1d(x)
        for key in arrays:
            x = _mix(x ^ (np.atleast_1d(key).astype(np.uint64) + _GOLDEN))
        return x

    def random(self, *keys: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Uniform on [0, 1), one per element of the (broadcast) keys."""
        return (self._bits(keys) >> np.uint64(11)).astype(np.float64) * _UNIT

    def uniform(self, low: float, high: float, *keys: npt.ArrayLike) -> npt.NDArray[np.float64]:
        return low + (high - low) * self.random(*keys)

    def integers(self, low: npt.ArrayLike, high: npt.ArrayLike, *keys: npt.ArrayLike
                 ) -> npt.NDArray[np.int64]:  # fmt: skip
        """Uniform integers from `low` to `high` inclusive (like random.randint)."""
        low_, high_ = np.asarray(low, dtype=np.int64), np.asarray(high, dtype=np.int64)
        span = (high_ - low_ + 1).astype(np.float64)
        return (low_ + np.floor(self.random(*keys) * span)).astype(np.int64)

    def choice(self, options: Sequence[T], *keys: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Indexes into `options`, each equally likely."""
        return self.integers(0, len(options) - 1, *keys)

    def weighted(self, weights: Sequence[float], *keys: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Indexes drawn with these relative weights (like random.choices)."""
        edges = np.cumsum(np.asarray(weights, dtype=np.float64))
        found = np.searchsorted(edges / edges[-1], self.random(*keys), side="right")
        return np.minimum(found, len(weights) - 1).astype(np.int64)

    def poisson(self, lam: npt.ArrayLike, *keys: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Poisson counts by Knuth's product of uniforms; fine for the small rates used here."""
        limit = np.exp(-np.asarray(lam, dtype=np.float64))
        product = self.random(*keys, 0)
        count = np.zeros(product.shape, dtype=np.int64)
        step = 1
        while (more := product > limit).any():
            count += more
            product = np.where(more, product * self.random(*keys, step), product)
            step += 1
        return count

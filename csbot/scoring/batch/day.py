"""One day's scores of many groups as columns: what the daily recompute stored, looked up by
group id (csbot.store.recompute)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csbot.scoring.batch.inputs import Floats
from csbot.scoring.batch.risk import BANDS
from csbot.scoring.types import Band

__all__ = ["DayScores"]


@dataclass(frozen=True)
class DayScores:
    """The health and band of each group scored on a day, by ascending group id."""

    group_ids: np.ndarray
    score: Floats
    band: np.ndarray  # index into csbot.scoring.batch.BANDS

    def _index(self, group_id: int) -> int | None:
        i = int(np.searchsorted(self.group_ids, group_id))
        return i if i < len(self.group_ids) and self.group_ids[i] == group_id else None

    def __contains__(self, group_id: object) -> bool:
        return isinstance(group_id, int) and self._index(group_id) is not None

    def __len__(self) -> int:
        return len(self.group_ids)

    def score_of(self, group_id: int) -> float:
        i = self._index(group_id)
        if i is None:
            raise KeyError(group_id)
        return float(self.score[i])

    def band_of(self, group_id: int) -> Band:
        i = self._index(group_id)
        if i is None:
            raise KeyError(group_id)
        return BANDS[int(self.band[i])]

    @property
    def scores(self) -> dict[int, float]:
        return dict(zip(self.group_ids.tolist(), self.score.tolist(), strict=True))

    @classmethod
    def joined(cls, parts: list[tuple[np.ndarray, Floats, np.ndarray]]) -> DayScores:
        """The (ids, scores, bands) of each chunk, in order, as one day's."""
        if not parts:
            return cls(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=np.int8))
        ids, scores, bands = (np.concatenate(column) for column in zip(*parts, strict=True))
        return cls(ids, scores, bands)

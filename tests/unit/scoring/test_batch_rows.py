"""The loader's rows made columns (csbot.scoring.batch.rows): numbers with NaN for None, and
each group's median first response as statistics.median gives it, from rows in any order."""

from __future__ import annotations

import random
import statistics

import numpy as np

from csbot.scoring.batch.rows import medians, table


def test_medians_are_each_groups_median_from_rows_in_any_order() -> None:
    """Thousands of (group, hours) rows shuffled: odd and even counts, ties, hours below zero
    (counted as zero), a group with no rows (NaN) and rows of a group not asked about."""
    rng = random.Random(7)
    hours: dict[int, list[float]] = {
        g: [round(rng.uniform(-2, 40), 1) for _ in range(rng.randint(1, 60))] for g in range(1, 80)
    }
    hours[5] = [3.0, 3.0, 1.0, 3.0]  # ties, an even count
    rows = [(g, h) for g, values in hours.items() for h in values]
    rows += [(500, 1.0), (500, 2.0)]  # a group the chunk does not hold
    rng.shuffle(rows)
    ids = np.array([*hours, 90], dtype=np.int64)  # 90: no rows
    got = medians(ids, table(rows, 2))
    expected = [statistics.median(max(0.0, h) for h in hours[g]) for g in hours]
    assert got[:-1].tolist() == expected
    assert np.isnan(got[-1])


def test_a_table_of_rows_holds_their_numbers_and_nan_for_none() -> None:
    assert table([], 3).shape == (0, 3)
    assert table([(1, 2.5, 3), (4, 5, 6.25)], 3).tolist() == [[1.0, 2.5, 3.0], [4.0, 5.0, 6.25]]
    with_none = table([(1, None), (2, 7)], 2)
    assert with_none[:, 0].tolist() == [1.0, 2.0] and np.isnan(with_none[0, 1])
    assert with_none[1, 1] == 7.0

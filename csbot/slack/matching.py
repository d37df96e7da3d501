"""Which group a typed name means: one match, several to pick from, or none with did-you-mean.

Pure: the caller loads the names once (csbot.store.groups.group_names) and passes them in.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from csbot.store.records import GroupName, fold

__all__ = ["Ambiguous", "MatchResult", "Matched", "NoMatch", "match_groups"]

MAX_SUGGESTIONS = 3
_WORD_CUTOFF = 0.72
_NAME_CUTOFF = 0.6


@dataclass(frozen=True)
class Matched:
    """Exactly one group fits."""

    group: GroupName


@dataclass(frozen=True)
class Ambiguous:
    """Several groups fit; best first. The card asks which one."""

    query: str
    groups: tuple[GroupName, ...]

    @property
    def message(self) -> str:
        return f"{len(self.groups)} groups match “{self.query}”. Which one did you mean?"


@dataclass(frozen=True)
class NoMatch:
    """Nothing fits; `suggestions` are the closest names, best first (maybe none)."""

    query: str
    suggestions: tuple[GroupName, ...] = ()

    @property
    def message(self) -> str:
        """A sentence fit to show, with did-you-mean when there is something close."""
        text = f"No group matches “{self.query}”."
        if self.suggestions:
            names = [f"*{g.name}*" for g in self.suggestions]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
            text += f" Did you mean {listed}?"
        else:
            text += " Try part of its name, e.g. `/cs list` to see all groups."
        return text


MatchResult = Matched | Ambiguous | NoMatch


def match_groups(query: str, candidates: Sequence[GroupName]) -> MatchResult:
    """Exact name/slug/alias wins; else every typed word contained; else did-you-mean.

    Case, accents and punctuation are ignored ("zurich padiatrie" finds "Zürich Pädiatrie").
    """
    shown = " ".join(query.split())
    folded = fold(query)
    if not folded:
        return NoMatch(shown)
    exact = [g for g in candidates if folded in g.folded_names]
    if exact:
        return _one_or_many(shown, exact, folded)
    words = tuple(folded.split())
    contained = [g for g in candidates if g.contains_all(words)]
    if contained:
        return _one_or_many(shown, contained, folded)
    return NoMatch(shown, _suggest(folded, candidates))


def _one_or_many(query: str, groups: list[GroupName], folded: str) -> MatchResult:
    if len(groups) == 1:
        return Matched(groups[0])
    return Ambiguous(query, tuple(sorted(groups, key=lambda g: _rank(g, folded))))


def _rank(group: GroupName, folded: str) -> tuple[int, int, str]:
    """Names starting with the query first, then whole-word hits, then the shorter name."""
    names = group.folded_names
    if any(n.startswith(folded) for n in names):
        tier = 0
    elif any(f" {folded} " in f" {n} " for n in names):
        tier = 1
    else:
        tier = 2
    return tier, len(group.name), group.name.casefold()


def _suggest(folded: str, candidates: Sequence[GroupName]) -> tuple[GroupName, ...]:
    """Closest groups: by whole name (difflib), then by how many typed words are close to theirs.

    get_close_matches filters with cheap upper bounds before the full ratio, which keeps
    thousands of names fast.
    """
    by_id = {g.id: g for g in candidates}
    owners: dict[str, set[int]] = {}
    for group in candidates:
        for name in group.folded_names:
            owners.setdefault(name, set()).add(group.id)
    scores: dict[int, float] = {}
    for name in difflib.get_close_matches(folded, owners, n=10, cutoff=_NAME_CUTOFF):
        ratio = difflib.SequenceMatcher(None, folded, name).ratio()
        for group_id in owners[name]:
            scores[group_id] = max(scores.get(group_id, 0.0), ratio)
    for group_id, score in _word_scores(folded.split(), candidates).items():
        scores[group_id] = max(scores.get(group_id, 0.0), score)
    ranked = sorted(scores, key=lambda gid: (-scores[gid], by_id[gid].name.casefold()))
    return tuple(by_id[gid] for gid in ranked[:MAX_SUGGESTIONS])


def _word_scores(words: list[str], candidates: Sequence[GroupName]) -> dict[int, float]:
    """Share of typed words close to (or inside) a word of each group, scaled to below 1."""
    vocabulary: dict[str, set[int]] = {}
    for group in candidates:
        for word in set(group.haystack.split()) - {"|"}:
            vocabulary.setdefault(word, set()).add(group.id)
    hits: dict[int, int] = {}
    for word in words:
        close = set(difflib.get_close_matches(word, vocabulary, n=8, cutoff=_WORD_CUTOFF))
        if len(word) >= 3:
            close.update(v for v in vocabulary if word in v)
        groups: set[int] = set()
        for match in close:
            groups |= vocabulary[match]
        for group_id in groups:
            hits[group_id] = hits.get(group_id, 0) + 1
    return {gid: 0.9 * n / len(words) for gid, n in hits.items() if n / len(words) >= 0.5}

"""Plain records the store hands out, importable without SQLAlchemy (commands use them)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower-case, accent-free words and single spaces: "Zürich-Pädiatrie" -> "zurich padiatrie".

    Group matching and type-ahead compare folded text, so "zurich" finds "Zürich" and "acme family"
    finds the slug "acme-family".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare.casefold()).strip()


@dataclass(frozen=True)
class GroupName:
    """What it takes to find a group by name: id, display name, slug and aliases."""

    id: int
    name: str
    slug: str
    aliases: tuple[str, ...] = ()

    @cached_property
    def folded_names(self) -> tuple[str, ...]:
        """Name, slug and aliases, folded, without duplicates, name first."""
        seen: dict[str, None] = {}
        for text in (self.name, self.slug, *self.aliases):
            folded = fold(text)
            if folded:
                seen.setdefault(folded, None)
        return tuple(seen)

    @cached_property
    def haystack(self) -> str:
        """All folded names in one string, for "every word is contained" matching."""
        return " | ".join(self.folded_names)

    def contains_all(self, words: tuple[str, ...]) -> bool:
        """True when every (folded) word occurs somewhere in the name, slug or an alias."""
        return all(word in self.haystack for word in words)

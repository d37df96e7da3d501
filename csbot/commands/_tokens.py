"""Split `/cs` text into words, keeping quoted phrases whole, whatever people paste.

Slack passes text as typed: smart quotes from phones, non-breaking spaces from copy-paste,
zero-width characters from rich-text editors. None of that may reach the grammar as noise.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Every double-quote look-alike becomes '"', every single one "'", before scanning.
_DOUBLE = dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02"), '"'
)
_SINGLE = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2039\u203a\u2032`\u00b4"), "'")


@dataclass(frozen=True)
class Token:
    """One word, or one quoted phrase (never read as a keyword)."""

    text: str
    quoted: bool = False


def clean(text: str) -> str:
    """NFC text with plain quotes; control characters become spaces, invisible format ones go."""
    text = unicodedata.normalize("NFC", text).translate(_DOUBLE).translate(_SINGLE)
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cf":
            continue
        out.append(" " if category in ("Cc", "Cs", "Zl", "Zp") else ch)
    return "".join(out)


def _phrase(text: str) -> Token | None:
    words = text.split()
    return Token(" ".join(words), quoted=True) if words else None


def _single_quote_end(text: str, start: int) -> int:
    """Index of the "'" closing a phrase opened at `start`, or -1 (then it is an apostrophe)."""
    i = text.find("'", start + 1)
    while i != -1:
        if i + 1 == len(text) or text[i + 1].isspace():
            return i
        i = text.find("'", i + 1)
    return -1


def tokenize(text: str) -> list[Token]:
    """Words and quoted phrases. An unclosed double quote runs to the end; it never fails."""
    text = clean(text)
    tokens: list[Token] = []
    word: list[str] = []
    i = 0

    def flush() -> None:
        if word:
            tokens.append(Token("".join(word)))
            word.clear()

    while i < len(text):
        ch = text[i]
        end = -1
        if ch == '"':
            end = text.find('"', i + 1)
            end = len(text) if end == -1 else end
        elif ch == "'" and not word:
            end = _single_quote_end(text, i)
        if end != -1:
            flush()
            phrase = _phrase(text[i + 1 : end])
            if phrase:
                tokens.append(phrase)
            i = end + 1
        elif ch.isspace():
            flush()
            i += 1
        else:
            word.append(ch)
            i += 1
    flush()
    return tokens

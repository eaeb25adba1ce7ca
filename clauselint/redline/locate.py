"""Which words of a quoted sentence to strike: the carve-out, the qualifier, the item, or all of it.

A `partial` prohibition is usually a good ban hollowed out by a few words: "except as permitted
by applicable law", "unlawful", "that breaches international humanitarian law". A reviewing
lawyer strikes those words and keeps the ban. These functions find them in the sentence text
using the rule's own phrase lists (the same lists that made the engine call the ban partial),
extended to the whole exception clause they belong to. When nothing can be pinned down the
caller strikes the whole sentence instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Words that open an exception: the carve-out runs from here to the end of its clause.
_EXCEPTION_OPENERS = ("except", "excepting", "save", "unless", "without", "other than", "otherwise than", "excluding",
                      "subject to", "provided that", "provided, however", "but only", "only if", "only where")
# Words that open a qualifier of the banned use ("military use that breaches ...").
_QUALIFIER_OPENERS = ("that", "which", "where", "when", "in breach of", "in violation of", "in contravention of",
                      "contrary to", "to the extent", "if")
_QUALIFIER_WINDOW = 6  # words between a qualifier's opener and the listed phrase
_WORD_QUALIFIER_WINDOW = 3  # ... when the phrase is one word ("that is unlawful")
_ITEM_LABEL = re.compile(r"(?:(?<=\s)|^)\((?:[a-z]{1,3}|[0-9]{1,2})\)\s")
_TRAILING = " \t,;:."


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of a sentence, and what they are ("exception", "qualifier", "item", "sentence")."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Phrases:
    """A rule's partial-making phrases: exceptions ("as permitted by law") and qualifiers ("unlawful")."""

    exceptions: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()


def rule_phrases(spec: dict[str, Any], reason: str | None) -> Phrases:
    """The phrases that make this rule's prohibition partial, for the reason the engine gave (else all)."""
    items = [item for item in spec.get("partial") or () if isinstance(item, dict)]
    chosen = [item for item in items if reason and item.get("reason") == reason] or items

    def collect(key: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(str(p) for item in chosen for p in item.get(key) or () if str(p).strip()))

    return Phrases(exceptions=collect("carve_out"), qualifiers=collect("near"))


def concept_phrases(spec: dict[str, Any]) -> tuple[str, ...]:
    concepts = spec.get("concepts") or {}
    return tuple(str(p) for group in concepts.values() for p in group or ())


def carve_out(sentence: str, phrases: Phrases) -> Span | None:
    """The first exception or qualifier clause in `sentence` that holds one of the rule's phrases.

    An exception runs from its opener ("except", "unless", "without" ...) anywhere earlier in the
    clause to the clause's end; a qualifier from a nearby opener ("that", "in breach of" ...) to
    the clause's end; a one-word qualifier ("unlawful") with no opener is struck on its own.
    """
    lower = sentence.lower()
    hits = [(start, end, "exception") for start, end in _occurrences(lower, phrases.exceptions)]
    hits += [(start, end, "qualifier") for start, end in _occurrences(lower, phrases.qualifiers)]
    for start, end, kind in sorted(hits):
        clause_start = _clause_start(lower, start)
        if kind == "exception":
            opener = _last_opener(lower, clause_start, start + 1, _EXCEPTION_OPENERS)
        else:
            single = " " not in lower[start:end]
            window = max(clause_start, _words_back(lower, start, _WORD_QUALIFIER_WINDOW if single else _QUALIFIER_WINDOW))
            opener = _last_opener(lower, window, start + 1, _QUALIFIER_OPENERS + _EXCEPTION_OPENERS)
            if opener is None and single:  # "unlawful", "illegal": strike the word and the space after it
                after = end + 1 if end < len(sentence) and sentence[end] == " " else end
                return Span(start, after, kind)
        if opener is not None:
            return Span(_absorb_left(sentence, opener), _clause_end(sentence, end), kind)
    return None


def offending_items(sentence: str, concepts: Sequence[str]) -> list[Span]:
    """Inline enumerated items "(a) ...; (b) ..." of the sentence that speak of the rule's concepts."""
    starts = [m.start() for m in _ITEM_LABEL.finditer(sentence)]
    if len(starts) < 2:
        return []
    lower = sentence.lower()
    spans = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(sentence)
        end = _item_end(sentence, start, end)
        if any(True for _ in _occurrences(lower[start:end], concepts)):
            spans.append(Span(start, end, "item"))
    return spans


def complete_ban(sentence: str, spec: dict[str, Any]) -> bool:
    """Does the sentence (its carve-out struck) still name the banned use in full, with nothing else narrowing it?

    It must name a concept from every group of one of the rule's `require_any` alternatives, and
    hold none of the rule's partial-making phrases: otherwise the library clause is added too.
    """
    lower = sentence.lower()
    phrases = rule_phrases(spec, None)
    if any(True for _ in _occurrences(lower, phrases.exceptions + phrases.qualifiers)):
        return False
    concepts = spec.get("concepts") or {}
    alternatives = spec.get("require_any") or [list(concepts)]
    return any(all(any(True for _ in _occurrences(lower, [str(p) for p in concepts.get(group) or ()])) for group in alternative)
               for alternative in alternatives)


def accepted_exception(suggestion: str, accepted: Iterable[str]) -> str | None:
    """The exception clause of the suggested language that the rule accepts ("unless ... by statute")."""
    lower = suggestion.lower()
    accepted = tuple(accepted)
    if not accepted:
        return None
    for start, _ in sorted(_occurrences(lower, _EXCEPTION_OPENERS)):
        end = _clause_end(suggestion, start)
        if any(True for _ in _occurrences(lower[start:end], accepted)):
            return suggestion[_absorb_left(suggestion, start):end]
    return None


def _occurrences(lower: str, phrases: Iterable[str]) -> Iterable[tuple[int, int]]:
    for phrase in phrases:
        pattern = r"(?<![\w-])" + re.escape(phrase.lower()) + r"(?![\w-])"
        for match in re.finditer(pattern, lower):
            yield match.start(), match.end()


def _clause_start(lower: str, position: int) -> int:
    """Where the clause holding `position` starts: after the last ';' or sentence end before it."""
    cut = max(lower.rfind(";", 0, position), lower.rfind(". ", 0, position), lower.rfind(":", 0, position))
    return cut + 1 if cut >= 0 else 0


def _clause_end(text: str, position: int) -> int:
    """The end of the clause holding `position`, before its closing punctuation."""
    cut = len(text)
    for mark in (";", ". "):
        found = text.find(mark, position)
        if found >= 0:
            cut = min(cut, found)
    while cut > position and text[cut - 1] in _TRAILING:
        cut -= 1
    return cut


def _last_opener(lower: str, start: int, end: int, openers: Sequence[str]) -> int | None:
    """The last opener word that starts inside [start, end)."""
    best = None
    for opener_start, _ in _occurrences(lower[start:end], openers):
        position = start + opener_start
        if best is None or position > best:
            best = position
    return best


def _words_back(lower: str, position: int, count: int) -> int:
    starts = [m.start() for m in re.finditer(r"\S+", lower[:position])]
    return starts[-count] if len(starts) >= count else 0


def _absorb_left(text: str, position: int) -> int:
    """Take the space (and a comma) before an opener with it, so no double space is left behind."""
    start = position
    while start > 0 and text[start - 1] == " ":
        start -= 1
    if start > 0 and text[start - 1] == ",":
        start -= 1
    return start if start < position else position


def _item_end(sentence: str, start: int, end: int) -> int:
    """An item runs to the next label; its trailing "; or" / "; and" stays with the list."""
    text = sentence[start:end].rstrip()
    for tail in ("; or", "; and", ", or", ", and", ";", ","):
        if text.endswith(tail):
            text = text[: -len(tail)]
            break
    return start + len(text)

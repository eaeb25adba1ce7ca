"""Printed clause numbers: split them off a paragraph and compose full citations like 7.2(b)(iv)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")

LABEL_AT_START = re.compile(
    r"""^(?P<label>
        (?:(?:ARTICLE|Article|SECTION|Section|CLAUSE|Clause|§)\s*(?:[0-9]{1,3}(?:\.[0-9]{1,3}){0,4}|[IVXLC]{1,6})\.?
           (?:\s*\((?:[a-z]{1,3}|[0-9]{1,2})\))*)
      | (?:[0-9]{1,3}[A-Z]?\.(?:[0-9]{1,3}[A-Z]?\.?){0,4}(?:\s?\((?:[a-z]{1,3}|[A-Z]|[0-9]{1,2})\))*)
      | (?:[0-9]{1,3}(?:\((?:[a-z]{1,3}|[0-9]{1,2})\))+)
      | (?:\((?:[a-z]{1,4}|[A-Z]{1,4}|[0-9]{1,2})\))
      | (?:[a-zA-Z][.)])
      | (?:[ivxlc]{2,5}[.)])
      | (?:[0-9]{1,2}\))
    )(?:\s+|(?=[“"']))""",
    re.VERBOSE,
)

_NUMERIC = re.compile(r"[0-9]{1,3}[A-Z]?(?:\.[0-9]{1,3}[A-Z]?)*")
_KEYWORD = re.compile(r"^(ARTICLE|Article|SECTION|Section|CLAUSE|Clause|§)\s*([0-9.]+|[IVXLC]+)")
_PARENS = re.compile(r"\(([A-Za-z0-9]{1,4})\)")


def split_label(text: str) -> tuple[str | None, str]:
    """Return (printed label, rest of the text); (None, text) when the paragraph is unnumbered."""
    match = LABEL_AT_START.match(text)
    if not match:
        return None, text
    rest = text[match.end():].lstrip()
    if not rest:
        return None, text
    return match.group("label").strip(), rest


def is_roman(token: str) -> bool:
    return bool(token) and bool(_ROMAN.match(token.lower()))


@dataclass(frozen=True)
class SectionState:
    """The numbering context while walking a document: numeric base and open sub-levels."""

    base: str | None = None
    base_depth: int = 0
    subs: tuple[tuple[str, str], ...] = ()  # (kind, value) from outer to inner

    def citation(self) -> str | None:
        inner = "".join(f"({value})" for _, value in self.subs)
        if self.base is None:
            return inner or None
        return self.base + inner

    @property
    def depth(self) -> float:
        return self.base_depth + len(self.subs)


def advance(state: SectionState, label: str) -> SectionState:
    """The numbering context after a paragraph printed with `label`."""
    keyword = _KEYWORD.match(label)
    if keyword:
        word, number = keyword.groups()
        number = number.rstrip(".")
        if word.lower() == "article" and not number[0].isdigit():
            state = SectionState(base=f"Article {number}", base_depth=1)
        else:
            state = SectionState(base=number, base_depth=number.count(".") + 1)
        label = label[keyword.end():].strip()
    else:
        numeric = _NUMERIC.match(label)
        if numeric:
            number = numeric.group(0).rstrip(".")
            state = SectionState(base=number, base_depth=number.count(".") + 1)
            label = label[numeric.end():].lstrip(".").strip()
    subs = [match for match in _PARENS.findall(label)]
    if not subs:
        bare = re.fullmatch(r"([A-Za-z]{1,5})[.)]", label)
        if bare:
            subs = [bare.group(1)]
    for value in subs:
        state = _push_sub(state, value)
    return state


def _push_sub(state: SectionState, value: str) -> SectionState:
    kind = _sub_kind(state, value)
    subs = list(state.subs)
    kinds = [k for k, _ in subs]
    if kind in kinds:
        subs = subs[: kinds.index(kind)]
    subs.append((kind, value))
    return SectionState(base=state.base, base_depth=state.base_depth, subs=tuple(subs))


def _sub_kind(state: SectionState, value: str) -> str:
    if value.isdigit():
        return "digit"
    lower = value.islower()
    if is_roman(value):
        alpha_kind = "alpha" if lower else "ALPHA"
        roman_kind = "roman" if lower else "ROMAN"
        current = dict(state.subs)
        previous_alpha = current.get(alpha_kind)
        gap = ord(value) - ord(previous_alpha[-1]) if len(value) == 1 and previous_alpha else 0
        if gap == 1 or (1 < gap <= 3 and roman_kind not in current):
            return alpha_kind  # '(c)' after '(a)': the next letter, one item struck out, not the Roman hundred
        if len(value) > 1 or value.lower() == "i" or roman_kind in current or previous_alpha:
            return roman_kind
        return alpha_kind
    return "alpha" if lower else "ALPHA"

"""The spaCy pipeline: spacy.blank("en") with a sentence splitter that knows legal drafting."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc

ABBREVIATIONS = frozenset(
    """inc ltd co corp llc plc llp l.p lp pty bv b.v n.v s.a sa ag gmbh no nos sec secs art arts cl cls sch para paras
    pp p e.g i.e etc viz cf vs v mr mrs ms dr st ave jr sr u.s u.k e.u u.s.a approx dept est fig ibid al
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri""".split()
)
_ENUMERATOR = re.compile(r"^(?:\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]?|\(?[a-zA-Z]{1,4}[.)])$")


@Language.component("legal_sentences")
def legal_sentences(doc: Doc) -> Doc:
    """Split after . ? ! unless the period ends an abbreviation, an initial or a clause number.

    Boundaries are decided on plain strings and written in one array call: setting
    `is_sent_start` token by token costs more than tokenising.
    """
    words = list(map(doc.vocab.strings.__getitem__, doc.to_array(ORTH).tolist())) if len(doc) else []
    starts = numpy.full(len(words), -1, dtype="int64")
    if len(words):
        starts[0] = 1
    for i in _boundaries(words):
        starts[i] = 1
    doc.from_array(["SENT_START"], starts.view("uint64"))
    return doc


def _boundaries(words: list[str]):
    """Indices of the tokens that start a new sentence."""
    count = len(words)
    # only a token that ends in "." (or is "?" or "!") can end a sentence: find those first
    ends = [i for i, word in enumerate(words) if word.endswith(".") or word == "?" or word == "!"]
    for i in ends:
        if i >= count - 1:
            return
        word = words[i]
        j = i + 1
        while j < count and words[j] in ('"', "”", "’", ")", "'"):
            j += 1
        if j >= count:
            return
        following = words[j]
        first = following[:1]
        if not (first.isupper() or first in "(“\"[" or first.isdigit()):
            continue
        stem = word.rstrip(".").lower() if word != "." else (words[i - 1].lower() if i else "")
        if word == "." and i and (stem in ABBREVIATIONS or (len(stem) == 1 and stem.isalpha())):
            continue
        if word != "." and (stem in ABBREVIATIONS or len(stem) == 1 or "." in stem):
            continue
        if word == "." and i and _ENUMERATOR.match(words[i - 1] + ".") and (i < 2 or words[i - 2] in (";", ":", "(", "\n")):
            continue
        yield j


@lru_cache(maxsize=2)
def get_nlp(model: str | None = None) -> Language:
    """Built once per process; a trained pipeline is used only when the user names one."""
    nlp = spacy.load(model) if model else spacy.blank("en")
    if "legal_sentences" not in nlp.pipe_names:
        nlp.add_pipe("legal_sentences", before="parser" if "parser" in nlp.pipe_names else None)
    return nlp

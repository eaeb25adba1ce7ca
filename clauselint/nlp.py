"""The spaCy pipeline: spacy.blank("en") with a sentence splitter that knows legal drafting."""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
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
    """Split after . ? ! unless the period ends an abbreviation, an initial or a clause number."""
    for token in doc:
        token.is_sent_start = token.i == 0
    for i, token in enumerate(doc[:-1]):
        if token.text not in (".", "?", "!") and not (token.text.endswith(".") and len(token.text) > 1):
            continue
        following = doc[i + 1]
        j = i + 1
        while j < len(doc) and doc[j].text in ('"', "”", "’", ")", "'"):
            j += 1
        if j >= len(doc):
            break
        following = doc[j]
        if not (following.text[:1].isupper() or following.text[:1] in "(“\"[" or following.text[:1].isdigit()):
            continue
        word = token.text.rstrip(".").lower() if token.text != "." else (doc[i - 1].text.lower() if i else "")
        if token.text == "." and i and (word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        if token.text != "." and (word in ABBREVIATIONS or len(word) == 1 or "." in word):
            continue
        if token.text == "." and i and _ENUMERATOR.match(doc[i - 1].text + "."):
            if i < 2 or doc[i - 2].text in (";", ":", "(", "\n"):
                continue
        following.is_sent_start = True
    return doc


@lru_cache(maxsize=2)
def get_nlp(model: str | None = None) -> Language:
    """Built once per process; a trained pipeline is used only when the user names one."""
    nlp = spacy.load(model) if model else spacy.blank("en")
    if "legal_sentences" not in nlp.pipe_names:
        nlp.add_pipe("legal_sentences", before="parser" if "parser" in nlp.pipe_names else None)
    return nlp

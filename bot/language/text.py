"""Plain-text primitives shared by every part of the analysis: paragraphs, sentences (with
character offsets into the cleaned text), words and the normal form used for matching.

Sentence splitting is rule-based and cheap so that ingest can run it on every archived article
without spaCy; the same splitter serves new and archived articles, so their sentences align.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

WORD_RE = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*", re.UNICODE)

# Abbreviations after which a period does not end a sentence.
_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "mt",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "cmdr",
    "sgt",
    "adm",
    "gov",
    "sen",
    "rep",
    "rev",
    "hon",
    "pres",
    "sec",
    "atty",
    "supt",
    "insp",
    "det",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "no",
    "nos",
    "vol",
    "fig",
    "approx",
    "est",
    "inc",
    "ltd",
    "co",
    "corp",
    "bros",
    "dept",
    "univ",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "cf",
    "al",
    "ft",
    "mi",
    "km",
    "p",
    "pp",
    "ave",
    "blvd",
    "rd",
}
# A sentence end: terminal punctuation, optional closing quotes/brackets, then whitespace.
_END_RE = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+)")
_NEXT_START_RE = re.compile(r"\s+[\"'“‘«(\[]*[A-Z0-9À-Ý]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    para: int = 0


def paragraphs(text: str) -> list[Span]:
    """Paragraphs of a cleaned text (separated by blank lines, or by single newlines)."""
    spans = []
    for i, m in enumerate(re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text)):
        raw = m.group(0)
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if body:
            start = m.start() + lead
            spans.append(Span(start, start + len(body), body, i))
    return [Span(s.start, s.end, s.text, i) for i, s in enumerate(spans)]


_LAST_WORD_RE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_ACRONYM_WORD_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at `dot` closes an abbreviation or an initial."""
    m = _LAST_WORD_RE.search(text, max(0, dot - 40), dot)
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith"
    if _ACRONYM_WORD_RE.fullmatch(word):
        return True  # U.S. / e.g.
    return word.lower().rstrip(".") in _ABBREV


def sentences(text: str) -> list[Span]:
    """Sentences with offsets into `text`, paragraph by paragraph."""
    out: list[Span] = []
    for para in paragraphs(text):
        body, base = para.text, para.start
        start = 0
        for m in _END_RE.finditer(body):
            end = m.end()
            if not _NEXT_START_RE.match(body, end):
                continue
            if m.group(0).startswith(".") and len(m.group(0)) == 1 and _is_abbreviation(body, m.start()):
                continue
            piece = body[start:end]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append(Span(base + start + lead, base + end, piece.strip(), para.para))
            start = end
        piece = body[start:]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append(Span(base + start + lead, base + start + lead + len(piece.strip()), piece.strip(), para.para))
    return out


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text))


_QUOTES = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "\u00a0": " "}
)


def fold(text: str) -> str:
    """Typographic folding: straight quotes and dashes, NFKC."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


def normalize(text: str) -> str:
    """The matching form of a text: folded, lower-case, acronym dots dropped (U.S. -> us),
    punctuation removed, single spaces."""
    t = fold(text).lower()
    if "." in t:
        t = _ACRONYM_RE.sub(lambda m: m.group(1).replace(".", ""), t)
    t = _DIGIT_SEP_RE.sub("", t)  # 1,000 -> 1000 (numbers keep their digits)
    return " ".join(_PUNCT_RE.sub(" ", t).split())


_ACRONYM_RE = re.compile(r"\b((?:[a-z]\.){2,})")
_DIGIT_SEP_RE = re.compile(r"(?<=\d)[,.](?=\d)")
_PUNCT_RE = re.compile(r"[^\w\s]")


def text_hash(text: str) -> str:
    return hash_normal(normalize(text))


def hash_normal(normal: str) -> str:
    """The text hash of a text's normal form (normalize): also the normal forms of its sentences,
    the empty ones left out, joined by spaces (normalisation never reaches across a sentence's end)."""
    return hashlib.sha1(normal.encode("utf-8")).hexdigest()

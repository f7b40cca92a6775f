"""A parsed article: the cleaned text, its sentences (offsets into the text) and one spaCy Doc
per sentence. Parsing is the expensive step; everything derived from it is cached per article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from copydesk.bot.language import text as textmod
from copydesk.bot.language.nlp import PIPE_LOCK
from copydesk.bot.language.text import Span


@dataclass
class Parsed:
    text: str
    sentences: list[Span]
    docs: list  # spacy.tokens.Doc, one per sentence, same order


def parse(text: str, nlp, sentences: list[Span] | None = None) -> Parsed:
    sents = sentences if sentences is not None else textmod.sentences(text)
    with PIPE_LOCK:
        docs = list(nlp.pipe((s.text for s in sents), batch_size=64))
    return Parsed(text, sents, docs)


def parse_many(texts: Iterable[str], nlp) -> list[Parsed]:
    """Parse several texts in one nlp.pipe stream (faster than one call per text)."""
    texts = list(texts)
    split = [textmod.sentences(t) for t in texts]
    flat = [s.text for sents in split for s in sents]
    with PIPE_LOCK:
        docs = list(nlp.pipe(flat, batch_size=64))
    out, k = [], 0
    for t, sents in zip(texts, split):
        out.append(Parsed(t, sents, docs[k:k + len(sents)]))
        k += len(sents)
    return out

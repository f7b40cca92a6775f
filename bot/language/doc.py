"""A parsed article: the cleaned text, its sentences (offsets into the text) and one spaCy Doc
per sentence. Parsing is the expensive step; everything derived from it is cached per article.

An article is always parsed in a stream of its own sentences only: its features never depend on
which other articles were parsed with it (the cache holds what a fresh parse gives)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
    """Parse several texts, each exactly as `parse` would alone."""
    return [parse(t, nlp) for t in texts]

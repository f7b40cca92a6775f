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
    title: object | None = None  # the headline's Doc, when a headline was parsed with the text


def parse(text: str, nlp, sentences: list[Span] | None = None, title: str | None = None) -> Parsed:
    """Parse an article's sentences, and its headline (`title`, not part of the text) in the same
    stream (its Doc in `title`, None without a headline): one pass through the pipeline instead of
    a second one for a few words, whose fixed cost was as large as all of the article's extraction."""
    sents = sentences if sentences is not None else textmod.sentences(text)
    title = (title or "").strip()
    extra = [title] if title else []
    with PIPE_LOCK:
        docs = list(nlp.pipe([*(s.text for s in sents), *extra], batch_size=64))
    head = docs.pop() if extra else None
    return Parsed(text, sents, docs, head)


def parse_many(texts: Iterable[str], nlp, titles: Iterable[str | None] | None = None) -> list[Parsed]:
    """Parse several texts (with their headlines, when given), each exactly as `parse` would alone."""
    texts = list(texts)
    heads = list(titles) if titles is not None else [None] * len(texts)
    return [parse(t, nlp, title=h) for t, h in zip(texts, heads, strict=True)]

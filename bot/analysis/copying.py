"""Copied passages: sentences of a new article that reuse an earlier article's wording, verbatim or
lightly edited (a changed word, a reordered clause, an added attribution), outside quotations of a
third party. Neighbouring copied sentences from the same source merge into one passage."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from copydesk.bot.language.text import Span, normalize, word_count

COPY_THRESHOLD = 85.0  # similarity (0-100) from which a sentence counts as copied
TOP = 8  # candidate sentences per new sentence refined with the full similarity
MIN_WORDS = 6  # shorter sentences (after removing quotations) are too generic to call copied


@dataclass
class Match:
    sentence: int  # index in the new article
    article: int  # position of the source in the list of earlier articles
    source_sentence: int
    score: float  # 0..100


def masked(text: str, span: Span, quotes: list[tuple[int, int]]) -> str:
    """The sentence with third-party quotations (of three words or more) cut out, normalised."""
    pieces, pos = [], span.start
    for qs, qe in quotes:
        if qe <= span.start or qs >= span.end or word_count(text[qs:qe]) < 3:
            continue
        pieces.append(text[pos:max(pos, qs)])
        pos = max(pos, qe)
    pieces.append(text[pos:span.end])
    return normalize(" ".join(pieces))


def similarity(a: str, b: str) -> float:
    """Wording similarity of two normalised sentences, 0-100, tolerant of light edits."""
    if a == b:
        return 100.0
    score = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    wa, wb = len(a.split()), len(b.split())
    if min(wa, wb) >= 8 and min(wa, wb) / max(wa, wb) >= 0.6:
        # an added or dropped clause (", the ministry said") leaves one sentence inside the other
        score = max(score, 0.97 * fuzz.partial_ratio(a, b) if min(len(a), len(b)) >= 40 else 0.0)
    return score


def find(new_text: str, new_sents: list[Span], new_quotes, earlier: list[tuple[str, list[Span], list]], *,
         threshold: float = COPY_THRESHOLD, min_words: int = MIN_WORDS) -> list[Match]:
    """Best copy match per new sentence. `earlier` is [(text, sentences, quote spans)] per source.
    `threshold`: the similarity (0-100) from which a sentence counts as copied; `min_words`: shorter
    sentences (quotations left out) never do (a workspace's settings may change both)."""
    queries = [masked(new_text, s, new_quotes) for s in new_sents]
    # a sentence that is mostly a quotation is an attribution frame around someone else's words
    queries = [q if len(q.split()) >= 0.4 * word_count(s.text) else "" for q, s in zip(queries, new_sents)]
    choices, owners = [], []
    for a, (text, sents, quotes) in enumerate(earlier):
        for j, s in enumerate(sents):
            m = masked(text, s, quotes)
            if len(m.split()) >= min_words:
                choices.append(m)
                owners.append((a, j))
    if not choices:
        return []
    # token_set_ratio as the cheap first pass: it keeps reordered and extended sentences in play
    matrix = process.cdist(queries, choices, scorer=fuzz.token_set_ratio, score_cutoff=70, workers=-1)
    out = []
    for i, q in enumerate(queries):
        if len(q.split()) < min_words:
            continue
        row = matrix[i]
        hits = row.nonzero()[0]
        if len(hits) > TOP:
            hits = hits[row[hits].argsort()[::-1][:TOP]]
        best: list[Match] = []
        for k in hits:
            score = similarity(q, choices[k])
            if score >= threshold:
                a, j = owners[k]
                best.append(Match(i, a, j, score))
        out.extend(best)
    return out

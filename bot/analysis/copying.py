"""Copied passages: sentences of a new article that reuse an earlier article's wording, verbatim or
lightly edited (a changed word, a reordered clause, an added attribution, a dropped phrase),
outside quotations of a third party.

Each new sentence is compared with the *stretch* of an earlier article that it aligns with best,
not only with whole earlier sentences: a sentence split in two matches a part of the earlier one,
two sentences merged into one match a stretch over two earlier sentences, and a sentence with an
insert (a dateline, a ticker, a conversion in brackets, a title before a name) matches the earlier
sentence it contains. Neighbouring copied sentences whose sources follow each other in one earlier
article merge into one passage, so a whole reprinted article comes out as one passage.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from copydesk.bot.language.text import WORD_RE, Span, normalize, word_count

COPY_THRESHOLD = 85.0  # similarity (0-100) of a sentence and its aligned source stretch to call it copied
TOP = 8  # candidate stretches per new sentence refined with the alignment
MIN_WORDS = 6  # shorter sentences (after removing quotations) are too generic to call copied
QUOTE_MIN_WORDS = 3  # quotations of a third party this long are cut out before comparing
FRAME_SHARE = 0.4  # a sentence with less than this share of its words outside quotations is a frame
GAP = 8  # aligned runs further apart than this many words belong to different stretches
PASSAGE_GAP_WORDS = 3  # source words allowed between two sentences' stretches of one passage
NEAR_BEST = 3.0  # matches this close to the best one are equally good; the earliest source wins
FRAGMENT_MIN_WORDS = 10  # a sentence matching a part of an earlier sentence needs this many words
PART_MIN_WORDS = 15  # a copied stretch (not a whole earlier sentence) inside a longer sentence of its own
PART_THRESHOLD = 90.0  # ... and from this similarity, within one sentence of the source
PART_MIN_SHARE = 0.6  # ... when it is most of the sentence
PASSAGE_MIN = 80.0  # a passage, quotations included, must stay at least this similar to its source

# A stock ticker inserted by a wire ("Apple ( AAPL )", "(NASDAQ: NVDA)", "Nvidia NVDA.O", "<MSFT.O>"):
# harmless, so never part of the compared wording.
_TICKER_RE = re.compile(r"[(<]\s*(?:[A-Z]{2,10}\s*:\s*)?[A-Z]{1,5}(?:\.[A-Z]{1,2})?\s*[)>]|\b[A-Z]{1,5}\.[A-Z]{1,2}\b")


@dataclass
class Match:
    sentence: int  # index in the new article
    article: int  # position of the source in the list of earlier articles
    source_sentence: int  # first source sentence of the aligned stretch
    score: float  # 0..100
    source_start: int = 0  # the aligned stretch, offsets into the source text
    source_end: int = 0
    start: int | None = None  # the copied part of the sentence when it is not the whole sentence
    end: int | None = None
    covered: float = 1.0  # share of the sentence's compared words in the copied part

    @property
    def value(self) -> float:
        return self.score * self.covered


@dataclass
class _Tokens:
    """The compared words of one sentence (normal form) with their offsets in the raw text."""

    words: list[str]
    starts: list[int]
    ends: list[int]
    sentences: list[int]  # the sentence each word belongs to
    total: int  # words of the sentence, quotations included

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def __add__(self, other: _Tokens) -> _Tokens:
        return _Tokens(
            self.words + other.words,
            self.starts + other.starts,
            self.ends + other.ends,
            self.sentences + other.sentences,
            self.total + other.total,
        )


def _inside(pos: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    k = bisect.bisect_right(starts, pos) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def tokens(text: str, span: Span, quotes: list[tuple[int, int]], index: int = 0) -> _Tokens:
    """The sentence's words outside third-party quotations (of three words or more) and tickers."""
    cut = [
        (qs, qe)
        for qs, qe in quotes
        if qe > span.start and qs < span.end and word_count(text[qs:qe]) >= QUOTE_MIN_WORDS
    ]
    cut += [(m.start(), m.end()) for m in _TICKER_RE.finditer(text, span.start, span.end)]
    cut.sort()
    starts = [s for s, _ in cut]
    out = _Tokens([], [], [], [], 0)
    for m in WORD_RE.finditer(text, span.start, span.end):
        out.total += 1
        if cut and _inside(m.start(), cut, starts):
            continue
        word = m.group()
        for w in (word.lower(),) if word.isascii() and word.isalnum() else normalize(word).split():
            out.words.append(w)
            out.starts.append(m.start())
            out.ends.append(m.end())
            out.sentences.append(index)
    return out


def similarity(a: str, b: str) -> float:
    """Wording similarity of two normalised texts, 0-100, tolerant of light edits."""
    if a == b:
        return 100.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def _stretch(q: _Tokens, c: _Tokens) -> tuple[int, int, int, int] | None:
    """The stretches of `q` and `c` (word indices [qlo, qhi), [clo, chi)) that align: the cluster
    of aligned runs with the most words, runs no more than GAP words apart counting as one, without
    the lone words at its edges that only chance aligned."""
    clusters: list[list[tuple[int, int, int]]] = []  # runs (q start, c start, length)
    for op in Indel.opcodes(q.words, c.words):
        if op.tag != "equal":
            continue
        run = (op.src_start, op.dest_start, op.src_end - op.src_start)
        last = clusters[-1][-1] if clusters else None
        if last and run[0] - (last[0] + last[2]) <= GAP and run[1] - (last[1] + last[2]) <= GAP:
            clusters[-1].append(run)
        else:
            clusters.append([run])
    if not clusters:
        return None
    runs = max(clusters, key=lambda rs: sum(r[2] for r in rs))
    while len(runs) > 1 and runs[-1][2] == 1:
        runs = runs[:-1]
    while len(runs) > 1 and runs[0][2] == 1:
        runs = runs[1:]
    return runs[0][0], runs[-1][0] + runs[-1][2], runs[0][1], runs[-1][1] + runs[-1][2]


def _score(q: _Tokens, c: _Tokens, threshold: float = COPY_THRESHOLD) -> tuple[float, int, int, int, int] | None:
    """How the sentence `q` reuses `c`: (similarity, qlo, qhi, clo, chi). The whole sentence
    against the stretch of `c` it aligns with when that is similar enough; else, for a sentence
    that carries a long copied stretch and adds its own words, that stretch alone."""
    if q.words == c.words:
        return 100.0, 0, len(q.words), 0, len(c.words)
    span = _stretch(q, c)
    if span is None:
        return None
    qlo, qhi, clo, chi = span
    theirs = " ".join(c.words[clo:chi])
    whole = similarity(q.text, theirs)
    if (clo, chi) != (0, len(c.words)):
        everything = similarity(q.text, c.text)
        if everything > whole:
            whole, clo, chi, theirs = everything, 0, len(c.words), c.text
    whole_source = _whole_sentences(c, clo, chi)
    if len(q.words) < FRAGMENT_MIN_WORDS and not whole_source:
        return None  # a short sentence that is only a clause of a longer one: too generic
    if whole >= threshold:
        return whole, 0, len(q.words), clo, chi
    # the sentence adds words of its own to a copied stretch: an earlier sentence whole, or a long
    # stretch of one, making up most of this sentence
    n = qhi - qlo
    if (
        c.sentences[clo] != c.sentences[chi - 1]
        or n < PART_MIN_SHARE * len(q.words)
        or n < (FRAGMENT_MIN_WORDS if whole_source else PART_MIN_WORDS)
    ):
        return None
    part = similarity(" ".join(q.words[qlo:qhi]), theirs)
    return (part, qlo, qhi, clo, chi) if part >= PART_THRESHOLD else None


def _whole_sentences(c: _Tokens, lo: int, hi: int, slack: int = 2) -> bool:
    """The stretch [lo, hi) of `c` spans whole sentences (give or take `slack` words at each end)."""
    first, last = c.sentences[lo], c.sentences[hi - 1]
    before = sum(1 for k in range(lo) if c.sentences[k] == first)
    after = sum(1 for k in range(hi, len(c.words)) if c.sentences[k] == last)
    return before <= slack and after <= slack


def sentence_tokens(text: str, sents: list[Span], quotes: list[tuple[int, int]]) -> list[_Tokens]:
    """The compared words of each sentence of an article (what `find` compares of a source; the
    engine keeps them with an archived article's features, so a warm analysis does not redo them)."""
    return [tokens(text, s, quotes, j) for j, s in enumerate(sents)]


def find(
    new_text: str,
    new_sents: list[Span],
    new_quotes,
    earlier: list[tuple[str, list[Span], list]],
    *,
    threshold: float = COPY_THRESHOLD,
    min_words: int = MIN_WORDS,
    earlier_tokens: list[list[_Tokens]] | None = None,
) -> list[Match]:
    """Copy matches of the new sentences (several per sentence: one per source stretch that is
    similar enough). `earlier` is [(text, sentences, quote spans)] per source. `threshold`: the
    similarity (0-100) from which a sentence counts as copied; `min_words`: shorter sentences
    (quotations left out) never do (a workspace's settings may change both).

    A cheap first pass (token_set_ratio over whole earlier sentences, which keeps reordered,
    extended and shortened sentences in play, and scores an earlier sentence contained in a merged
    one at 100) picks candidate sentences; each is then aligned alone and with either neighbour
    (two sentences merged into one). `earlier_tokens`: each source's sentence_tokens, when known."""
    queries = sentence_tokens(new_text, new_sents, new_quotes)
    source_tokens = earlier_tokens or [sentence_tokens(text, sents, quotes) for text, sents, quotes in earlier]
    owners = [(a, j) for a, toks in enumerate(source_tokens) for j, t in enumerate(toks) if len(t.words) >= min_words]
    if not owners:
        return []
    usable = [len(q.words) >= min_words and len(q.words) >= FRAME_SHARE * q.total for q in queries]
    matrix = process.cdist(
        [q.text if ok else "" for q, ok in zip(queries, usable, strict=True)],
        [source_tokens[a][j].text for a, j in owners],
        scorer=fuzz.token_set_ratio,
        score_cutoff=70,
        workers=-1,
    )
    out = []
    for i, q in enumerate(queries):
        if not usable[i]:
            continue
        row = matrix[i]
        hits = row.nonzero()[0]
        if len(hits) > TOP:
            hits = hits[row[hits].argsort(kind="stable")[::-1][:TOP]]
        seen = set()
        for k in sorted(hits):
            a, j = owners[k]
            toks = source_tokens[a]
            windows = [toks[j]]
            if j > 0 and toks[j - 1].words:
                windows.append(toks[j - 1] + toks[j])
            if j + 1 < len(toks) and toks[j + 1].words:
                windows.append(toks[j] + toks[j + 1])
            for c in windows:
                m = _match(i, q, a, c, new_text, new_sents, earlier[a], threshold)
                if m is not None and (a, m.source_start, m.source_end, m.start, m.end) not in seen:
                    seen.add((a, m.source_start, m.source_end, m.start, m.end))
                    out.append(m)
    return out


def _match(
    i: int,
    q: _Tokens,
    a: int,
    c: _Tokens,
    new_text: str,
    new_sents: list[Span],
    source,
    threshold: float = COPY_THRESHOLD,
) -> Match | None:
    scored = _score(q, c, threshold)
    if scored is None or scored[0] < threshold:
        return None
    score, qlo, qhi, lo, hi = scored
    text, sents, _ = source
    first, last = c.sentences[lo], c.sentences[hi - 1]
    # a stretch from a sentence's first compared word (or to its last) takes in what the sentence
    # has before (after) it: an opening or closing quotation
    s0 = sents[first].start if lo == 0 or c.sentences[lo - 1] != first else c.starts[lo]
    s1 = sents[last].end if hi == len(c.words) or c.sentences[hi] != last else extend_end(text, c.ends[hi - 1])
    m = Match(i, a, first, score, s0, s1)
    if qhi - qlo < len(q.words):
        m.start = new_sents[i].start if qlo == 0 else q.starts[qlo]
        m.end = new_sents[i].end if qhi == len(q.words) else extend_end(new_text, q.ends[qhi - 1])
        m.covered = (qhi - qlo) / len(q.words)
    mine = new_text[new_sents[i].start if m.start is None else m.start : new_sents[i].end if m.end is None else m.end]
    if similarity(normalize(mine), normalize(text[m.source_start : m.source_end])) < PASSAGE_MIN:
        return None  # with its quotations the passage no longer reads like its source
    return m


def passages(matches: list[Match], earliest, new_sents: list[Span], source_texts: list[str]) -> list[list[Match]]:
    """The best match per sentence (the earliest source among the near-best: `earliest(list of
    article positions) -> position`), neighbouring sentences merged into passages when their
    stretches follow each other in the same source."""
    by_sentence: dict[int, list[Match]] = {}
    for m in matches:
        by_sentence.setdefault(m.sentence, []).append(m)
    best: dict[int, Match] = {}
    for i, ms in by_sentence.items():
        top = max(m.value for m in ms)
        near = [m for m in ms if m.value >= top - NEAR_BEST]
        art = earliest(sorted({m.article for m in near}))
        best[i] = max((m for m in near if m.article == art), key=lambda m: (m.value, -m.source_start))
    groups: list[list[Match]] = []
    for i in sorted(best):
        m = best[i]
        if groups and _follows(groups[-1][-1], m, new_sents, source_texts):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _follows(prev: Match, m: Match, new_sents: list[Span], source_texts: list[str]) -> bool:
    """`m` continues the passage that ends with `prev`: the next sentence, copied from the same
    source right after prev's stretch, with no words of their own between them."""
    if prev.sentence != m.sentence - 1 or prev.article != m.article or m.source_start < prev.source_start:
        return False
    if (prev.end is not None and prev.end < new_sents[prev.sentence].end) or (
        m.start is not None and m.start > new_sents[m.sentence].start
    ):
        return False
    gap = source_texts[m.article][prev.source_end : m.source_start]
    return m.source_start <= prev.source_end or word_count(gap) <= PASSAGE_GAP_WORDS


_CLOSING_RE = re.compile(r"[^\w\s]*")


def extend_end(text: str, end: int) -> int:
    """`end` moved past the punctuation and closing quotes that follow the last word."""
    found = _CLOSING_RE.match(text, end)
    return found.end() if found else end

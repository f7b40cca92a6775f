"""Attributions assembled: every quote tied to its cue (in its own sentences, by the parse or by
adjacency, else carried from the previous cue of the paragraph), and reported clauses that are not
quotes, as `Attribution`s in text order."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from copydesk.bot.language.attributions.cues import _Cue, _find_cues, _root_subject, _subject
from copydesk.bot.language.attributions.keys import speaker_key
from copydesk.bot.language.attributions.quotes import _DQ_ALL
from copydesk.bot.language.attributions.speakers import _Article, _Speaker
from copydesk.bot.language.attributions.words import CLAUSE_ONLY_LEMMAS
from copydesk.bot.language.text import paragraphs

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Token

    from copydesk.bot.language.doc import Parsed

#: Share of a reported clause that must be quoted for it to count as a plain direct quote (below
#: it, the clause is also reported as indirect speech next to the partial quote).
QUOTED_CLAUSE_SHARE = 0.6


@dataclass
class Attribution:
    """One speaker's words: a direct quote (`quotes` holds the quoted spans) or reported speech."""

    speaker: str
    speaker_key: str
    cue: str
    content: str
    direct: bool
    start: int
    end: int
    sentence: int
    quotes: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "speaker": self.speaker,
            "speaker_key": self.speaker_key,
            "cue": self.cue,
            "content": self.content,
            "direct": self.direct,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "quotes": [[s, e] for s, e in self.quotes],
        }

    @classmethod
    def from_dict(cls, d: dict) -> Attribution:
        return cls(
            speaker=d["speaker"],
            speaker_key=d.get("speaker_key", ""),
            cue=d["cue"],
            content=d["content"],
            direct=bool(d["direct"]),
            start=int(d["start"]),
            end=int(d["end"]),
            sentence=int(d.get("sentence", 0)),
            quotes=[(int(s), int(e)) for s, e in d.get("quotes", [])],
        )


def _overlaps(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _link_rank(art: _Article, cue: _Cue, chain: list[tuple[int, int]]) -> int | None:
    """How a cue and a quote in the same sentences belong together: 0 the quote is (in) its
    reported clause, 1 the parse links them, 2 they are adjacent; None when unrelated."""
    if cue.region and _overlaps(cue.region, chain):
        return 0
    if cue.token.lemma_.lower() in CLAUSE_ONLY_LEMMAS:
        return None
    doc = art.docs[cue.sent]
    base = art.sents[cue.sent].start
    tok = cue.token
    lo_abs, hi_abs = chain[0][0], chain[-1][1]
    inside = [t for t in doc if lo_abs <= base + t.idx < hi_abs and art.in_quote(base + t.idx)]
    for t in inside:
        if t.head.i == tok.i and not t.is_punct and t.dep_ not in ("nsubj", "nsubjpass"):
            return 1
    if tok.head.i != tok.i and tok.head in inside and tok.dep_ in ("parataxis", "ccomp", "conj", "advcl", "dep"):
        return 1
    if cue.quote_only and cue.cue != "call" and any(_governed(t, tok) for t in inside if not t.is_punct):
        return 1  # "described the result as the country's “independence day”"
    # adjacency: only the cue's own phrase and punctuation between the quote and the cue
    plo, phi = cue.phrase
    first_in = next((t.i for t in doc if base + t.idx >= lo_abs), None)
    last_in = max((t.i for t in doc if base + t.idx < hi_abs), default=None)
    if last_in is not None and last_in < plo:
        between = doc[last_in + 1 : plo]
    elif first_in is not None and first_in > phi:
        between = doc[phi + 1 : first_in]
    else:
        return None
    if all(t.is_punct or t.text in _DQ_ALL for t in between):
        return 2
    return None


def _governed(t: Token, verb: Token) -> bool:
    """Whether `verb` governs token t within its own clause (no other clause with a subject between)."""
    cur = t
    for _ in range(12):
        if cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.i == verb.i:
            return True
        if cur.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass") for c in cur.children):
            return False
    return False


def _quote_dominant(art: _Article, chain: list[tuple[int, int]]) -> bool:
    """The quote opens its sentence and its sentences hold no verb outside it."""
    first, last = art.sent_of(chain[0][0]), art.sent_of(chain[-1][1] - 1)
    if art.text[art.sents[first].start : chain[0][0]].strip(" " + _DQ_ALL + "‘'(—–-"):
        return False
    for i in range(first, last + 1):
        for t in art.docs[i]:
            if t.pos_ in ("VERB", "AUX") and not art.tok_in_quote(i, t):
                return False
    return True


def _across_paragraphs(art: _Article, cues: list[_Cue], first: int, start_para: int) -> list[_Cue]:
    """The cue a quotation paragraph continues when the paragraphs before it hold no speaker: a
    speaker's quotes resumed after a paragraph of figures ("…," X said. / There are now 118,000
    cases. / "We have called every day …"), or a pull quote opening the article, spoken by the
    first speaker of the next paragraph."""
    spoken = [c for c in cues if c.speaker is not None and c.speaker.kind in ("person", "name")]
    earlier = [c for c in spoken if c.sent < first and 0 < start_para - art.sents[c.sent].para <= CARRY_PARAGRAPHS]
    if earlier:
        last = max(earlier, key=lambda c: c.pos)
        lo = art.sents[last.sent].para
        between = [m for m in art.mentions if lo < m.para < start_para and m.speaker.kind in ("person", "name")]
        quoted = [ch for ch in art.chains if lo < art.sents[art.sent_of(ch[0][0])].para < start_para]
        return [last] if not between and not quoted else []
    if start_para == 0 and not any(c.sent < first for c in cues):
        nxt = [c for c in spoken if art.sents[c.sent].para == 1]
        if nxt:
            return [min(nxt, key=lambda c: c.pos)]
    return []


def _assign(art: _Article, cues: list[_Cue]) -> list[tuple[_Cue, list[int], bool]]:
    """Ties every quote chain to a cue. Returns (cue, chains, carried) groups: chains tied within
    their sentences join one attribution (split quotes); carried chains stand alone."""
    by_sent: dict[int, list[_Cue]] = {}
    for c in cues:
        by_sent.setdefault(c.sent, []).append(c)
    carried: list[tuple[_Cue, list[int], bool]] = []
    for ci, chain in enumerate(art.chains):
        first, last = art.sent_of(chain[0][0]), art.sent_of(chain[-1][1] - 1)
        linked: list[tuple[int, int, _Cue]] = []
        for s in range(first, last + 1):
            for cue in by_sent.get(s, ()):
                if cue.speaker is None:
                    continue
                rank = _link_rank(art, cue, chain)
                if rank is not None:
                    linked.append((rank, min(abs(cue.pos - chain[0][0]), abs(cue.pos - chain[-1][1])), cue))
        # a cue reporting another cue that is itself linked to the quote yields to it:
        # "Police said the driver told officers: "…"" — the quote is the driver's
        inner = [
            x for x in linked if not any(y is not x and any(s <= y[2].pos < e for s, e in x[2].region) for y in linked)
        ]
        if inner or linked:
            min(inner or linked, key=lambda x: x[:2])[2].chains.append(ci)
            continue
        para = art.sents[last].para
        nxt = last + 1
        tail = art.text[chain[-1][1] : art.sents[last].end].strip(" " + _DQ_ALL + ".,!?…’'")
        if not tail and nxt < len(art.sents) and art.sents[nxt].para == para:
            # "…" That was how the minister put it.
            options = [c for c in by_sent.get(nxt, ()) if c.speaker and not c.region and not c.chains]
            if options:
                options[0].chains.append(ci)
                continue
        if not _quote_dominant(art, chain):
            continue
        # carried: "X said in a statement. "…"" — the latest cue before it in the paragraph, or at
        # the end of the previous paragraph when the quote opens its paragraph
        start_para = art.sents[first].para
        prior = [c for c in cues if c.sent < first and c.speaker is not None and art.sents[c.sent].para == start_para]
        if not prior and first > 0 and art.sents[first - 1].para == start_para - 1:
            prior = [c for c in cues if c.sent == first - 1 and c.speaker is not None]
        if not prior:
            prior = _across_paragraphs(art, cues, first, start_para)
        if prior:
            carried.append((max(prior, key=lambda c: c.pos), [ci], True))
    groups = [(c, c.chains, False) for c in cues if c.chains]
    return groups + carried


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------

_EDGE_PUNCT = " ,;:—–-"
#: How many paragraphs back a quotation paragraph may find the cue it continues.
CARRY_PARAGRAPHS = 2


def _clean_content(text: str) -> str:
    """Single-spaced, without edge commas, colons or dashes (a quote's final stop stays)."""
    return re.sub(r"\s+", " ", text).strip().strip(_EDGE_PUNCT)


def _trim_region(text: str, s: int, e: int) -> tuple[int, int]:
    """A region without edge spaces/punctuation and without an unbalanced edge quote mark."""
    while True:
        s0, e0 = s, e
        while s < e and (text[s].isspace() or text[s] in _EDGE_PUNCT):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in _EDGE_PUNCT + "."):
            e -= 1
        if s < e and text[s] in _DQ_ALL + "‘" and sum(text[s:e].count(c) for c in _DQ_ALL) % 2:
            s += 1
        if s < e and text[e - 1] in _DQ_ALL + "’" and sum(text[s:e].count(c) for c in _DQ_ALL) % 2:
            e -= 1
        if (s, e) == (s0, e0):
            return s, e


def _visible(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace() and ch not in _DQ_ALL)


def _quoted_share(art: _Article, region: list[tuple[int, int]]) -> float:
    """Share of a region's characters (spaces and marks aside) that lie inside quotes."""
    total = quoted = 0
    for s, e in region:
        total += _visible(art.text[s:e])
        k = max(0, bisect.bisect_right(art.part_starts, s) - 1)
        while k < len(art.parts) and art.parts[k][0] < e:
            qs, qe = max(s, art.parts[k][0]), min(e, art.parts[k][1])
            if qs < qe:
                quoted += _visible(art.text[qs:qe])
            k += 1
    return quoted / total if total else 0.0


_THIRD_PERSON = {
    "he": re.compile(r"\b(he|his|him|himself)\b", re.I),
    "she": re.compile(r"\b(she|her|hers|herself)\b", re.I),
}


def _not_the_one_spoken_of(art: _Article, cue: _Cue, sp: _Speaker, content: str) -> _Speaker:
    """ "X said … . Y was conscious. "He did not utter a word," he said.": a quote that speaks of
    someone in the third person is not that person's. When "he" was resolved to a person who was
    only the subject of narration, and the quote says "he"/"his", the speaker before is meant."""
    subj = _subject(cue.token) if cue.token.pos_ == "VERB" else None
    pattern = _THIRD_PERSON.get(subj.lower_) if subj is not None and subj.pos_ == "PRON" else None
    if pattern is None or not pattern.search(content):
        return sp
    para = art.sents[cue.sent].para
    before = [m for m in reversed(art.mentions) if m.sent < cue.sent and para - m.para <= 2]
    own = next((m for m in before if m.speaker.key == sp.key), None)
    if own is None or own.spoke:
        return sp
    other = next((m for m in before if m.spoke and m.speaker.kind == "person" and m.speaker.key != sp.key), None)
    return other.speaker if other is not None else sp


def extract(parsed: Parsed) -> list[Attribution]:
    """Every attribution of a parsed article, in text order."""
    if not parsed.sentences:
        return []
    art = _Article(parsed)
    cues: list[_Cue] = []
    for i in range(len(art.sents)):
        found = _find_cues(art, i)
        cues.extend(found)
        for c in found:
            art.add_mention(i, c.speaker, spoke=True)
        root = _root_subject(art, i)
        if root is not None and not any(c.speaker is not None and c.speaker.key == root.key for c in found):
            art.add_mention(i, root)

    out: list[Attribution] = []
    for cue, chain_ids, _carried in _assign(art, cues):
        sp = cue.speaker
        parts = [p for ci in chain_ids for p in art.chains[ci]]
        parts.sort()
        content = _clean_content(" ".join(art.text[s:e] for s, e in parts))
        if not content:
            continue
        sp = _not_the_one_spoken_of(art, cue, sp, content)
        out.append(
            Attribution(
                sp.display, sp.key, cue.cue, content, True, parts[0][0], parts[-1][1], art.sent_of(parts[0][0]), parts
            )
        )
    for cue in cues:
        if cue.speaker is None or not cue.region or cue.quote_only:
            continue
        if _quoted_share(art, cue.region) >= QUOTED_CLAUSE_SHARE:
            continue  # the clause is a quote: reported above as direct speech
        regions = [_trim_region(art.text, s, e) for s, e in cue.region]
        regions = [(s, e) for s, e in regions if s < e]
        if not regions:
            continue
        content = _clean_content(" ".join(art.text[s:e] for s, e in regions))
        if len(content.split()) < 2:
            continue
        sp = cue.speaker
        out.append(
            Attribution(
                sp.display,
                sp.key,
                cue.cue,
                content,
                False,
                regions[0][0],
                regions[-1][1],
                art.sent_of(regions[0][0]),
                [],
            )
        )
    out.extend(_transcript_lines(art, out))
    out.sort(key=lambda a: (a.start, not a.direct, a.end))
    return out


#: "Kim (translated): While it was not easy …", "Trump: That's true." — a transcript's line.
_TRANSCRIPT_RE = re.compile(r"([A-Z][\w’'.-]+(?: [A-Z][\w’'.-]+){0,2})(?: \([^()\n]{1,30}\))?: +(?=\S)")


def _transcript_lines(art: _Article, found: list[Attribution]) -> list[Attribution]:
    """Paragraphs of a transcript: a person the article names, a colon, their words (verbatim, so
    direct speech without quotation marks)."""
    out = []
    for para in paragraphs(art.text):
        m = _TRANSCRIPT_RE.match(art.text, para.start, para.end)
        if m is None:
            continue
        key = speaker_key(m.group(1), art.aliases)
        if key not in art.persons:
            continue
        s, e = _trim_region(art.text, m.end(), para.end)
        if s >= e or any(a.start < e and s < a.end for a in found):
            continue
        content = _clean_content(art.text[s:e])
        if len(content.split()) < 2:
            continue
        out.append(Attribution(m.group(1), key, "transcript", content, True, s, e, art.sent_of(s), [(s, e)]))
    return out

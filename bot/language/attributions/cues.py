"""Speech cues: the verbs of saying, "according to" and "in a statement" in a sentence, with their
speakers (the subject, climbing through clauses) and their reported clauses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from copydesk.bot.language.attributions.quotes import _DQ_ALL
from copydesk.bot.language.attributions.speakers import _Article, _Speaker
from copydesk.bot.language.attributions.words import (
    _CUE_LEMMAS,
    _MODALS,
    _RELATIVES,
    ACCUSE_LEMMAS,
    FORECAST_NOUNS,
    ISSUE_FORECAST_LEMMAS,
    LISTENER_LEMMAS,
    OBJECT_LEMMAS,
    OFFICE_NOUNS,
    ORG_WORDS,
    PERSON_NOUNS,
    QUOTE_ONLY_LEMMAS,
    SPEECH_LEMMAS,
    STATEMENT_NOUNS,
    XCOMP_LEMMAS,
)

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token


@dataclass
class _Cue:
    sent: int
    token: Token
    cue: str  # lemma, "according to", or a statement noun
    speaker: _Speaker | None
    pos: int  # absolute offset of the cue word
    phrase: tuple[int, int]  # token range (inclusive) of the cue with its speaker, in the sentence
    region: list[tuple[int, int]] = field(default_factory=list)  # reported clause, absolute offsets
    chains: list[int] = field(default_factory=list)  # quote chains tied to this cue
    quote_only: bool = False


def _subject(tok: Token) -> Token | None:
    """The subject of a speech verb, climbing through conjunctions, adverbial and participial
    clauses ("…, adding that", "was quoted as saying") and relative clauses."""
    cur = tok
    via_conj = False
    for _ in range(4):
        # several subjects (a dateline parsed as one: "PORT ALDANE — the government said"): the
        # closest to the verb
        subjects = [c for c in cur.children if c.dep_ == "nsubj"]
        subj = min(subjects, key=lambda c: abs(c.i - cur.i)) if subjects else None
        if subj is not None:
            if subj.lower_ in _RELATIVES and cur.dep_ == "relcl":
                return cur.head
            return subj
        if cur.lemma_.lower() == "quote" or via_conj:
            # "was quoted as saying"; "X was seated in the car and said": coordinated verbs share
            # the passive subject of the first
            passive = next((c for c in cur.children if c.dep_ == "nsubjpass"), None)
            if passive is not None:
                return passive
        if cur.dep_ == "acl" and cur.head.lemma_.lower() in STATEMENT_NOUNS:
            return cur.head  # "a statement disclosing that…"
        if cur.dep_ == "acl" and cur.tag_ == "VBG" and _speaker_like(cur.head):
            return cur.head  # "with the striker saying that…", "officials saying…"
        if cur.dep_ in ("conj", "advcl", "xcomp", "pcomp", "prep") and cur.head.i != cur.i:
            via_conj = cur.dep_ == "conj"
            cur = cur.head
            continue
        break
    return None


def _speaker_like(tok: Token) -> bool:
    """A noun that may name someone speaking: a name, a person or organisation noun, people."""
    if tok.pos_ == "PROPN" or tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return tok.ent_type_ not in ("DATE", "TIME")
    if tok.pos_ != "NOUN":
        return False
    lemma = tok.lemma_.lower()
    return lemma in PERSON_NOUNS | OFFICE_NOUNS | ORG_WORDS or (tok.head.lower_ == "with" and tok.dep_ == "pobj")


def _is_speech_verb(tok: Token) -> bool:
    lemma = tok.lemma_.lower()
    if lemma not in SPEECH_LEMMAS and lemma not in QUOTE_ONLY_LEMMAS and lemma not in OBJECT_LEMMAS:
        return False
    if (
        tok.pos_ != "VERB"
        or tok.tag_ == "JJ"
        or tok.dep_ in ("amod", "compound", "nmod", "npadvmod", "nsubj", "dobj", "pobj")
    ):
        return False  # "the said agreement"
    kids = list(tok.children)
    if any(c.dep_ == "neg" for c in kids):
        return False  # "did not say"
    if any(c.dep_ == "dobj" and c.lower_ in ("nothing", "little", "anything") for c in kids):
        return False  # "the co-pilot said nothing"
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in _MODALS for c in kids):
        return False  # "will announce"
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in kids):
        return False  # "is expected to announce", "declined to comment"
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in kids):
        return False  # "it was announced that" (no speaker)
    if lemma == "put" and not any(c.dep_ == "dobj" and c.lower_ == "it" for c in kids):
        return False
    return True


def _cue_phrase(art: _Article, i: int, tok: Token, subj: Token | None) -> tuple[int, int]:
    """Token range of the cue with its own non-clausal dependents (outside quotes) and its subject."""
    lo = hi = tok.i
    for c in tok.children:
        if c.dep_ in (
            "ccomp",
            "xcomp",
            "parataxis",
            "conj",
            "cc",
            "advcl",
            "dep",
            "punct",
            "csubj",
        ) or art.tok_in_quote(i, c):
            continue
        lo, hi = min(lo, c.left_edge.i), max(hi, c.right_edge.i)
    if subj is not None and subj.head.i == tok.i:
        lo, hi = min(lo, subj.left_edge.i), max(hi, subj.right_edge.i)
    return lo, hi


def _has_clause(doc: Doc, lo: int, hi: int) -> bool:
    return any(t.pos_ in ("VERB", "AUX") for t in doc[lo:hi])


def _strip_tokens(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    """[lo, hi) without edge punctuation and a leading complementiser ("that")."""
    while lo < hi and (
        doc[lo].is_punct
        and doc[lo].text not in _DQ_ALL + "‘'"
        or (doc[lo].dep_ == "mark" and doc[lo].lower_ in ("that",))
    ):
        lo += 1
    while hi > lo and doc[hi - 1].is_punct and doc[hi - 1].text not in _DQ_ALL + "’'":
        hi -= 1
    return lo, hi


def _zero_relative(tok: Token) -> Token | None:
    """A clause hanging as a relative clause on the listener of "tell", right after it, with its own
    non-relative subject ("told officers he had…")."""
    obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
    if obj is None:
        return None
    for r in obj.children:
        if r.dep_ == "relcl" and r.left_edge.i == obj.i + 1:
            subj = next((c for c in r.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.lower_ not in _RELATIVES:
                return r
    return None


def _region(art: _Article, i: int, cue: _Cue) -> list[tuple[int, int]]:
    """The reported clause of a cue as absolute (start, end) parts ([] when it has none)."""
    doc = art.docs[i]
    tok = cue.token
    lemma = tok.lemma_.lower()
    n = len(doc)
    plo, phi = cue.phrase
    spans: list[tuple[int, int]] = []

    def add(lo: int, hi: int) -> None:
        lo, hi = _strip_tokens(doc, lo, hi)
        if lo < hi and any(not t.is_punct for t in doc[lo:hi]):
            spans.append((lo, hi))

    def tail_only(from_i: int) -> bool:
        """Nothing but punctuation (or another cue's clause) after token from_i."""
        for t in doc[from_i:]:
            if t.is_punct or t.text in _DQ_ALL:
                continue
            anc = t
            while anc.i != anc.head.i and anc.i != tok.i and not (anc.dep_ == "advcl" and _is_speech_verb(anc)):
                anc = anc.head
            if anc.dep_ == "advcl" and anc.i != tok.i:
                continue
            return False
        return True

    if cue.cue == "according to":
        # the clause the phrase attaches to, minus the phrase
        if plo > 0 and not any(not t.is_punct for t in doc[:plo]):
            add(phi + 1, n)
        elif tail_only(phi + 1):
            add(0, plo)
        else:
            add(0, plo)
            add(phi + 1, n)
        return [(art.abs(i, doc[lo]), art.abs(i, doc[hi - 1]) + len(doc[hi - 1].text)) for lo, hi in spans]

    ccomps = [c for c in tok.children if c.dep_ == "ccomp"]
    if not ccomps and lemma not in QUOTE_ONLY_LEMMAS:
        # "after X revealed last week he had …": the parser hung the report on a verb higher up;
        # a clause that starts right after the cue's phrase is still the cue's report
        ancestors = {a.i for a in tok.ancestors}
        ccomps = [
            c
            for c in doc
            if c.dep_ == "ccomp"
            and c.head.i in ancestors
            and c.left_edge.i == phi + 1
            and any(k.dep_ in ("nsubj", "nsubjpass") for k in c.children)
        ]
    # a trailing cue: "CLAUSE, X said." — the whole clause before the comma is the content
    prev = plo - 1
    while prev >= 0 and doc[prev].text in _DQ_ALL:
        prev -= 1
    trailing = (
        plo > 0
        and prev >= 0
        and doc[prev].text in (",", "—", "–", "-")
        and tail_only(phi + 1)
        and all(c.i < plo for c in ccomps)
        and _has_clause(doc, 0, prev)
        and not any(not t.is_punct for t in doc[phi + 1 :] if art.tok_in_quote(i, t))
    )
    if trailing:
        add(0, prev)
    elif tok.dep_ == "parataxis" and tok.head.i != tok.i:
        head = tok.head
        add(head.left_edge.i, plo)
        add(phi + 1, head.right_edge.i + 1)
    elif ccomps:
        for c in ccomps:
            hi = c.right_edge.i + 1
            if any(m.dep_ == "mark" for m in tok.children):
                # "Although X said …, MAIN CLAUSE": the report ends at the clause's comma
                comma = next((t.i for t in doc[c.i : hi] if t.text == "," and not art.tok_in_quote(i, t)), None)
                hi = comma if comma is not None else hi
            add(c.left_edge.i, hi)
    elif lemma in LISTENER_LEMMAS and (r := _zero_relative(tok)) is not None:
        # "told officers he had fallen asleep": the parser read the report as a relative clause
        add(r.left_edge.i, r.right_edge.i + 1)
    elif lemma in ACCUSE_LEMMAS:
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        if obj is not None:
            prep = next(
                (
                    c
                    for c in list(tok.children) + list(obj.children)
                    if c.dep_ == "prep" and c.lower_ in ("of", "for", "over")
                ),
                None,
            )
            if prep is not None:
                add(obj.left_edge.i, max(obj.right_edge.i, prep.right_edge.i) + 1)
    elif lemma in XCOMP_LEMMAS:
        x = next((c for c in tok.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
        if x is not None:
            add(x.left_edge.i, x.right_edge.i + 1)
    head = tok.head
    if (
        not spans
        and tok.dep_ == "advcl"
        and head.i > phi
        and head.pos_ in ("VERB", "AUX")
        and lemma not in QUOTE_ONLY_LEMMAS
    ):
        # "after X revealed last week he had lined up …": the report parsed as the main clause
        subj = next((k for k in head.children if k.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and subj.left_edge.i == phi + 1:
            hi = head.right_edge.i + 1
            comma = next((t.i for t in doc[head.i : hi] if t.text == "," and not art.tok_in_quote(i, t)), None)
            add(phi + 1, comma if comma is not None else hi)
    if not spans and (lemma in OBJECT_LEMMAS or lemma in ISSUE_FORECAST_LEMMAS):
        obj = next(
            (c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i and c.pos_ in ("NOUN", "PROPN", "NUM")), None
        )
        subj = _subject(tok)
        if (
            obj is not None
            and (lemma in OBJECT_LEMMAS or obj.lemma_.lower() in FORECAST_NOUNS)
            and subj is not None
            and (subj.pos_ == "PRON" or _speaker_like(subj))
        ):
            # "forecast revenue of about $16 billion, plus or minus 2%, for its third quarter"
            hi = obj.right_edge.i
            for c in tok.rights:
                if c.i > hi and c.dep_ in ("prep", "npadvmod", "advmod", "dative", "oprd", "xcomp"):
                    hi = max(hi, c.right_edge.i)
            add(obj.left_edge.i, hi + 1)
    return [(art.abs(i, doc[lo]), art.abs(i, doc[hi - 1]) + len(doc[hi - 1].text)) for lo, hi in spans]


def _find_cues(art: _Article, i: int) -> list[_Cue]:
    """The speech cues of sentence i (outside quotes), with their speakers and reported clauses."""
    doc = art.docs[i]
    if art.is_question(i):
        return []
    cues: list[_Cue] = []
    for tok in doc:
        lemma = tok.lemma_.lower()
        if lemma not in _CUE_LEMMAS and tok.lower_ != "according" or art.tok_in_quote(i, tok):
            continue
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
            if pobj is None or art.tok_in_quote(i, pobj):
                continue
            speaker = art.speaker(i, pobj)
            cue = _Cue(i, tok, "according to", speaker, art.abs(i, tok), (tok.i, tok.right_edge.i))
            cue.region = _region(art, i, cue)
            cues.append(cue)
        elif _is_speech_verb(tok):
            subj = _subject(tok)
            if subj is None or art.tok_in_quote(i, subj):
                continue
            speaker = art.speaker(i, subj)
            cue = _Cue(
                i,
                tok,
                lemma,
                speaker,
                art.abs(i, tok),
                _cue_phrase(art, i, tok, subj),
                quote_only=lemma in QUOTE_ONLY_LEMMAS,
            )
            if not cue.quote_only:
                cue.region = _region(art, i, cue)
            cues.append(cue)
    for tok in doc:
        # "issued revenue guidance of $16 billion", "analysts' expectations of $12.6 billion"
        lemma = tok.lemma_.lower()
        if (
            tok.pos_ != "NOUN"
            or lemma not in FORECAST_NOUNS
            or art.tok_in_quote(i, tok)
            or any(c.token.i == tok.head.i for c in cues)
        ):
            continue
        owner = next((c for c in tok.children if c.dep_ == "poss"), None)
        if owner is None and tok.dep_ == "dobj" and tok.head.lemma_.lower() in ISSUE_FORECAST_LEMMAS:
            owner = _subject(tok.head)
        if owner is None or art.tok_in_quote(i, owner):
            continue
        speaker = art.speaker(i, owner)
        if speaker is None:
            continue
        lo, hi = _strip_tokens(doc, tok.left_edge.i, tok.right_edge.i + 1)
        if lo < hi and hi - lo >= 3:
            cue = _Cue(i, tok, lemma, speaker, art.abs(i, tok), (tok.i, tok.i))
            cue.region = [(art.abs(i, doc[lo]), art.abs(i, doc[hi - 1]) + len(doc[hi - 1].text))]
            cues.append(cue)
    if not cues:
        cues.extend(_statement_cue(art, i))
    return cues


def _statement_cue(art: _Article, i: int) -> list[_Cue]:
    """ "In a statement, the ministry expressed regret…": a statement noun introducing a clause."""
    doc = art.docs[i]
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return []
    prep = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "in" and c.i < root.i), None)
    subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
    if prep is None or subj is None or art.tok_in_quote(i, subj):
        return []
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if pobj is None or pobj.lemma_.lower() not in STATEMENT_NOUNS | {"interview"}:
        return []
    speaker = art.speaker(i, subj)
    cue = _Cue(i, pobj, pobj.lemma_.lower(), speaker, art.abs(i, pobj), (prep.i, prep.right_edge.i))
    lo, hi = _strip_tokens(doc, prep.right_edge.i + 1, root.right_edge.i + 1)
    if lo < hi:
        cue.region = [(art.abs(i, doc[lo]), art.abs(i, doc[hi - 1]) + len(doc[hi - 1].text))]
    return [cue]


def _root_subject(art: _Article, i: int) -> _Speaker | None:
    """The main clause's subject outside quotes (a candidate antecedent for later pronouns)."""
    doc = art.docs[i]
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or art.tok_in_quote(i, subj) or subj.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    if subj.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"):
        return None
    if (
        subj.pos_ == "NOUN"
        and subj.lemma_.lower() not in PERSON_NOUNS | OFFICE_NOUNS | ORG_WORDS
        and not subj.ent_type_
        and subj.tag_ != "NNS"
    ):
        return None  # "the ship", "the year 2017": not someone who might speak
    return art.speaker(i, subj)

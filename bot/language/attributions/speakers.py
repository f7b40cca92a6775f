"""Speakers in their article: the alias table an article builds from how it introduces its people,
the noun phrase that names a speaker (titles, appositive names, statements and their issuers), and
pronouns and generic references ("he", "the company") resolved to earlier mentions."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from copydesk.bot.language.attributions.keys import _clean_name, _norm_phrase, speaker_key
from copydesk.bot.language.attributions.quotes import _DQ_ALL, _quote_chains
from copydesk.bot.language.attributions.words import (
    _HONORIFICS,
    _ISSUING_LEMMAS,
    _NAME_SUFFIXES,
    _PREPOSITIONS,
    _PRONOUNS,
    DOCUMENT_NOUNS,
    EPITHET_NOUNS,
    GENERIC_ORG_NOUNS,
    LEADER_TITLES,
    OFFICE_NOUNS,
    ORG_WORDS,
    PERSON_NOUNS,
    STATEMENT_NOUNS,
)

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

    from copydesk.bot.language.doc import Parsed


_TIME_ENTS = ("DATE", "TIME")
#: How many paragraphs back "he" or "she" may find the person it stands for.
PERSON_REACH = 4
#: A surname the article gives only bare, one letter off the surname of a person it names in
#: full ("Halvorsen" / "Halvorson"), with the same initial, is a misspelling of it when it is at
#: least this long (shorter names one letter apart are often two people).
TYPO_MIN_LETTERS = 6


@dataclass
class _Speaker:
    display: str
    key: str
    kind: str  # "person" | "org" | "group" | "name" (a bare proper name: person or organisation)
    named_org: bool = False  # an organisation called by its name ("Brightwater Ferries")


@dataclass
class _Mention:
    sent: int
    para: int
    speaker: _Speaker
    spoke: bool = False  # the speaker of a cue (not only a sentence's subject)


def _person_surname(name: str) -> str:
    words = [w for w in _clean_name(name).split() if w.lower().rstrip(".") not in _HONORIFICS]
    while len(words) > 1 and words[-1].lower().rstrip(".") in _NAME_SUFFIXES:
        words.pop()
    if not words:
        return ""
    last = words[-1].lower()
    return last[:-2] if last.endswith("'s") else last


def _role_before(doc: Doc, start: int) -> str:
    """Title words right before a name: "Tessalian President" in "Tessalian President Ivo Maric"."""
    j = start
    while j > 0 and start - j < 6:
        t = doc[j - 1]
        if (
            t.pos_ in ("DET", "PRON", "CCONJ", "ADP", "VERB", "AUX", "NUM")
            or t.ent_type_ == "PERSON"
            or (t.is_punct and t.text not in ("-", "–"))
            or t.tag_ == "POS"
        ):
            break
        j -= 1
    if j == start:
        return ""
    role = _norm_phrase(doc[j:start].text)
    last = role.split()[-1] if role else ""
    if not last or not (last in PERSON_NOUNS or last.split("-")[0] in PERSON_NOUNS or last.endswith("-elect")):
        return ""
    return role


def build_aliases(docs: Iterable[Doc]) -> tuple[dict[str, str], set[str]]:
    """The article's alias table (normalised phrase → speaker key) and the set of person keys.

    Full names map to surnames; the roles that introduce a name ("Tessalian President Ivo Maric",
    "Marek Hall, the opposition leader") map to it, with their shorter forms ("president",
    "nominee") and, for heads of state, "<nationality> leader"; a role claimed by two people is
    dropped."""
    aliases: dict[str, str] = {}
    roles: dict[str, set[str]] = {}
    persons: set[str] = set()

    def add_role(role: str, key: str) -> None:
        words = role.split()
        for k in range(len(words)):
            roles.setdefault(" ".join(words[k:]), set()).add(key)
        for title in LEADER_TITLES:
            tw = title.split()
            if len(words) > len(tw) and words[-len(tw) :] == tw:
                roles.setdefault(" ".join(words[: -len(tw)] + ["leader"]), set()).add(key)

    full: set[str] = set()  # surnames the article gives with a first name
    for doc in docs:
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                key = _person_surname(ent.text)
                if not key or not ent.text[:1].isupper():
                    continue
                persons.add(key)
                if len(_clean_name(ent.text).split()) > 1:
                    full.add(key)
                aliases.setdefault(_norm_phrase(ent.text), key)
                role = _role_before(doc, ent.start)
                if role:
                    add_role(role, key)
                root = ent.root
                for c in root.children:  # "Hall, the opposition leader,"
                    if c.dep_ == "appos" and c.pos_ == "NOUN":
                        add_role(_norm_phrase(doc[c.left_edge.i : c.i + 1].text), key)
                if root.dep_ == "appos" and root.head.pos_ == "NOUN":  # "the commander, Rita Okafor,"
                    h = root.head
                    add_role(_norm_phrase(doc[h.left_edge.i : h.i + 1].text), key)
    for role, keys in roles.items():
        if len(keys) == 1 and role:
            aliases.setdefault(role, next(iter(keys)))
    # a misspelt surname: given only bare, one letter off exactly one full name of the article
    for key in persons - full:
        near = [
            f for f in full if len(key) >= TYPO_MIN_LETTERS and key[0] == f[0] and Levenshtein.distance(key, f) == 1
        ]
        if len(near) == 1:
            for phrase, k in list(aliases.items()):
                if k == key:
                    aliases[phrase] = near[0]
            aliases[key] = near[0]
    return aliases, persons


class _Article:
    """Everything `extract` needs about one parsed article."""

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.text = parsed.text
        self.sents = parsed.sentences
        self.docs = parsed.docs
        self.starts = [s.start for s in self.sents]
        self.chains = _quote_chains(self.text)
        self.parts = sorted((s, e, ci) for ci, c in enumerate(self.chains) for s, e in c)
        self.part_starts = [p[0] for p in self.parts]
        self.aliases, self.persons = build_aliases(self.docs)
        # every person the article names: (sentence, token end, key, as written)
        self.named: list[tuple[int, int, str, str]] = []
        for i, doc in enumerate(self.docs):
            for ent in doc.ents:
                if ent.label_ == "PERSON" and ent.text[:1].isupper():
                    key = speaker_key(ent.text, self.aliases)
                    if key in self.persons or key in self.aliases.values():
                        self.named.append((i, ent.end, key, ent.text))
        self.mentions: list[_Mention] = []
        self._flags: dict[int, list[bool]] = {}

    # positions
    def sent_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def chain_at(self, pos: int) -> int | None:
        """The quote chain whose part holds `pos` (marks excluded)."""
        k = bisect.bisect_right(self.part_starts, pos) - 1
        if k >= 0 and self.parts[k][0] <= pos < self.parts[k][1]:
            return self.parts[k][2]
        return None

    def in_quote(self, pos: int) -> bool:
        return self.chain_at(pos) is not None

    def abs(self, i: int, tok: Token) -> int:
        return self.sents[i].start + tok.idx

    def tok_in_quote(self, i: int, tok: Token) -> bool:
        flags = self._flags.get(i)
        if flags is None:
            base = self.sents[i].start
            span = self.sents[i]
            if not any(s < span.end and span.start < e for s, e, _ in self._near(i)):
                flags = [False] * len(self.docs[i])
            else:
                flags = [self.in_quote(base + t.idx) for t in self.docs[i]]
            self._flags[i] = flags
        return flags[tok.i]

    def _near(self, i: int) -> list[tuple[int, int, int]]:
        """Quote parts that may overlap sentence i."""
        span = self.sents[i]
        k = max(0, bisect.bisect_right(self.part_starts, span.start) - 1)
        out = []
        while k < len(self.parts) and self.parts[k][0] < span.end:
            out.append(self.parts[k])
            k += 1
        return out

    def is_question(self, i: int) -> bool:
        """A sentence that asks (its final "?" outside any quote)."""
        span = self.sents[i]
        end = span.end
        while end > span.start and (self.text[end - 1] in _DQ_ALL + "'’)]" or self.text[end - 1].isspace()):
            end -= 1
        return end > span.start and self.text[end - 1] == "?" and not self.in_quote(end - 1)

    # speakers
    def resolve(self, kind: str, i: int) -> _Speaker | None:
        """The antecedent of a pronoun (or of "the statement"): the latest compatible mention before
        sentence i, in its paragraph or the two before it."""
        para = self.sents[i].para
        wanted = {"person": {"person", "name"}, "org": {"org", "name"}, "group": {"group", "org"}}[kind]
        # "he" may reach further back (a speaker's quotes run over paragraphs of other matter)
        reach = PERSON_REACH if kind == "person" else 2
        found = [
            m
            for m in reversed(self.mentions)
            if m.sent < i
            and para - m.para <= reach
            and m.speaker.kind in wanted
            and (kind == "person" or para - m.para <= 2)
        ]
        if not found:
            return None
        if kind == "person":
            people = [m for m in found if m.speaker.kind == "person"]
            first = found[0]
            if first.speaker.kind == "name" and first.speaker.named_org and people:
                first = people[0]  # "Real Madrid said … he said": a club's name is not "he"
            if para - first.para <= 2 or first.spoke:
                return first.speaker
            return None
        return found[0].speaker

    def speaker(self, i: int, tok: Token, depth: int = 0) -> _Speaker | None:
        """The speaker named by the noun phrase headed by `tok` in sentence i."""
        doc = tok.doc
        low = tok.lower_
        if low in _PRONOUNS and tok.pos_ == "PRON":
            prev = doc[tok.i - 1] if tok.i > 0 else None
            if (
                prev is not None
                and prev.pos_ == "PROPN"
                and prev.head.i == tok.head.i
                and prev.dep_ in ("npadvmod", "nsubj", "dep", "appos")
                and depth <= 3
            ):
                return self.speaker(i, prev, depth + 1)  # "Twitter it said" (a name resumed by a pronoun)
            return self.resolve(_PRONOUNS[low], i)
        if tok.pos_ == "PRON":
            return None  # I, we, you, someone…
        if depth > 3:
            return None
        # coordinated speakers: "Hall and Lind"
        conjs = [c for c in tok.children if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")]
        if self._age_epithet(tok):
            return self.resolve_epithet(i, tok)  # "Kellner … the 33-year-old said"
        if tok.ent_type_ in _TIME_ENTS:
            # "During a briefing Wednesday, Tedros … said": a date parsed as a coordinated subject
            names = [c for c in conjs if c.ent_type_ not in _TIME_ENTS]
            return self.speaker(i, names[0], depth + 1) if len(names) == 1 else None
        if conjs:
            members = [self.speaker(i, t, depth + 1) for t in [tok] + conjs if t.ent_type_ not in _TIME_ENTS]
            speaking = [m for m in members if m is not None]
            if len(speaking) > 1:
                lo = tok.left_edge.i
                hi = max(c.i for c in conjs)
                display = doc[lo : hi + 1].text
                keys = sorted({k for m in speaking for k in m.key.split("+")})
                return _Speaker(display, "+".join(keys), "group")
        # a statement speaks for its issuer; a document for its publisher, if named
        if tok.lemma_.lower() in STATEMENT_NOUNS and tok.pos_ == "NOUN":
            issuer = self._issuer(i, tok, depth)
            if issuer is not None or not any(c.dep_ in ("amod", "compound") for c in tok.lefts):
                return issuer
            # "Spanish media reports said": reports with no issuer named speak for themselves
        if tok.lower_ in DOCUMENT_NOUNS and tok.pos_ == "NOUN":
            publisher = self._issuer(i, tok, depth, resolve=False)
            if publisher is not None:
                return publisher
        # a role with an appositive name: "the company's safety chief, Ines Moreau,"
        for c in tok.children:
            if c.dep_ == "appos" and (
                c.ent_type_ == "PERSON" or (c.pos_ == "PROPN" and tok.lemma_.lower() in PERSON_NOUNS | OFFICE_NOUNS)
            ):
                return self.speaker(i, c, depth + 1)
        lo, hi = self._np_range(tok)
        if (
            tok.pos_ == "NOUN"
            and tok.lemma_.lower() in GENERIC_ORG_NOUNS
            and hi == tok.i
            and lo == tok.i - 1
            and doc[lo].lower_ in ("the", "this")
        ):
            named = self.resolve_named_org(i)
            if named is not None:
                return named  # "the company" after "Brightwater Ferries …"
        if self._epithet(tok, lo, hi):
            named = self.resolve_epithet(i, tok)
            if named is not None:
                return named  # "Ronaldo … the five-time award winner said"
        display = doc[lo : hi + 1].text.strip(" ,")
        if not display:
            return None
        key = speaker_key(display, self.aliases)
        if not key:
            return None
        kind = self._kind(tok, key)
        named_org = kind in ("org", "name") and tok.pos_ == "PROPN" and tok.ent_type_ == "ORG" and ":" not in key
        return _Speaker(display, key, kind, named_org)

    def _epithet(self, tok: Token, lo: int, hi: int) -> bool:
        """ "the five-time award winner", "the veteran striker": a definite description of a person
        by what they are, modified, with no name in it."""
        doc = tok.doc
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in EPITHET_NOUNS or hi != tok.i:
            return False
        if doc[lo].lower_ != "the" or lo + 1 >= tok.i:
            return False  # "a winner", "the winner": no description
        if any(t.ent_type_ == "PERSON" for t in doc[lo : hi + 1]):
            return False
        return _norm_phrase(doc[lo : hi + 1].text) not in self.aliases

    @staticmethod
    def _age_epithet(tok: Token) -> bool:
        """ "the 33-year-old": a person named by their age (parsed as an adjective over "year")."""
        kids = list(tok.children)
        return (
            tok.lower_ == "old"
            and any(c.lower_ in ("year", "years") and c.dep_ == "npadvmod" for c in kids)
            and any(c.dep_ == "det" and c.lower_ == "the" for c in kids)
        )

    def resolve_epithet(self, i: int, tok: Token) -> _Speaker | None:
        """The person an epithet stands for: the one person the article has named in the
        paragraphs before it (none when it has named several there: the epithet is ambiguous)."""
        para = self.sents[i].para
        found = [
            (key, text)
            for j, end, key, text in self.named
            if (j < i or (j == i and end <= tok.i)) and para - self.sents[j].para <= PERSON_REACH
        ]
        if len({k for k, _ in found}) != 1:
            return None
        key = found[0][0]
        display = max((t for k, t in found if k == key), key=len)
        return _Speaker(display, key, "person")

    def resolve_named_org(self, i: int) -> _Speaker | None:
        """The latest organisation named by its name (as a subject or speaker) before sentence i."""
        for m in reversed(self.mentions):
            if m.sent < i and m.speaker.named_org:
                return m.speaker
        return None

    def _np_range(self, tok: Token) -> tuple[int, int]:
        lo = hi = tok.i
        for c in tok.lefts:
            if c.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "quantmod", "case", "flat") or (
                c.dep_ == "punct" and c.text in "-–"
            ):
                lo = min(lo, c.left_edge.i)
        for c in tok.rights:
            if c.dep_ in ("compound", "flat", "nummod"):
                hi = max(hi, c.right_edge.i)
            elif (
                c.dep_ == "prep"
                and c.lower_ in _PREPOSITIONS
                and tok.pos_ == "NOUN"
                and any(g.dep_ == "pobj" for g in c.children)
            ):
                hi = max(hi, c.right_edge.i)
            elif c.dep_ == "amod" and c.i == hi + 1 and tok.pos_ == "NOUN":
                hi = max(hi, c.right_edge.i)  # "a source close to the talks", "officials familiar with…"
        doc = tok.doc
        while lo < tok.i and (doc[lo].is_punct or doc[lo].text in _DQ_ALL):
            lo += 1
        while hi > tok.i and (doc[hi].is_punct or doc[hi].text in _DQ_ALL):
            hi -= 1
        return lo, hi

    def _kind(self, tok: Token, key: str) -> str:
        lemma = tok.lemma_.lower()
        if tok.tag_ in ("NNS", "NNPS") and tok.ent_type_ != "ORG":
            return "group"
        if ":" in key or lemma in OFFICE_NOUNS - {"spokesman", "spokeswoman", "spokesperson"}:
            return "org"
        if tok.ent_type_ == "PERSON" or key in self.persons or lemma in PERSON_NOUNS:
            return "person"
        if (
            tok.pos_ == "PROPN"
            and " " not in key
            and key == tok.lower_
            and tok.i > 0
            and tok.doc[tok.i - 1].dep_ == "compound"
            and tok.doc[tok.i - 1].pos_ == "PROPN"
            and not (tok.ent_type_ == "ORG" and tok.doc[tok.i - 1].ent_type_ == "ORG")
        ):
            return "person"  # a first and last name the tagger took for an organisation
        if (
            tok.ent_type_ == "ORG"
            and tok.pos_ == "PROPN"
            and key == tok.lower_
            and lemma not in ORG_WORDS
            and not tok.text.isupper()
        ):
            return "name"  # "Brandt", "Reuters": a person or an organisation
        if tok.ent_type_ in ("ORG", "GPE", "NORP", "FAC", "PRODUCT"):
            return "org"
        return "person" if tok.pos_ == "PROPN" and not tok.ent_type_ else "org"

    def _issuer(self, i: int, tok: Token, depth: int, resolve: bool = True) -> _Speaker | None:
        """Who issued a statement: its possessor, its "from/by/of X", a name compounded with it, the
        subject of the verb that released it; else (for "the statement") the latest organisation."""
        for c in tok.children:
            if c.dep_ == "poss":
                owner = self.speaker(i, c, depth + 1)
                if owner is None or owner.kind not in ("person", "name") or ":" in owner.key or "+" in owner.key:
                    return owner
                # a person's written statement comes from their office: "Lind's statement" is
                # keyed like "Lind's office"
                lo, _ = self._np_range(tok)
                return _Speaker(tok.doc[lo : tok.i + 1].text, f"{owner.key}:office", "org")
        names = [
            c
            for c in tok.lefts
            if c.dep_ in ("compound", "nmod") and (c.pos_ == "PROPN" or c.ent_type_ in ("ORG", "PERSON"))
        ]
        if names:  # "a ministry press release", "a Maritime Safety Board report"
            return self.speaker(i, names[-1], depth + 1)
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("from", "by", "of", "in"):
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return self.speaker(i, pobj, depth + 1)
            if c.dep_ == "acl" and c.lemma_.lower() in _ISSUING_LEMMAS:  # "a statement released by X"
                for g in c.children:
                    if g.dep_ == "agent":
                        pobj = next((x for x in g.children if x.dep_ == "pobj"), None)
                        if pobj is not None:
                            return self.speaker(i, pobj, depth + 1)
        if not resolve:
            return None
        if tok.dep_ in ("dobj", "pobj") and tok.head.pos_ in ("VERB", "ADP"):
            verb = tok.head if tok.head.pos_ == "VERB" else tok.head.head
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.i != tok.i and not self.tok_in_quote(i, subj):
                return self.speaker(i, subj, depth + 1)
        det = next((c for c in tok.children if c.dep_ in ("det", "poss")), None)
        if tok.tag_ == "NN" and det is not None and det.lower_ in ("the", "its", "their", "this", "that"):
            return self.resolve("org", i)
        return None

    def add_mention(self, i: int, speaker: _Speaker | None, spoke: bool = False) -> None:
        if speaker is not None:
            self.mentions.append(_Mention(i, self.sents[i].para, speaker, spoke))

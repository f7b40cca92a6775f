"""Attributions: who said what in a news article.

`extract(parsed)` reads a parsed article (one spaCy Doc per sentence, see `doc.py`) and returns
every attribution in it, direct and indirect:

* **direct quotes** — the quoted passages of the text (`quote_spans`), whatever their shape:
  ``"…," X said``, ``X said: "…"``, ``"…," said X``, split quotes ``"A," X said, "B."``, quotes over
  several sentences or paragraphs, partial quotes inside reported speech. Each quote is tied to a
  speech cue in its own sentence(s) (through the dependency parse, else by adjacency), else to a
  contentless cue in the next sentence (``"…" That was how X put it.``), else — when the sentence is
  nothing but the quote — carried from the previous attribution of the paragraph
  (``X said in a statement. "…"``).
* **indirect speech** — a speech verb (its *lemma* in `SPEECH_LEMMAS`, found in the parse with a
  clausal complement, as the parataxis of a reported clause, or at the end of one) or
  ``according to X``, or ``in a statement, X …``; the content is the reported clause.

Speakers are the cue's subject noun phrase (with titles, compounds and possessives), appositive
names preferred ("the company's chief, Ines Moreau" → Moreau), statements resolved to their issuer
("a Harbour Authority press release" → the Harbour Authority) and pronouns resolved to the most recent compatible
speaker or main-clause subject of the paragraph, else of the previous ones.

`speaker_key` canonicalises a speaker for matching across articles: people by surname
("Minister Petrova", "Ms. Petrova", "Anya Petrova" → ``petrova``), an office or team by its owner
("Lind's campaign team", "the Lind campaign team" → ``lind:office``), organisations
lower-cased without articles ("the Harbour Authority" → ``harbour authority``). Role phrases ("the Tessalian president")
map to a name through an alias table that `extract` builds from how the article itself introduces
its people ("Tessalian President Ivo Maric", "Marek Hall, the opposition leader").

Everything here is pure Python over the parsed Docs: no extra spaCy calls.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from copydesk.bot.language.text import fold, paragraphs

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

    from copydesk.bot.language.doc import Parsed

__all__ = ["Attribution", "extract", "speaker_key", "same_speaker", "quote_spans", "SPEECH_LEMMAS"]

# ---------------------------------------------------------------------------------------------
# Lexicon (lemmas and head nouns, general English)
# ---------------------------------------------------------------------------------------------

#: Verbs of saying whose complement is reported speech (spaCy lemmas, both spellings).
SPEECH_LEMMAS = frozenset({
    "say", "tell", "add", "announce", "accuse", "insist", "note", "state", "declare", "claim", "deny",
    "confirm", "warn", "explain", "argue", "report", "write", "stress", "emphasize", "emphasise",
    "assert", "acknowledge", "admit", "reveal", "disclose", "predict", "promise", "vow", "pledge",
    "reiterate", "repeat", "comment", "remark", "reply", "respond", "answer", "conclude", "mention",
    "caution", "complain", "concede", "contend", "allege", "hint", "inform", "recall", "testify",
    "tweet", "blame", "maintain", "observe", "underline", "underscore", "suggest", "estimate",
    "assure", "boast", "lament", "threaten", "urge",
})
#: Verbs that attribute a quote but never report a clause of their own ("…," she continued).
QUOTE_ONLY_LEMMAS = frozenset({"call", "describe", "continue", "put", "joke", "quip", "shout", "scream",
                               "exclaim", "whisper", "recount", "brand", "dub", "label"})
_CUE_LEMMAS = SPEECH_LEMMAS | QUOTE_ONLY_LEMMAS
#: Verbs whose reported content is "OBJECT of/for …" ("accused the government of negligence").
ACCUSE_LEMMAS = frozenset({"accuse", "blame", "criticize", "criticise", "praise", "thank", "credit", "condemn"})
#: Verbs whose reported content may be an infinitive or gerund ("claimed to have…", "denied having…").
XCOMP_LEMMAS = frozenset({"claim", "deny", "admit", "promise", "vow", "pledge", "threaten", "urge", "acknowledge"})
#: Verbs with a listener object before the report ("told reporters that…").
LISTENER_LEMMAS = frozenset({"tell", "inform", "assure", "warn", "remind", "notify", "promise"})
#: Verbs that only count as speech with a clause (never as a bare quote cue).
CLAUSE_ONLY_LEMMAS = frozenset({"suggest", "estimate", "urge", "maintain", "observe", "recall"})

#: Nouns naming a written statement: their issuer speaks ("a ministry press release", "the statement").
STATEMENT_NOUNS = frozenset({
    "statement", "release", "readout", "communique", "communiqué", "communication", "announcement",
    "declaration", "memo", "letter", "transcript", "bulletin", "notice", "report", "tweet", "post",
})
#: Nouns for documents that speak for whoever published them ("figures published by the ministry"),
#: else for themselves ("according to port records").
DOCUMENT_NOUNS = frozenset({"figures", "figure", "data", "records", "record", "documents", "document", "estimates",
                            "statistics", "survey", "poll", "study", "filing", "filings", "minutes", "papers"})
#: Nouns for the people speaking on someone's behalf: "Lind's office" → lind:office.
OFFICE_NOUNS = frozenset({
    "office", "team", "campaign", "staff", "spokesman", "spokeswoman", "spokesperson", "spokespeople",
    "aide", "aides", "representative", "representatives", "press", "secretary", "camp", "entourage",
    "lawyer", "lawyers", "attorney", "attorneys", "spokesmen", "spokeswomen",
})
#: Head nouns of organisations: a capitalised phrase ending in one is not a person's name.
ORG_WORDS = frozenset({
    "ministry", "department", "house", "office", "agency", "council", "committee", "party", "government",
    "bank", "company", "corporation", "corp", "inc", "ltd", "union", "court", "police", "army", "navy",
    "service", "services", "commission", "board", "parliament", "assembly", "coastguard", "guard",
    "authority", "authorities", "administration", "institute", "university", "school", "hospital",
    "association", "federation", "league", "organisation", "organization", "group", "foundation",
    "fund", "forces", "force", "senate", "congress", "cabinet", "embassy",
    "consulate", "mission", "secretariat", "network", "news", "press", "times", "post", "agency",
    "airlines", "airways", "railways", "ferries", "lines", "club", "society", "centre", "center",
    "team", "campaign", "state", "states", "nations", "republic", "kingdom", "city", "county",
})
#: Nouns for people by role: subjects headed by one are persons (pronoun "he"/"she").
PERSON_NOUNS = frozenset({
    "president", "minister", "premier", "chancellor", "king", "queen", "prince", "princess", "pope",
    "spokesman", "spokeswoman", "spokesperson", "commander", "captain", "mayor", "governor", "senator",
    "congressman", "congresswoman", "lawmaker", "chief", "director", "secretary", "chairman",
    "chairwoman", "chair", "leader", "official", "officer", "manager", "executive", "ceo", "head",
    "founder", "judge", "lawyer", "attorney", "prosecutor", "inspector", "witness", "passenger",
    "resident", "survivor", "driver", "pilot", "doctor", "nurse", "teacher", "engineer", "expert",
    "analyst", "economist", "scientist", "researcher", "professor", "diplomat", "ambassador", "envoy",
    "bishop", "priest", "general", "colonel", "admiral", "sergeant", "harbourmaster", "harbormaster",
    "fisherman", "farmer", "owner", "worker", "employee", "member", "candidate", "nominee", "deputy",
    "aide", "adviser", "advisor", "negotiator", "activist", "campaigner", "organiser", "organizer",
    "coach", "player", "student", "man", "woman", "mother", "father", "son", "daughter", "wife",
    "husband", "boss", "veteran", "host", "presenter", "journalist", "reporter", "editor", "author",
    "writer", "mp", "councillor", "councilor", "sheriff", "constable", "superintendent", "detective",
    "rabbi", "imam", "emir", "sultan", "monarch", "vice", "president-elect", "premier-elect", "treasurer",
    "auditor", "regulator", "ombudsman", "commissioner", "trustee", "dean", "principal", "physician",
    "surgeon", "crew", "skipper", "operator", "spokesperson", "representative", "delegate", "senior",
})
#: Generic nouns by which an article refers back to an organisation it has named ("Brightwater
#: Ferries apologised … the company said" → the company is Brightwater Ferries).
GENERIC_ORG_NOUNS = frozenset({
    "company", "firm", "operator", "airline", "carrier", "business", "corporation", "manufacturer",
    "insurer", "lender", "retailer", "broadcaster", "publisher", "developer", "contractor", "group",
    "conglomerate", "chain", "utility", "charity", "startup", "automaker", "carmaker", "bank",
})
#: Heads of state or government: "Tessalian President X" also makes "the Tessalian leader" X.
LEADER_TITLES = frozenset({"president", "prime minister", "premier", "chancellor", "king", "queen", "emir",
                           "sultan", "monarch"})

#: Verbs by whose agent a statement is issued ("released by", not "seen by").
_ISSUING_LEMMAS = {"release", "issue", "publish", "prepare", "write", "send", "distribute", "post", "sign",
                   "produce", "compile", "draft", "circulate", "put"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "madam", "messrs"}
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_PREPOSITIONS = ("of", "for", "from", "at", "in", "with", "on", "within")
_PRONOUNS = {"he": "person", "she": "person", "it": "org", "they": "group", "him": "person", "her": "person"}
_RELATIVES = {"who", "which", "that"}
_MODALS = {"will", "would", "may", "might", "could", "should", "shall", "must", "can", "'ll", "wo", "ca"}

#: Share of a reported clause that must be quoted for it to count as a plain direct quote (below
#: it, the clause is also reported as indirect speech next to the partial quote).
QUOTED_CLAUSE_SHARE = 0.6

# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


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
            "speaker": self.speaker, "speaker_key": self.speaker_key, "cue": self.cue,
            "content": self.content, "direct": self.direct, "start": self.start, "end": self.end,
            "sentence": self.sentence, "quotes": [[s, e] for s, e in self.quotes],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Attribution":
        return cls(
            speaker=d["speaker"], speaker_key=d.get("speaker_key", ""), cue=d["cue"], content=d["content"],
            direct=bool(d["direct"]), start=int(d["start"]), end=int(d["end"]),
            sentence=int(d.get("sentence", 0)), quotes=[(int(s), int(e)) for s, e in d.get("quotes", [])],
        )


# ---------------------------------------------------------------------------------------------
# Quoted passages
# ---------------------------------------------------------------------------------------------

_DQ_OPEN = "“„«‟"
_DQ_CLOSE = "”»"
_DQ_ALL = _DQ_OPEN + _DQ_CLOSE + '"'
_SQ_OPEN = "‘‚"
_SQ_CLOSE = "’"
_OPEN_CONTEXT = "([{—–-/:"
_CLOSE_CONTEXT = ".,;:!?)]}—–-…" + _DQ_ALL + "’'"
_DQ_RE = re.compile('["“”„«»‟]')
_SQ_RE = re.compile("['‘’‚]")
#: Longest top-level single-quoted passage (single marks double as apostrophes).
_SINGLE_MAX = 300


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _context(text: str, p: int, lo: int, hi: int) -> tuple[bool, bool]:
    """(could open, could close) for the quote mark at p, from its neighbours."""
    prev = text[p - 1] if p > lo else " "
    nxt = text[p + 1] if p + 1 < hi else " "
    can_open = (prev.isspace() or prev in _OPEN_CONTEXT or prev in _DQ_OPEN + _SQ_OPEN) and not nxt.isspace()
    can_close = not prev.isspace() and (nxt.isspace() or nxt in _CLOSE_CONTEXT)
    return can_open, can_close


def _double_chains(text: str) -> list[list[tuple[int, int]]]:
    """Double-quoted passages as chains of parts: one part per paragraph a quote runs over (an
    opening mark left open at a paragraph's end continues when the next paragraph opens with a
    mark). Straight marks are told apart by their neighbours, then by alternation."""
    chains: list[list[tuple[int, int]]] = []
    paras = paragraphs(text)
    carry: list[tuple[int, int]] = []
    for k, para in enumerate(paras):
        lo, hi = para.start, para.end
        parts, carry = carry, []
        open_at: int | None = None
        for m in _DQ_RE.finditer(text, lo, hi):
            p, ch = m.start(), m.group(0)
            can_open, can_close = _context(text, p, lo, hi)
            if open_at is None:
                if ch in _DQ_OPEN or (ch == '"' and (can_open or not can_close)) or \
                        (ch in _DQ_CLOSE and can_open and not can_close):
                    open_at = p
                continue  # a stray closing mark opens nothing
            closes = ch in _DQ_CLOSE or (ch == '"' and (can_close or not can_open)) or \
                (ch in _DQ_OPEN and can_close and not can_open)
            if closes:
                s, e = _trim(text, open_at + 1, p)
                if s < e:
                    parts.append((s, e))
                if parts:
                    chains.append(parts)
                parts, open_at = [], None
            else:  # a second opening mark: the first one was never closed
                if parts:
                    chains.append(parts)
                parts, open_at = [], p
        if open_at is not None:
            s, e = _trim(text, open_at + 1, hi)
            if s < e:
                parts.append((s, e))
            nxt = paras[k + 1] if k + 1 < len(paras) else None
            if nxt is not None and text[nxt.start] in _DQ_OPEN + '"' and parts:
                carry = parts
                continue
        if parts:
            chains.append(parts)
    if carry:
        chains.append(carry)
    return chains


def _single_spans(text: str, lo: int, hi: int, blocked: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Single-quoted passages in text[lo:hi], skipping `blocked` ranges. An opening mark follows a
    space or bracket and precedes a letter; a closing one follows a non-space and precedes no
    letter (so apostrophes inside words — "don't", "Lind's" — never count)."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in _SQ_RE.finditer(text, lo, hi):
        p, ch = m.start(), m.group(0)
        if any(b0 <= p < b1 for b0, b1 in blocked):
            open_at = None
            continue
        prev = text[p - 1] if p > lo else " "
        nxt = text[p + 1] if p + 1 < hi else " "
        opener = ch != "’" and (prev.isspace() or prev in _OPEN_CONTEXT or prev in _DQ_OPEN) and nxt.isalnum() \
            and not re.match(r"\d0s\b|\d\ds\b|(?:em|tis|twas|n)\b", text[p + 1:p + 5], re.IGNORECASE)
        closer = ch != "‘" and not prev.isspace() and not nxt.isalnum()
        if open_at is not None and closer:
            if prev in "sS" and nxt == " " and p + 2 < hi and text[p + 2].islower():
                # "the leaders' views": a plural possessive, unless no other closing mark follows
                later = [q.start() for q in _SQ_RE.finditer(text, p + 1, hi)
                         if not text[q.start() - 1].isspace()
                         and (q.start() + 1 >= hi or not text[q.start() + 1].isalnum())]
                if later:
                    continue
            s, e = _trim(text, open_at + 1, p)
            if e - s >= 2 and p - open_at <= _SINGLE_MAX:
                spans.append((s, e))
            open_at = None
        elif opener:
            open_at = p
    return spans


def _quote_chains(text: str) -> list[list[tuple[int, int]]]:
    """Top-level quoted passages (double marks, and single marks outside them), as chains of parts
    in text order."""
    chains = _double_chains(text)
    blocked = sorted((c[0][0] - 1, c[-1][1] + 1) for c in chains)
    for para in paragraphs(text):
        inside = [b for b in blocked if b[0] < para.end and para.start < b[1]]
        chains.extend([s] for s in _single_spans(text, para.start, para.end, inside))
    chains.sort(key=lambda c: c[0][0])
    return chains


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Every quoted passage of `text` as (start, end) offsets exclusive of the marks: straight and
    curly double marks, « », single marks, and single quotes nested inside double ones. A quote
    running over paragraphs gives one span per paragraph."""
    out: set[tuple[int, int]] = set()
    for chain in _quote_chains(text):
        for s, e in chain:
            out.add((s, e))
            if any(text[s:e].count(ch) for ch in "'‘’"):
                out.update(_single_spans(text, s, e))
    return sorted(out)


# ---------------------------------------------------------------------------------------------
# Speaker keys
# ---------------------------------------------------------------------------------------------

_ACRONYM_RE = re.compile(r"\b((?:[A-Za-z]\.){2,})")


def _clean_name(name: str) -> str:
    s = fold(name)
    s = _ACRONYM_RE.sub(lambda m: m.group(1).replace(".", ""), s)
    s = re.sub(r"\s*-\s*", "-", s)  # "President - elect" → "President-elect"
    s = re.sub(r"\s+", " ", s)
    return s.strip(" ,.;:\"'()[]—–")


def _norm_phrase(name: str) -> str:
    """Lower-case phrase without leading determiners and honorifics: the alias-table form."""
    words = _clean_name(name).split()
    while words and words[0].lower().rstrip(".") in _DETERMINERS | _HONORIFICS:
        words.pop(0)
    return " ".join(words).lower()


def speaker_key(name: str, aliases: dict[str, str] | None = None) -> str:
    """The canonical key of a speaker, for matching the same speaker across articles.

    People → surname ("Tessalian President Ivo Maric", "Mr. Maric" → "maric"); offices and teams →
    owner + ":office" ("Lind's campaign team", "the Lind campaign team" → "lind:office");
    a statement → its issuer ("a Harbour Authority press release" → "harbour authority");
    organisations and groups → the lower-case phrase without articles ("the Harbour Authority" →
    "harbour authority", "Port officials" → "port
    officials"). `aliases` (normalised phrase → key, see `build_aliases`) is consulted first, so role
    phrases the article introduced ("the Tessalian president") map to the person's key.
    """
    aliases = aliases or {}
    s = _clean_name(name)
    if not s:
        return ""
    parts = re.split(r"\s+(?:and|&)\s+|,\s+", s)
    if len(parts) > 1 and all(p.strip() for p in parts):
        keys = sorted({speaker_key(p, aliases) for p in parts} - {""})
        whole = _norm_phrase(s)
        if whole in aliases:
            return aliases[whole]
        return "+".join(keys)
    words = s.split()
    while words and words[0].lower().rstrip(".") in _DETERMINERS | _HONORIFICS:
        words.pop(0)
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]  # "Lind's" (the owner of an unnamed statement)
    words = [w for w in words if w]
    if not words:
        return ""
    # possessive: "Lind's office", "Tessaly's foreign ministry", "the ferry's captain"
    for i, w in enumerate(words[:-1]):
        if w.endswith("'s") or w.endswith("s'"):
            owner = " ".join(words[:i] + [w[:-2] if w.endswith("'s") else w[:-1]])
            rest = words[i + 1:]
            okey = speaker_key(owner, aliases)
            head = rest[-1].lower()
            if head in OFFICE_NOUNS:
                return f"{okey}:office"
            if head in STATEMENT_NOUNS:  # a person's statement comes from their office
                return f"{okey}:office" if okey in aliases.values() and ":" not in okey else okey
            return f"{okey}:{' '.join(rest).lower()}"
    lookup = " ".join(words).lower()
    if lookup in aliases:
        return aliases[lookup]
    # prepositional phrase: "a spokesman for the ministry", "residents of Hessel"
    for i, w in enumerate(words):
        if i and w in _PREPOSITIONS and i + 1 < len(words):
            head = words[i - 1].lower()
            if head in OFFICE_NOUNS:
                return f"{speaker_key(' '.join(words[i + 1:]), aliases)}:office"
            if head in STATEMENT_NOUNS:
                return speaker_key(" ".join(words[i + 1:]), aliases)
            return lookup
    head = words[-1].lower()
    caps = [w for w in words[:-1] if w[:1].isupper()]
    # an office or a statement named after its owner: "the Lind campaign team", "Ministry statement"
    if len(words) > 1 and caps and (head in OFFICE_NOUNS - {"press"} or head in STATEMENT_NOUNS):
        owner_words = []
        for w in words[:-1]:
            if not w[:1].isupper():
                break
            owner_words.append(w)
        if owner_words and not any(w.lower() in PERSON_NOUNS for w in owner_words[-1:]):
            okey = speaker_key(" ".join(owner_words), aliases)
            return okey if head in STATEMENT_NOUNS else f"{okey}:office"
    # a name: the trailing run of capitalised words after titles ("coastguard commander Rita Okafor")
    run: list[str] = []
    for w in reversed(words):
        if not w[:1].isupper():
            break
        run.insert(0, w)
    while len(run) > 1 and run[-1].lower().rstrip(".") in _NAME_SUFFIXES:
        run.pop()
    if run:
        last = run[-1].lower()
        base = last.split("-")[0]
        if last in ORG_WORDS or base in PERSON_NOUNS or last in PERSON_NOUNS:
            return lookup  # an organisation or a bare title: "Foreign Ministry", "President"
        return last
    return lookup


def same_speaker(a: str, b: str) -> bool:
    """Whether two speaker keys name the same speaker (unknown speakers never match)."""
    a, b = (a or "").strip().lower(), (b or "").strip().lower()
    if not a or not b:
        return False
    if a == b:
        return True
    # "hall+lind" and "lind+hall" (keys of coordinated speakers are sorted, but be lenient)
    return "+" in a and set(a.split("+")) == set(b.split("+"))


# ---------------------------------------------------------------------------------------------
# Article-level context
# ---------------------------------------------------------------------------------------------


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


@dataclass
class _Cue:
    sent: int
    token: "Token"
    cue: str  # lemma, "according to", or a statement noun
    speaker: _Speaker | None
    pos: int  # absolute offset of the cue word
    phrase: tuple[int, int]  # token range (inclusive) of the cue with its speaker, in the sentence
    region: list[tuple[int, int]] = field(default_factory=list)  # reported clause, absolute offsets
    chains: list[int] = field(default_factory=list)  # quote chains tied to this cue
    quote_only: bool = False


def _person_surname(name: str) -> str:
    words = [w for w in _clean_name(name).split() if w.lower().rstrip(".") not in _HONORIFICS]
    while len(words) > 1 and words[-1].lower().rstrip(".") in _NAME_SUFFIXES:
        words.pop()
    if not words:
        return ""
    last = words[-1].lower()
    return last[:-2] if last.endswith("'s") else last


def _role_before(doc: "Doc", start: int) -> str:
    """Title words right before a name: "Tessalian President" in "Tessalian President Ivo Maric"."""
    j = start
    while j > 0 and start - j < 6:
        t = doc[j - 1]
        if t.pos_ in ("DET", "PRON", "CCONJ", "ADP", "VERB", "AUX", "NUM") or t.ent_type_ == "PERSON" \
                or (t.is_punct and t.text not in ("-", "–")) or t.tag_ == "POS":
            break
        j -= 1
    if j == start:
        return ""
    role = _norm_phrase(doc[j:start].text)
    last = role.split()[-1] if role else ""
    if not last or not (last in PERSON_NOUNS or last.split("-")[0] in PERSON_NOUNS or last.endswith("-elect")):
        return ""
    return role


def build_aliases(docs: Iterable["Doc"]) -> tuple[dict[str, str], set[str]]:
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
            if len(words) > len(tw) and words[-len(tw):] == tw:
                roles.setdefault(" ".join(words[:-len(tw)] + ["leader"]), set()).add(key)

    for doc in docs:
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                key = _person_surname(ent.text)
                if not key or not ent.text[:1].isupper():
                    continue
                persons.add(key)
                aliases.setdefault(_norm_phrase(ent.text), key)
                role = _role_before(doc, ent.start)
                if role:
                    add_role(role, key)
                root = ent.root
                for c in root.children:  # "Hall, the opposition leader,"
                    if c.dep_ == "appos" and c.pos_ == "NOUN":
                        add_role(_norm_phrase(doc[c.left_edge.i:c.i + 1].text), key)
                if root.dep_ == "appos" and root.head.pos_ == "NOUN":  # "the commander, Rita Okafor,"
                    h = root.head
                    add_role(_norm_phrase(doc[h.left_edge.i:h.i + 1].text), key)
    for role, keys in roles.items():
        if len(keys) == 1 and role:
            aliases.setdefault(role, next(iter(keys)))
    return aliases, persons


class _Article:
    """Everything `extract` needs about one parsed article."""

    def __init__(self, parsed: "Parsed"):
        self.parsed = parsed
        self.text = parsed.text
        self.sents = parsed.sentences
        self.docs = parsed.docs
        self.starts = [s.start for s in self.sents]
        self.chains = _quote_chains(self.text)
        self.parts = sorted((s, e, ci) for ci, c in enumerate(self.chains) for s, e in c)
        self.part_starts = [p[0] for p in self.parts]
        self.aliases, self.persons = build_aliases(self.docs)
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

    def abs(self, i: int, tok: "Token") -> int:
        return self.sents[i].start + tok.idx

    def tok_in_quote(self, i: int, tok: "Token") -> bool:
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
        for m in reversed(self.mentions):
            if m.sent >= i:
                continue
            if para - m.para > 2:
                break
            if m.speaker.kind in wanted:
                return m.speaker
        return None

    def speaker(self, i: int, tok: "Token", depth: int = 0) -> _Speaker | None:
        """The speaker named by the noun phrase headed by `tok` in sentence i."""
        doc = tok.doc
        low = tok.lower_
        if low in _PRONOUNS and tok.pos_ == "PRON":
            return self.resolve(_PRONOUNS[low], i)
        if tok.pos_ == "PRON":
            return None  # I, we, you, someone…
        if depth > 3:
            return None
        # coordinated speakers: "Hall and Lind"
        conjs = [c for c in tok.children if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")]
        if conjs:
            members = [self.speaker(i, t, depth + 1) for t in [tok] + conjs]
            members = [m for m in members if m]
            if len(members) > 1:
                lo = tok.left_edge.i
                hi = max(c.i for c in conjs)
                display = doc[lo:hi + 1].text
                keys = sorted({k for m in members for k in m.key.split("+")})
                return _Speaker(display, "+".join(keys), "group")
        # a statement speaks for its issuer; a document for its publisher, if named
        if tok.lemma_.lower() in STATEMENT_NOUNS and tok.pos_ == "NOUN":
            return self._issuer(i, tok, depth)
        if tok.lower_ in DOCUMENT_NOUNS and tok.pos_ == "NOUN":
            publisher = self._issuer(i, tok, depth, resolve=False)
            if publisher is not None:
                return publisher
        # a role with an appositive name: "the company's safety chief, Ines Moreau,"
        for c in tok.children:
            if c.dep_ == "appos" and (c.ent_type_ == "PERSON" or (
                    c.pos_ == "PROPN" and tok.lemma_.lower() in PERSON_NOUNS | OFFICE_NOUNS)):
                return self.speaker(i, c, depth + 1)
        lo, hi = self._np_range(tok)
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in GENERIC_ORG_NOUNS and hi == tok.i and lo == tok.i - 1 \
                and doc[lo].lower_ in ("the", "this"):
            named = self.resolve_named_org(i)
            if named is not None:
                return named  # "the company" after "Brightwater Ferries …"
        display = doc[lo:hi + 1].text.strip(" ,")
        if not display:
            return None
        key = speaker_key(display, self.aliases)
        if not key:
            return None
        kind = self._kind(tok, key)
        named_org = kind in ("org", "name") and tok.pos_ == "PROPN" and tok.ent_type_ == "ORG" and ":" not in key
        return _Speaker(display, key, kind, named_org)

    def resolve_named_org(self, i: int) -> _Speaker | None:
        """The latest organisation named by its name (as a subject or speaker) before sentence i."""
        for m in reversed(self.mentions):
            if m.sent < i and m.speaker.named_org:
                return m.speaker
        return None

    def _np_range(self, tok: "Token") -> tuple[int, int]:
        lo = hi = tok.i
        for c in tok.lefts:
            if c.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "quantmod", "case", "flat") \
                    or (c.dep_ == "punct" and c.text in "-–"):
                lo = min(lo, c.left_edge.i)
        for c in tok.rights:
            if c.dep_ in ("compound", "flat", "nummod"):
                hi = max(hi, c.right_edge.i)
            elif c.dep_ == "prep" and c.lower_ in _PREPOSITIONS and tok.pos_ == "NOUN" \
                    and any(g.dep_ == "pobj" for g in c.children):
                hi = max(hi, c.right_edge.i)
            elif c.dep_ == "amod" and c.i == hi + 1 and tok.pos_ == "NOUN":
                hi = max(hi, c.right_edge.i)  # "a source close to the talks", "officials familiar with…"
        doc = tok.doc
        while lo < tok.i and (doc[lo].is_punct or doc[lo].text in _DQ_ALL):
            lo += 1
        while hi > tok.i and (doc[hi].is_punct or doc[hi].text in _DQ_ALL):
            hi -= 1
        return lo, hi

    def _kind(self, tok: "Token", key: str) -> str:
        lemma = tok.lemma_.lower()
        if tok.tag_ in ("NNS", "NNPS") and tok.ent_type_ != "ORG":
            return "group"
        if ":" in key or lemma in OFFICE_NOUNS - {"spokesman", "spokeswoman", "spokesperson"}:
            return "org"
        if tok.ent_type_ == "PERSON" or key in self.persons or lemma in PERSON_NOUNS:
            return "person"
        if tok.pos_ == "PROPN" and " " not in key and key == tok.lower_ and tok.i > 0 \
                and tok.doc[tok.i - 1].dep_ == "compound" and tok.doc[tok.i - 1].pos_ == "PROPN":
            return "person"  # a first and last name the tagger took for an organisation
        if tok.ent_type_ == "ORG" and tok.pos_ == "PROPN" and key == tok.lower_ and lemma not in ORG_WORDS \
                and not tok.text.isupper():
            return "name"  # "Brandt", "Reuters": a person or an organisation
        if tok.ent_type_ in ("ORG", "GPE", "NORP", "FAC", "PRODUCT"):
            return "org"
        return "person" if tok.pos_ == "PROPN" and not tok.ent_type_ else "org"

    def _issuer(self, i: int, tok: "Token", depth: int, resolve: bool = True) -> _Speaker | None:
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
                return _Speaker(tok.doc[lo:tok.i + 1].text, f"{owner.key}:office", "org")
        names = [c for c in tok.lefts if c.dep_ in ("compound", "nmod") and
                 (c.pos_ == "PROPN" or c.ent_type_ in ("ORG", "PERSON"))]
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

    def add_mention(self, i: int, speaker: _Speaker | None) -> None:
        if speaker is not None:
            self.mentions.append(_Mention(i, self.sents[i].para, speaker))


# ---------------------------------------------------------------------------------------------
# Cues
# ---------------------------------------------------------------------------------------------


def _subject(tok: "Token") -> "Token | None":
    """The subject of a speech verb, climbing through conjunctions, adverbial and participial
    clauses ("…, adding that", "was quoted as saying") and relative clauses."""
    cur = tok
    for _ in range(4):
        # several subjects (a dateline parsed as one: "PORT ALDANE — the government said"): the
        # closest to the verb
        subjects = [c for c in cur.children if c.dep_ == "nsubj"]
        subj = min(subjects, key=lambda c: abs(c.i - cur.i)) if subjects else None
        if subj is not None:
            if subj.lower_ in _RELATIVES and cur.dep_ == "relcl":
                return cur.head
            return subj
        if cur.lemma_.lower() == "quote":
            passive = next((c for c in cur.children if c.dep_ == "nsubjpass"), None)
            if passive is not None:
                return passive
        if cur.dep_ == "acl" and cur.head.lemma_.lower() in STATEMENT_NOUNS:
            return cur.head  # "a statement disclosing that…"
        if cur.dep_ in ("conj", "advcl", "xcomp", "pcomp", "prep") and cur.head.i != cur.i:
            cur = cur.head
            continue
        break
    return None


def _is_speech_verb(tok: "Token") -> bool:
    lemma = tok.lemma_.lower()
    if lemma not in SPEECH_LEMMAS and lemma not in QUOTE_ONLY_LEMMAS:
        return False
    if tok.pos_ != "VERB" or tok.tag_ == "JJ" or tok.dep_ in ("amod", "compound", "nmod", "npadvmod", "nsubj",
                                                                "dobj", "pobj"):
        return False  # "the said agreement"
    kids = list(tok.children)
    if any(c.dep_ == "neg" for c in kids):
        return False  # "did not say"
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in _MODALS for c in kids):
        return False  # "will announce"
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in kids):
        return False  # "is expected to announce", "declined to comment"
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in kids):
        return False  # "it was announced that" (no speaker)
    if lemma == "put" and not any(c.dep_ == "dobj" and c.lower_ == "it" for c in kids):
        return False
    return True


def _cue_phrase(art: "_Article", i: int, tok: "Token", subj: "Token | None") -> tuple[int, int]:
    """Token range of the cue with its own non-clausal dependents (outside quotes) and its subject."""
    lo = hi = tok.i
    for c in tok.children:
        if c.dep_ in ("ccomp", "xcomp", "parataxis", "conj", "cc", "advcl", "dep", "punct", "csubj") \
                or art.tok_in_quote(i, c):
            continue
        lo, hi = min(lo, c.left_edge.i), max(hi, c.right_edge.i)
    if subj is not None and subj.head.i == tok.i:
        lo, hi = min(lo, subj.left_edge.i), max(hi, subj.right_edge.i)
    return lo, hi


def _has_clause(doc: "Doc", lo: int, hi: int) -> bool:
    return any(t.pos_ in ("VERB", "AUX") for t in doc[lo:hi])


def _strip_tokens(doc: "Doc", lo: int, hi: int) -> tuple[int, int]:
    """[lo, hi) without edge punctuation and a leading complementiser ("that")."""
    while lo < hi and (doc[lo].is_punct and doc[lo].text not in _DQ_ALL + "‘'" or
                       (doc[lo].dep_ == "mark" and doc[lo].lower_ in ("that",))):
        lo += 1
    while hi > lo and doc[hi - 1].is_punct and doc[hi - 1].text not in _DQ_ALL + "’'":
        hi -= 1
    return lo, hi


def _zero_relative(tok: "Token") -> "Token | None":
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
            while anc.i != anc.head.i and anc.i != tok.i and not (anc.dep_ == "advcl" and
                                                                    _is_speech_verb(anc)):
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
    # a trailing cue: "CLAUSE, X said." — the whole clause before the comma is the content
    prev = plo - 1
    while prev >= 0 and doc[prev].text in _DQ_ALL:
        prev -= 1
    trailing = plo > 0 and prev >= 0 and doc[prev].text in (",", "—", "–", "-") and tail_only(phi + 1) \
        and all(c.i < plo for c in ccomps) and _has_clause(doc, 0, prev) \
        and not any(not t.is_punct for t in doc[phi + 1:] if art.tok_in_quote(i, t))
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
                comma = next((t.i for t in doc[c.i:hi] if t.text == "," and not art.tok_in_quote(i, t)), None)
                hi = comma if comma is not None else hi
            add(c.left_edge.i, hi)
    elif lemma in LISTENER_LEMMAS and _zero_relative(tok) is not None:
        # "told officers he had fallen asleep": the parser read the report as a relative clause
        r = _zero_relative(tok)
        add(r.left_edge.i, r.right_edge.i + 1)
    elif lemma in ACCUSE_LEMMAS:
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        if obj is not None:
            prep = next((c for c in list(tok.children) + list(obj.children)
                         if c.dep_ == "prep" and c.lower_ in ("of", "for", "over")), None)
            if prep is not None:
                add(obj.left_edge.i, max(obj.right_edge.i, prep.right_edge.i) + 1)
    elif lemma in XCOMP_LEMMAS:
        x = next((c for c in tok.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
        if x is not None:
            add(x.left_edge.i, x.right_edge.i + 1)
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
            cue = _Cue(i, tok, lemma, speaker, art.abs(i, tok), _cue_phrase(art, i, tok, subj),
                       quote_only=lemma in QUOTE_ONLY_LEMMAS)
            if not cue.quote_only:
                cue.region = _region(art, i, cue)
            cues.append(cue)
    if not cues:
        cues.extend(_statement_cue(art, i))
    return cues


def _statement_cue(art: _Article, i: int) -> list[_Cue]:
    """"In a statement, the ministry expressed regret…": a statement noun introducing a clause."""
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
    if subj.pos_ == "NOUN" and subj.lemma_.lower() not in PERSON_NOUNS | OFFICE_NOUNS | ORG_WORDS \
            and not subj.ent_type_ and subj.tag_ != "NNS":
        return None  # "the ship", "the year 2017": not someone who might speak
    return art.speaker(i, subj)


# ---------------------------------------------------------------------------------------------
# Tying quotes to cues
# ---------------------------------------------------------------------------------------------


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
    # adjacency: only the cue's own phrase and punctuation between the quote and the cue
    plo, phi = cue.phrase
    first_in = next((t.i for t in doc if base + t.idx >= lo_abs), None)
    last_in = max((t.i for t in doc if base + t.idx < hi_abs), default=None)
    if last_in is not None and last_in < plo:
        between = doc[last_in + 1:plo]
    elif first_in is not None and first_in > phi:
        between = doc[phi + 1:first_in]
    else:
        return None
    if all(t.is_punct or t.text in _DQ_ALL for t in between):
        return 2
    return None


def _quote_dominant(art: _Article, chain: list[tuple[int, int]]) -> bool:
    """The quote opens its sentence and its sentences hold no verb outside it."""
    first, last = art.sent_of(chain[0][0]), art.sent_of(chain[-1][1] - 1)
    if art.text[art.sents[first].start:chain[0][0]].strip(" " + _DQ_ALL + "‘'(—–-"):
        return False
    for i in range(first, last + 1):
        for t in art.docs[i]:
            if t.pos_ in ("VERB", "AUX") and not art.tok_in_quote(i, t):
                return False
    return True


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
        inner = [x for x in linked if not any(y is not x and any(s <= y[2].pos < e for s, e in x[2].region)
                                              for y in linked)]
        if inner or linked:
            min(inner or linked, key=lambda x: x[:2])[2].chains.append(ci)
            continue
        para = art.sents[last].para
        nxt = last + 1
        tail = art.text[chain[-1][1]:art.sents[last].end].strip(" " + _DQ_ALL + ".,!?…’'")
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
        if prior:
            carried.append((max(prior, key=lambda c: c.pos), [ci], True))
    groups = [(c, c.chains, False) for c in cues if c.chains]
    return groups + carried


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------

_EDGE_PUNCT = " ,;:—–-"


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


def extract(parsed: "Parsed") -> list[Attribution]:
    """Every attribution of a parsed article, in text order."""
    if not parsed.sentences:
        return []
    art = _Article(parsed)
    cues: list[_Cue] = []
    for i in range(len(art.sents)):
        found = _find_cues(art, i)
        cues.extend(found)
        for c in found:
            art.add_mention(i, c.speaker)
        root = _root_subject(art, i)
        if root is not None and not any(c.speaker is root for c in found):
            art.add_mention(i, root)

    out: list[Attribution] = []
    for cue, chain_ids, _carried in _assign(art, cues):
        sp = cue.speaker
        parts = [p for ci in chain_ids for p in art.chains[ci]]
        parts.sort()
        content = _clean_content(" ".join(art.text[s:e] for s, e in parts))
        if not content:
            continue
        out.append(Attribution(sp.display, sp.key, cue.cue, content, True, parts[0][0], parts[-1][1],
                               art.sent_of(parts[0][0]), parts))
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
        out.append(Attribution(sp.display, sp.key, cue.cue, content, False, regions[0][0], regions[-1][1],
                               art.sent_of(regions[0][0]), []))
    out.sort(key=lambda a: (a.start, not a.direct, a.end))
    return out

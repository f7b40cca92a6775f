"""Claim extraction: the checkable statements of an article, each with a normal form that
comparison uses (content terms, entities, predicate, figures with approximation, dates, negation,
speaker)."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

from rapidfuzz import fuzz

from copydesk.bot.language import lexicon
from copydesk.bot.language.attributions import SPEECH_LEMMAS
from copydesk.bot.language.text import normalize

CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}
_GENERIC = frozenset(
    """be have do say tell add note also then there here very just still even really well so now
    reportedly separately however meanwhile thing way time lot kind part one other such own""".split()
)
_ENT_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
_UNIT_ALIASES = {"%": "percent", "per": "percent", "pct": "percent", "percentage": "percent", "$": "usd",
                 "dollar": "usd", "us$": "usd", "€": "eur", "euro": "eur", "£": "gbp", "pound": "gbp",
                 "yr": "year", "anniversary": "year", "people": "person", "individual": "person"}
_CURRENCY = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}


@dataclass
class Number:
    value: float
    low: float
    high: float
    unit: str
    text: str
    approx: str = ""
    anchor: str = ""  # the verb the figure belongs to ("killed 18 people" -> "kill")

    def compatible(self, other: "Number") -> bool:
        return self.low <= other.high and other.low <= self.high


@dataclass
class Claim:
    sentence: int
    start: int
    end: int
    text: str
    terms: list[str]
    entities: list[str]
    persons: list[str]
    predicate: str
    verbs: list[str] = field(default_factory=list)  # the statement's verbs, speech verbs left out
    main: list[str] = field(default_factory=list)  # its main predicates (the root, or what a speech verb reports)
    numbers: list[Number] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    negated: bool = False
    negations: list[str] = field(default_factory=list)  # the verbs that are negated
    speaker: str | None = None
    direct: bool = False
    modifiers: list[list[str]] = field(default_factory=list)  # [word, *its anchors: head, grandhead, neighbours]

    def to_dict(self) -> dict:
        return asdict(self)

    def keyset(self) -> frozenset[str]:
        """Content terms with synonyms folded, plus entities (computed once)."""
        try:
            return self._keys  # type: ignore[attr-defined]
        except AttributeError:
            self._keys = frozenset(lexicon.canon(t) for t in self.terms) | frozenset(self.entities)
            return self._keys

    @classmethod
    def from_dict(cls, d: dict) -> "Claim":
        d = dict(d)
        d["numbers"] = [Number(**n) for n in d.get("numbers", [])]
        return cls(**d)


# ------------------------------------------------------------------ figures
def _num_value(tokens) -> tuple[float, float] | None:
    """Value and precision of a run of number tokens ("3.5 million", "1,200", "two hundred")."""
    value, precision, seen = None, 1.0, False
    for tok in tokens:
        t = tok.lower_.replace(",", "")
        if t in lexicon.SCALES and seen:
            value *= lexicon.SCALES[t]
            precision *= lexicon.SCALES[t]
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?", t):
            v = float(t)
            if "." in t:
                precision = 10 ** -len(t.split(".")[1])
            elif v >= 100:
                zeros = len(t) - len(t.rstrip("0"))
                precision = 10.0 ** zeros if zeros else 1.0
            value, seen = v, True
        elif t in lexicon.NUMBER_WORDS:
            v = float(lexicon.NUMBER_WORDS[t])
            if seen and v == 100:
                value *= 100
            elif seen and value is not None and value >= 20 and v < 10:
                value += v
            else:
                value, seen = v, True
        else:
            return None
    return (value, precision) if seen and value is not None else None


def _approx_before(doc, i: int) -> str:
    words = [t.lower_ for t in doc[max(0, i - 3):i]]
    for n in (3, 2, 1):
        phrase = " ".join(words[-n:]) if len(words) >= n else None
        if phrase and (phrase in lexicon.APPROX_LOWER or phrase in lexicon.APPROX_UPPER
                       or phrase in lexicon.APPROX_AROUND):
            return phrase
    return ""


def _interval(value: float, precision: float, approx: str) -> tuple[float, float]:
    half = precision / 2 if precision > 1 or precision < 1 else 0.0
    if approx in lexicon.APPROX_AROUND and approx not in ("nearly", "almost", "just under"):
        return value * 0.9 - half, value * 1.1 + half
    if approx in ("nearly", "almost", "just under", "not quite", "shy of", "close to"):
        return value * 0.85, value + half
    if approx in lexicon.APPROX_LOWER:
        return value, math.inf
    if approx in lexicon.APPROX_UPPER:
        return 0.0, value
    return value - half, value + half


def _unit_after(doc, end: int) -> tuple[str, int]:
    """The unit of a figure ending at token `end`: (normalised lemma, index past the unit token)."""
    for tok in doc[end:end + 3]:
        if tok.is_punct and tok.text not in ("%",):
            return "", end
        if tok.text == "%":
            return "percent", tok.i + 1
        if tok.pos_ in ("NOUN", "PROPN") or tok.lower_ in ("percent", "per"):
            lemma = tok.lemma_.lower()
            return _UNIT_ALIASES.get(lemma, lemma), tok.i + 1
        if tok.pos_ not in ("ADJ", "ADV", "NUM", "PUNCT", "SYM") and tok.lower_ not in ("-",):
            return "", end
    return "", end


def _anchor(tok) -> str:
    """The lemma of the nearest verb governing a figure (or of its noun)."""
    node = tok
    for _ in range(6):
        if node.pos_ in ("VERB",) and node.lemma_.lower() not in ("be", "have"):
            return node.lemma_.lower()
        if node.head.i == node.i:
            break
        node = node.head
    return ""


def _reporting_time(tok) -> bool:
    """A date that tells when something was said ("the airport said on Saturday"), not when it happened."""
    return _anchor(tok) in SPEECH_LEMMAS


def figures(doc) -> tuple[list[Number], list[str]]:
    """Figures (with unit and approximation) and dates of a parsed sentence."""
    numbers: list[Number] = []
    dates: list[str] = []
    i, n = 0, len(doc)
    while i < n:
        tok = doc[i]
        low = tok.lower_
        if low in lexicon.WEEKDAYS:
            if not _reporting_time(tok):
                dates.append(f"{low}@{_anchor(tok)}")
        elif low in lexicon.MONTHS and tok.pos_ == "PROPN":
            day = doc[i + 1].text if i + 1 < n and doc[i + 1].text.isdigit() and int(doc[i + 1].text) <= 31 else ""
            if not _reporting_time(tok):
                dates.append(f"{low} {int(day)}@{_anchor(tok)}" if day else f"{low}@{_anchor(tok)}")
            if day:
                i += 2
                continue
        if tok.like_num and not (i > 0 and doc[i - 1].lower_ in ("no", "no.", "number")) and low not in ("one",):
            j = i + 1
            while j < n and (doc[j].like_num or doc[j].lower_ in lexicon.SCALES) and doc[j].lower_ != "one":
                j += 1
            parsed = _num_value(doc[i:j])
            if parsed:
                value, precision = parsed
                unit, past = _unit_after(doc, j)
                start = i
                if i > 0 and doc[i - 1].text in _CURRENCY:
                    unit, start = _CURRENCY[doc[i - 1].text], i - 1
                is_year = (re.fullmatch(r"(1[89]|20)\d\d", doc[i].text) is not None and j == i + 1
                           and unit == "")
                if is_year:
                    dates.append(f"{doc[i].text}@{_anchor(doc[i])}")
                elif not (doc[i].ent_type_ == "DATE" and unit == "" ) and not doc[i].text.endswith(("st", "nd", "rd", "th")):
                    approx = _approx_before(doc, i - (1 if unit in _CURRENCY.values() and i > 0 and doc[i - 1].text in _CURRENCY else 0))
                    lo, hi = _interval(value, precision, approx)
                    numbers.append(Number(value, lo, hi, unit, doc[start:max(j, past)].text, approx,
                                          _anchor(doc[i])))
            i = j
            continue
        i += 1
    return numbers, dates


# ------------------------------------------------------------------ claims
def _entity_key(ent) -> str:
    text = re.sub(r"^(the|a|an)\s+", "", ent.text.lower()).replace("’s", "").replace("'s", "").strip()
    if ent.label_ == "PERSON":
        return text.split()[-1] if text.split() else text
    return normalize(text)


_LIGHT = ("be", "have", "do")


def main_predicates(root) -> list[str]:
    """The verbs that say what the statement is about: the root, looking through speech verbs
    ("X said that Y failed" -> fail) and light verbs ("is ready to maintain" -> maintain), with
    their coordinated verbs."""
    todo, seen, out = [root], set(), set()
    while todo:
        tok = todo.pop()
        if tok.i in seen:
            continue
        seen.add(tok.i)
        lemma = tok.lemma_.lower()
        through = lemma in SPEECH_LEMMAS or lemma in _LIGHT or tok.pos_ not in ("VERB",)
        if not through:
            out.add(lexicon.canon(lemma))
        for child in tok.children:
            if child.dep_ == "conj" and child.pos_ == "VERB":
                todo.append(child)
            elif through and child.dep_ in ("ccomp", "xcomp", "acomp", "attr", "parataxis"):
                todo.append(child)
    return sorted(out)


def is_claim(doc, text: str) -> bool:
    """A checkable statement: a clause with a verb and something to check (a name, a figure, a date),
    not a question, not a fragment."""
    if text.rstrip().endswith("?") or len([t for t in doc if not t.is_punct]) < 5:
        return False
    if not any(t.pos_ in ("VERB", "AUX") for t in doc):
        return False
    has_fact = any(e.label_ in _ENT_LABELS | {"DATE", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "TIME"} for e in doc.ents)
    has_subject = any(t.dep_ in ("nsubj", "nsubjpass") and t.pos_ in ("PROPN", "NOUN") for t in doc)
    return has_fact or has_subject


def extract(parsed, attributions=()) -> list[Claim]:
    """The claims of a parsed article; `attributions` give each sentence its speaker."""
    speakers: dict[int, tuple[str, bool]] = {}
    for a in attributions:
        for i, s in enumerate(parsed.sentences):
            if s.start < a.end and a.start < s.end and i not in speakers:
                speakers[i] = (a.speaker_key, a.direct and (a.end - a.start) >= 0.5 * (s.end - s.start))
    claims = []
    for i, (span, doc) in enumerate(zip(parsed.sentences, parsed.docs)):
        if not is_claim(doc, span.text):
            continue
        numbers, dates = figures(doc)
        ent_tokens = {t.i for e in doc.ents for t in e}
        terms = []
        for t in doc:
            if t.pos_ in CONTENT_POS and not t.is_stop and t.lemma_.lower() not in _GENERIC and not t.like_num \
                    and len(t.text) > 1 and t.ent_type_ not in ("DATE", "TIME"):
                terms.append(t.lemma_.lower())
        entities = sorted({_entity_key(e) for e in doc.ents if e.label_ in _ENT_LABELS})
        persons = sorted({_entity_key(e) for e in doc.ents if e.label_ == "PERSON"})
        root = next((t for t in doc if t.dep_ == "ROOT"), doc[0])
        verbs = sorted({lexicon.canon(t.lemma_.lower()) for t in doc if t.pos_ == "VERB"
                        and t.lemma_.lower() not in SPEECH_LEMMAS and t.lemma_.lower() not in ("be", "have", "do")})
        negators = [t for t in doc if t.lower_ in lexicon.NEGATORS and t.dep_ in ("neg", "det", "advmod", "preconj")
                    and not (t.i + 1 < len(doc) and doc[t.i + 1].lower_ in ("only", "just", "merely"))]
        negations = sorted({_anchor(t) or t.head.lemma_.lower() for t in negators})
        modifiers = []
        for t in doc:
            if t.pos_ in ("ADJ", "VERB", "ADV", "NOUN") and not t.is_stop and t.i not in ent_tokens:
                head = t.head if t.head.i != t.i else t
                grand = head.head
                while grand.pos_ == "ADP" and grand.head.i != grand.i:
                    grand = grand.head
                window = [w.lemma_.lower() for w in doc[max(0, t.i - 3):t.i + 4]
                          if w.i != t.i and not w.is_stop and not w.is_punct and len(w.text) > 1]
                anchors = sorted({head.lemma_.lower(), grand.lemma_.lower(), *window} - {t.lemma_.lower()})
                modifiers.append([t.lemma_.lower(), *anchors])
        speaker, direct = speakers.get(i, (None, False))
        claims.append(Claim(
            sentence=i, start=span.start, end=span.end, text=span.text, terms=sorted(set(terms)),
            entities=entities, persons=persons, predicate=root.lemma_.lower(), verbs=verbs,
            main=main_predicates(root), numbers=numbers, dates=dates,
            negated=bool(negators), negations=negations, speaker=speaker, direct=direct, modifiers=modifiers,
        ))
    return claims

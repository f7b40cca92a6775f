"""Claim extraction: the checkable statements of an article, each with a normal form that
comparison uses (content terms, entities, predicate, figures with approximation, dates, negation,
speaker)."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

from copydesk.bot.language import lexicon
from copydesk.bot.language.attributions import SPEECH_LEMMAS
from copydesk.bot.language.text import normalize

CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}
_GENERIC = frozenset(
    """be have do say tell add note also then there here very just still even really well so now
    reportedly separately however meanwhile thing way time lot kind part one other such own""".split()
)
_ENT_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
_UNIT_ALIASES = {
    "%": "percent",
    "per": "percent",
    "pct": "percent",
    "percentage": "percent",
    "$": "usd",
    "dollar": "usd",
    "us$": "usd",
    "€": "eur",
    "euro": "eur",
    "£": "gbp",
    "pound": "gbp",
    "yr": "year",
    "anniversary": "year",
    "people": "person",
    "individual": "person",
}
_PERCENT_WORDS = frozenset(("per", "cent"))  # the halves of "per cent": a unit, never a qualifier
_CURRENCY = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy", "us$": "usd"}
_CURRENCY_WORDS = {"usd": "usd", "eur": "eur", "euros": "eur", "gbp": "gbp", "sh": "kes", "ksh": "kes"}


@dataclass
class Number:
    """A figure as a measured quantity: its value and the interval its wording allows
    (approximation, bounds, rounding), its unit or the thing counted, and what it measures: the
    event it belongs to (`anchor`: "killed 18 people" -> kill), the thing it is a measure of
    (`holder`: "the speed limit is 40 mph" -> limit, "a six-hour search" -> search, a
    person's age -> the person), its qualifiers (places, people, organisations it is given for:
    "93 in Tolmec City"), its role in a change ("from 70 to 50": from / to) and whether it is a
    conversion of the figure before it ("210 million euros ($250 million)")."""

    value: float
    low: float
    high: float
    unit: str
    text: str
    approx: str = ""
    anchor: str = ""
    holder: str = ""
    subject: str = ""  # the subject of its event verb ("shares rose 6%" -> share): tells figures apart only
    quals: list[str] = field(default_factory=list)
    role: str = ""
    conversion: bool = False
    update: str = ""  # the words that present it as an update ("rose to", "revised down from")
    tol: float = 0.0  # for an approximate figure ("about 40"), how far the true value may be

    def compatible(self, other: Number) -> bool:
        """Whether both can be right: their intervals overlap (touching ends do not: 47.3 and 47.4
        are two different figures); two approximations must be within the looser one's tolerance."""
        if self.tol and other.tol:
            return abs(self.value - other.value) <= max(self.tol, other.tol) * (1 + 1e-9)
        eps = 1e-9 * max(abs(self.value), abs(other.value), 1.0)
        return self.low < other.high - eps and other.low < self.high - eps or self.value == other.value


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
    periods: list[str] = field(default_factory=list)  # the periods its figures are for ("the third quarter")
    places: list[str] = field(default_factory=list)  # where a thing happened: "conference@paris"
    headline: bool = False  # the article's headline (not in its text: start and end are 0)

    def to_dict(self) -> dict:
        return asdict(self)

    def keyset(self) -> frozenset[str]:
        """Content terms with synonyms folded, plus entities (computed once)."""
        keys = self.__dict__.get("_keys")
        if keys is None:
            keys = self.__dict__["_keys"] = frozenset(lexicon.canon(t) for t in self.terms) | frozenset(self.entities)
        return keys

    @classmethod
    def from_dict(cls, d: dict) -> Claim:
        d = dict(d)
        d["numbers"] = [Number(**n) for n in d.get("numbers", [])]
        return cls(**d)


# ------------------------------------------------------------------ figures
def _num_value(tokens) -> tuple[float, float, bool] | None:
    """Value, precision and scaledness of a run of number tokens ("3.5 million", "1,200", "two
    hundred"). A scaled figure ("4.27 billion") is a rounded rendering of a larger number."""
    value, precision, seen, scaled = None, 1.0, False, False
    for tok in tokens:
        t = tok.lower_.replace(",", "")
        if t in lexicon.SCALES and seen:
            value *= lexicon.SCALES[t]
            precision *= lexicon.SCALES[t]
            scaled = True
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?", t):
            v = float(t)
            scale_next = tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ in lexicon.SCALES
            if "." in t:
                precision = 10 ** -len(t.split(".")[1])
            elif v >= 100 and not scale_next:  # "1,200 people" is rounded; "100 million" counts millions
                zeros = len(t) - len(t.rstrip("0"))
                precision = 10.0**zeros if zeros else 1.0
            value, seen = v, True
        elif t in lexicon.NUMBER_WORDS:
            v = float(lexicon.NUMBER_WORDS[t])
            if seen and value is not None and v == 100:
                value *= 100
            elif seen and value is not None and value >= 20 and v < 10:
                value += v
            else:
                value, seen = v, True
        else:
            return None
    return (value, precision, scaled) if seen and value is not None else None


def _approx_before(doc, i: int) -> str:
    words = [t.lower_ for t in doc[max(0, i - 3) : i]]
    for n in (3, 2, 1):
        phrase = " ".join(words[-n:]) if len(words) >= n else None
        if phrase and (
            phrase in lexicon.APPROX_LOWER
            or phrase in lexicon.APPROX_UPPER
            or phrase in lexicon.APPROX_AROUND
            or phrase in lexicon.APPROX_NEARLY
        ):
            return phrase
    return ""


def _interval(value: float, precision: float, approx: str, scaled: bool) -> tuple[float, float, float]:
    """The values a figure's wording allows, and its tolerance when it is an approximation. An
    exact figure stands for what rounds to it; a scaled one ("4.27 billion") may also be a
    truncation, so one unit of its last digit either way."""
    half = precision if scaled else precision / 2
    if approx in lexicon.APPROX_NEARLY:
        return value * 0.85, value + half, 0.0
    if approx in lexicon.APPROX_AROUND:
        # "about 40" allows some 10%; "around $38.62" is precise to a few cents
        tol = 0.1 * abs(value)
        if precision < 1:
            tol = min(tol, 5 * precision)
        return value - tol, value + tol, tol
    if approx in lexicon.APPROX_LOWER:
        return value, math.inf, 0.0
    if approx in lexicon.APPROX_UPPER:
        return 0.0, value, 0.0
    return value - half, value + half, 0.0


_COUNT_UNITS = {"person", "people"}


def _unit_token(doc, head):
    """The noun a figure counts or measures ("238 passengers", "50 mph", "a six-hour
    search" -> hour), found through the parse, else the next noun."""
    if (
        head.dep_ in ("nummod", "compound", "quantmod", "nmod")
        and head.head.pos_ in ("NOUN", "PROPN")
        and head.head.i > head.i
        and head.head.i - head.i <= 3
        and head.head.ent_type_ not in ("PERSON", "ORG", "GPE")
    ):
        return head.head
    for tok in doc[head.i + 1 : head.i + 4]:
        if tok.text == "%":
            return tok
        if tok.is_punct and tok.text not in ("-",):
            return None
        if tok.pos_ in ("NOUN",) or tok.lower_ in ("percent", "per"):
            return tok
        if tok.pos_ not in ("ADJ", "ADV", "NUM", "PUNCT", "SYM"):
            return None
    return None


def _unit_of(tok) -> str:
    if tok.text == "%":
        return "percent"
    lemma = tok.lemma_.lower()
    if lemma == "cent" and tok.i > 0 and tok.doc[tok.i - 1].lower_ == "per":
        return "percent"
    nxt = " ".join(t.lower_ for t in tok.doc[tok.i + 1 : tok.i + 3])
    if nxt == "per hour" and lemma in ("mile", "kilometre", "kilometer"):
        return "mph" if lemma == "mile" else "kph"
    if lemma == "per" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "cent":
        return "percent"
    return _UNIT_ALIASES.get(lemma, lemma)


def _is_age(doc, head) -> bool:
    """ "28-year-old", "28 years old", "aged 28", or "Name, 28," (a bare number beside a person)."""
    after = " ".join(t.lower_ for t in doc[head.i + 1 : head.i + 5])
    if re.match(r"(- )?years?( -)? old\b", after):
        return True
    if head.i > 0 and doc[head.i - 1].lower_ == "aged":
        return True
    return (
        head.i > 1
        and doc[head.i - 1].text == ","
        and doc[head.i - 2].ent_type_ == "PERSON"
        and (head.i + 1 >= len(doc) or doc[head.i + 1].is_punct)
    )


def _person_of(tok) -> str:
    """The person a token describes: itself, or the person it is in apposition to or modifies."""
    node = tok
    for _ in range(6):
        if node.ent_type_ == "PERSON":
            ent = next((e for e in node.doc.ents if e.start <= node.i < e.end), None)
            return _entity_key(ent) if ent is not None else node.lower_
        for child in node.children:
            if child.ent_type_ == "PERSON" and child.dep_ in ("appos", "compound"):
                return _person_of(child)
            if child.dep_ == "appos" and child.pos_ == "PROPN":  # "the pilot Anna Weber" (a name the tagger missed)
                return child.lower_
        if node.head.i == node.i:
            break
        node = node.head
    return ""


def _quals(tok) -> list[str]:
    """Places, people and organisations a word is given for ("93 in Tolmec City", "paid for
    Petrov"): named objects of its prepositions."""
    out = []
    for prep in tok.children:
        if prep.dep_ not in ("prep", "dative") or prep.lower_ not in ("in", "at", "for", "of", "across", "during"):
            continue
        for obj in prep.children:
            if obj.dep_ == "pobj" and obj.ent_type_ in ("GPE", "LOC", "FAC", "PERSON", "ORG", "NORP", "DATE"):
                ent = next((e for e in obj.doc.ents if e.start <= obj.i < e.end), None)
                if ent is not None:
                    out.append(_entity_key(ent))
    return out


def _kinds(noun, exclude) -> list[str]:
    """What kind of thing a holder is: "the club's record signing", "the bakery division's sales"."""
    out = []
    for c in noun.children:
        if c.i in exclude or c.like_num or c.lower_ in lexicon.QUANTITY_WORDS:
            continue
        if c.dep_ in ("compound", "amod"):
            out.append(c.lemma_.lower())
        elif c.dep_ == "poss" and c.pos_ in ("NOUN", "PROPN"):
            out.append(c.lemma_.lower())
            out += [g.lemma_.lower() for g in c.children if g.dep_ in ("compound", "amod")]
    return out


def _subject(verb, exclude, inherit: bool = False) -> str:
    """The noun subject of a verb; with `inherit`, a participle's or infinitive's subject is the
    one of the clause it hangs on ("the stock was up 6%, hovering around $51" -> stock)."""
    for _ in range(3):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.i not in exclude and child.pos_ in ("NOUN", "PROPN"):
                return lexicon.canon(child.lemma_.lower())
            if child.dep_ in ("nsubj", "nsubjpass") and child.i not in exclude:
                return ""  # a pronoun's clause: its own subject, unknown here
        if not inherit or verb.dep_ not in ("advcl", "xcomp", "conj") or verb.head.i == verb.i:
            break
        verb = verb.head
    return ""


def _measure(doc, head, unit_tok, unit: str) -> tuple[str, str, str, list[str], str, str]:
    """What a figure measures: (anchor verb, holder, subject, qualifiers, role, update words)."""
    node = unit_tok if unit_tok is not None else head
    mine = {head.i, node.i}
    anchor = holder = subject = role = update = ""
    quals: list[str] = _quals(node)
    if unit_tok is not None and unit not in ("age",):
        # what kind of the counted thing: "three league titles", "four freight wagons"
        quals += [
            c.lemma_.lower()
            for c in unit_tok.children
            if c.dep_ in ("compound", "amod")
            and c.i != head.i
            and not c.like_num
            and c.lower_ not in lexicon.QUANTITY_WORDS
            and c.lower_ not in _PERCENT_WORDS
        ]
    if unit == "age":
        holder = _person_of(node) or _person_of(head)
    else:
        holder = _possessor(node) or _possessor(head)  # "Remain's 48.2 per cent"
    owned = bool(holder)
    for _ in range(8):
        up = node.head
        if up.i == node.i:
            break
        if node.dep_ == "pobj" and not role and up.lower_ in ("from", "to"):
            # "rose from 5 to 7": "to" is a role only in a change, not in "apologised to 231 passengers"
            verb = up.head
            if up.lower_ == "from":
                role = "from"  # the earlier value of a change; the value it changed to is the figure
            elif verb.lemma_.lower() in lexicon.UPDATE_VERBS or any(c.lower_ == "from" for c in verb.children):
                update = f"{verb.text} to"
        if up.pos_ in ("VERB", "AUX"):
            lemma = up.lemma_.lower()
            if lemma in SPEECH_LEMMAS or lemma in _ATTRIBUTING:
                break
            if lemma in _LIGHT or up.pos_ == "AUX":
                if not holder:  # "the speed limit is 40 mph"
                    holder = _subject(up, mine)
                    subj = next((c for c in up.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in mine), None)
                    if holder and subj is not None and unit != "age":
                        quals += _kinds(subj, mine)
                mine.add(up.i)
                node = up
                continue
            subject = _subject(up, mine)
            if not holder and unit != "age":
                holder = _contestant(up, lemma, node) or _means(up, node)
            if holder and (owned or holder == subject):
                subject = ""  # the side a share belongs to names it; the verb's subject may be the other side
            if not holder and unit != "age" and _level_of(up, lemma, node, head, update):
                # the level a thing reached or stands at is a value of that thing: "shares rose
                # to $51.70", "the stock, hovering around $51.84", "revenue climbed to $6.7 billion"
                holder = _subject(up, mine, inherit=True)
            anchor = lexicon.canon(_event_lemma(up, lemma))
            if lemma in lexicon.FORECAST_VERBS and not role:
                role = "forecast"  # a projection is another quantity than the result
            quals += _quals(up)
            if role == "from" and lemma in lexicon.UPDATE_VERBS:
                update = f"{up.text} from"
            break
        if (
            up.pos_ in ("NOUN", "PROPN")
            and not holder
            and up.i not in mine
            and (node.dep_ not in ("prep", "pobj") or node.lower_ in ("of", "with"))
            and not (unit != "age" and up.dep_ == "compound" and up.head.pos_ == "NOUN" and up.head.i > up.i)
        ):  # "a $3.28 billion share repurchase": the figure is of the repurchase, not of the share
            holder = _person_of(up) if unit == "age" else lexicon.canon(up.lemma_.lower())
            quals += _quals(up)
            if unit != "age":
                quals += _kinds(up, mine)
        if up.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "det" and c.lower_ == "no" for c in up.children):
            role = role or "none"  # "no cases in 12 provinces"
        mine.add(up.i)
        node = up
    if unit == "age" and not holder:
        people = {_entity_key(e) for e in doc.ents if e.label_ == "PERSON"}
        holder = people.pop() if len(people) == 1 else "?"  # the one person the sentence names
    return anchor, holder, subject, sorted(set(quals)), role, update


def _event_lemma(verb, lemma: str) -> str:
    """The event a verb phrase names, when a phrase names it in other words: "careened off the
    tracks", "jumped the rails", "left the track" -> derail."""
    for c in verb.children:
        if c.dep_ in ("prep", "prt") and c.lower_ == "off":
            objs = [g for g in c.children if g.dep_ == "pobj"] or [g for g in verb.children if g.dep_ == "dobj"]
        elif c.dep_ == "dobj" and lemma in lexicon.OFF_TRACK_VERBS:
            objs = [c]
        else:
            continue
        if any(o.lemma_.lower() in lexicon.TRACK_WORDS for o in objs):
            return "derail"
    return lemma


def _possessor(tok) -> str:
    """Whose share a figure is, when the text says so of the figure itself ("Remain's 48%")."""
    for c in tok.children:
        if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN", "VERB"):
            return lexicon.canon(c.lemma_.lower())
    return ""


def _contestant(verb, lemma: str, node) -> str:
    """Who a share of a vote or a contest belongs to: the named winner of "Leave won 51.9%" (or
    the name before its noun: "the Leave vote leads 51.8 per cent"), the side of "51.9 per cent
    voted to leave" / "voted for Okafor". Only a named side: "the company won 30%" tells nothing."""
    if lemma in lexicon.CONTEST_VERBS and node.dep_ == "dobj":
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is None:
            return ""
        if subj.pos_ == "PROPN":
            return lexicon.canon(subj.lemma_.lower())
        named = [c for c in subj.children if c.dep_ == "compound"]
        return lexicon.canon(named[0].lemma_.lower()) if len(named) == 1 else ""
    if lemma == "vote" and node.dep_ == "nsubj":
        for c in verb.children:
            if c.dep_ == "xcomp" and c.pos_ == "VERB":
                return lexicon.canon(c.lemma_.lower())  # "voted to leave"
            if c.dep_ == "prep" and c.lower_ == "for":
                obj = next((g for g in c.children if g.dep_ == "pobj" and g.pos_ == "PROPN"), None)
                if obj is not None:
                    return lexicon.canon(obj.lemma_.lower())  # "voted for Okafor"
    return ""


def _means(verb, node) -> str:
    """What an amount went through, for the verb's object: "returned $3.4 billion via share
    buybacks", "raised $2 billion through a bond sale" -> buyback, sale ("its buyback programme"
    is named by its kind: a programme, plan or scheme of buybacks)."""
    if node.dep_ != "dobj":
        return ""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("via", "through"):
            obj = next((g for g in c.children if g.dep_ == "pobj" and g.pos_ == "NOUN"), None)
            if obj is None:
                return ""
            kinds = [g for g in obj.children if g.dep_ == "compound" and g.pos_ == "NOUN"]
            if obj.lemma_.lower() in lexicon.GENERIC_HEADS and kinds:
                obj = kinds[-1]
            return lexicon.canon(obj.lemma_.lower())
    return ""


def _level_of(verb, lemma: str, node, head, update: str) -> bool:
    """Whether a figure under `verb` is the level its subject reached or stands at: the value a
    change went to ("rose to $8"), or the object of a verb of standing at a level ("trading at
    $8", "hovering around $8", "closed at $8"); not the size of a change ("rose 6%")."""
    if update.endswith(" to"):
        return True
    if lemma not in lexicon.LEVEL_VERBS:
        return False
    prep = node if node.dep_ == "prep" else None
    if prep is None and head.head.dep_ == "prep":
        prep = head.head
    return prep is not None and prep.head.i == verb.i and prep.lower_ in ("at", "around", "near", "above", "below")


def _reporting_time(tok) -> bool:
    """A date that tells when something was said ("the airport said on Saturday"), not when it happened."""
    return _anchor(tok) in SPEECH_LEMMAS


def _anchor(tok) -> str:
    """The lemma of the nearest verb governing a token."""
    node = tok
    for _ in range(6):
        if node.pos_ in ("VERB",) and node.lemma_.lower() not in ("be", "have"):
            return node.lemma_.lower()
        if node.head.i == node.i:
            break
        node = node.head
    return ""


def _anchor_object(tok) -> str:
    """What the verb governing a token acts on ("joined Rovers in 2015" -> rovers): tells two
    events of one verb apart."""
    node = tok
    for _ in range(6):
        if node.pos_ == "VERB" and node.lemma_.lower() not in ("be", "have"):
            obj = next((c for c in node.children if c.dep_ == "dobj"), None)
            if obj is None:
                return ""
            ent = next((e for e in tok.doc.ents if e.start <= obj.i < e.end), None)
            return _entity_key(ent) if ent is not None else obj.lower_
        if node.head.i == node.i:
            break
        node = node.head
    return ""


def figures(doc) -> tuple[list[Number], list[str]]:
    """Figures (as measured quantities) and dates of a parsed sentence."""
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
                _add_figure(doc, i, j, parsed, numbers, dates)
            i = j
            continue
        i += 1
    return numbers, dates


def _add_figure(doc, i: int, j: int, parsed, numbers: list[Number], dates: list[str]) -> None:
    value, precision, scaled = parsed
    run = doc[i:j]
    head = next((t for t in run if not (i <= t.head.i < j) or t.head.i == t.i), run[-1])
    start = i
    unit, unit_tok = "", None
    if i > 0 and doc[i - 1].text in _CURRENCY:
        unit, start = _CURRENCY[doc[i - 1].text], i - 1
    elif i > 0 and doc[i - 1].lower_ in _CURRENCY_WORDS:  # "USD 264 million", "Euros 112m"
        unit, start = _CURRENCY_WORDS[doc[i - 1].lower_], i - 1
    age = _is_age(doc, doc[j - 1])
    if age:
        unit = "age"
    elif not unit:
        if j + 1 < len(doc) and doc[j].lower_ == "per" and doc[j + 1].lower_ == "cent":
            unit_tok = doc[j + 1]  # "52 per cent share": the unit is the percentage, not the share
        else:
            unit_tok = _unit_token(doc, head)
        if unit_tok is not None:
            unit = _unit_of(unit_tok)
    is_year = re.fullmatch(r"(1[89]|20)\d\d", doc[i].text) is not None and j == i + 1 and unit == ""
    if is_year:
        dates.append(f"{doc[i].text}@{_anchor(doc[i])}@{_anchor_object(doc[i])}")
        return
    if doc[i].text.endswith(("st", "nd", "rd", "th")) or (doc[i].ent_type_ in ("DATE", "TIME") and not unit):
        return
    if (
        re.fullmatch(r"\d{1,2}", doc[i].text)
        and j < len(doc)
        and doc[j].text in (":", ".")
        and j + 1 < len(doc)
        and re.fullmatch(r"\d\d", doc[j + 1].text)
    ):
        return  # a clock time ("8:41"), not a quantity
    if (j + 1 < len(doc) and doc[j].text in ("-", "–") and doc[j + 1].like_num) or (
        i > 1 and doc[i - 1].text in ("-", "–") and doc[i - 2].like_num
    ):
        return  # a score or a range ("a 3-1 win", "10-15")
    approx = _approx_before(doc, start)
    lo, hi, tol = _interval(value, precision, approx, scaled)
    anchor, holder, subject, quals, role, update = _measure(doc, head, unit_tok, unit)
    end = max(j, unit_tok.i + 1 if unit_tok is not None and unit_tok.i >= j else j)
    if not unit and j < len(doc) and doc[j].lower_ in lexicon.CASUALTY_WORDS:
        # a headline's count of people ("6 dead", "7 Killed, 200 Injured"): people killed, hurt
        unit, anchor, end = "person", lexicon.canon(lexicon.CASUALTY_WORDS[doc[j].lower_]), j + 1
    if unit_tok is not None and unit_tok.lower_ == "per" and end < len(doc) and doc[end].lower_ == "cent":
        end += 1
    if age:
        end = min(len(doc), j + 4) if doc[j : j + 1].text in ("-", "years", "year") else j
    prev = numbers[-1] if numbers else None
    conversion = bool(prev and prev.unit != unit and unit and _in_brackets(doc, i, j))
    if (
        conversion and prev is not None
    ):  # the same amount in another currency: it measures what the figure before it does
        anchor, holder, subject, quals, role = prev.anchor, prev.holder, prev.subject, list(prev.quals), prev.role
    numbers.append(
        Number(
            value,
            lo,
            hi,
            unit,
            doc[start:end].text,
            approx,
            anchor,
            holder,
            subject,
            quals,
            role,
            conversion,
            update,
            tol,
        )
    )


def _in_brackets(doc, i: int, j: int) -> bool:
    """A figure inside parentheses right after another one ("105 million euros ($123 million)")."""
    before = [t.text for t in doc[max(0, i - 3) : i]]
    return "(" in before


_LIGHT = ("be", "have", "do")
_ATTRIBUTING = {"accord", "cite", "quote"}  # "according to the log of the six-hour search"


# ------------------------------------------------------------------ claims
def _entity_key(ent) -> str:
    text = re.sub(r"^(the|a|an)\s+", "", ent.text.lower()).replace("’s", "").replace("'s", "").strip()
    if ent.label_ == "PERSON":
        return text.split()[-1] if text.split() else text
    return normalize(text)


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


_PERIOD_WORDS = {"quarter", "half", "fiscal", "fy", "semester"}
_RELATIVE_YEAR = re.compile(
    r"\b(this|last|next|previous|past) (year|month|week)\b|\ba year (earlier|ago)\b|\byear-ago\b"
)


_QUARTER = re.compile(r"\b(first|second|third|fourth)[- ]quarter\b", re.I)


def _period_key(ent) -> str:
    """A reporting period a figure is for ("the third quarter", "last year"), normalised; "" for
    other dates (days, ages, durations)."""
    text = ent.text.lower()
    words = set(re.findall(r"[a-z]+", text))
    if words & _PERIOD_WORDS or _RELATIVE_YEAR.search(text):
        text = re.sub(r"^(the|its|their|his|her|our|a|an)\s+", "", text)
        return normalize(text.replace("-", " "))
    return ""


def is_claim(doc, text: str) -> bool:
    """A checkable statement: a clause with a verb and something to check (a name, a figure, a date),
    not a question, not a fragment."""
    if text.rstrip().endswith("?") or len([t for t in doc if not t.is_punct]) < 5:
        return False
    if not any(t.pos_ in ("VERB", "AUX") for t in doc):
        return False
    has_fact = any(
        e.label_ in _ENT_LABELS | {"DATE", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "TIME"} for e in doc.ents
    )
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
    for i, (span, doc) in enumerate(zip(parsed.sentences, parsed.docs, strict=True)):
        if is_claim(doc, span.text):
            claims.append(_claim(i, span, doc, speakers))
    return claims


def headline(doc, title: str) -> Claim | None:
    """The claim of an article's headline (parsed as one sentence), when it gives a figure with a
    unit: headlines are terse ("6 dead, dozens injured in rail crash"), so only their figures are
    compared (see compare.headline_conflict)."""
    claim = _claim(-1, None, doc, {})
    if not any(n.unit for n in claim.numbers):
        return None
    claim.start = claim.end = 0
    claim.text = title
    claim.headline = True
    return claim


def _claim(i: int, span, doc, speakers: dict[int, tuple[str, bool]]) -> Claim:
    numbers, dates = figures(doc)
    ent_tokens = {t.i for e in doc.ents for t in e}
    terms = []
    for t in doc:
        if (
            t.pos_ in CONTENT_POS
            and not t.is_stop
            and t.lemma_.lower() not in _GENERIC
            and not t.like_num
            and len(t.text) > 1
            and t.ent_type_ not in ("DATE", "TIME")
        ):
            terms.append(t.lemma_.lower())
    entities = sorted({_entity_key(e) for e in doc.ents if e.label_ in _ENT_LABELS})
    persons = sorted({_entity_key(e) for e in doc.ents if e.label_ == "PERSON"})
    root = next((t for t in doc if t.dep_ == "ROOT"), doc[0])
    verbs = sorted(
        {
            lexicon.canon(t.lemma_.lower())
            for t in doc
            if t.pos_ == "VERB"
            and t.lemma_.lower() not in SPEECH_LEMMAS
            and t.lemma_.lower() not in ("be", "have", "do")
        }
    )
    negators = [
        t
        for t in doc
        if t.lower_ in lexicon.NEGATORS
        and t.dep_ in ("neg", "det", "advmod", "preconj")
        and not (t.i + 1 < len(doc) and doc[t.i + 1].lower_ in ("only", "just", "merely"))
    ]
    negations = sorted({_anchor(t) or t.head.lemma_.lower() for t in negators})
    modifiers = []
    for t in doc:
        if t.pos_ in ("ADJ", "VERB", "ADV", "NOUN") and not t.is_stop and t.i not in ent_tokens:
            head = t.head if t.head.i != t.i else t
            grand = head.head
            while grand.pos_ == "ADP" and grand.head.i != grand.i:
                grand = grand.head
            window = [
                w.lemma_.lower()
                for w in doc[max(0, t.i - 3) : t.i + 4]
                if w.i != t.i and not w.is_stop and not w.is_punct and len(w.text) > 1
            ]
            anchors = sorted({head.lemma_.lower(), grand.lemma_.lower(), *window} - {t.lemma_.lower()})
            modifiers.append([t.lemma_.lower(), *anchors])
    found = {_period_key(e) for e in doc.ents if e.label_ == "DATE" and _period_key(e)}
    found |= {f"{m.group(1).lower()} quarter" for m in _QUARTER.finditer(doc.text)}
    periods = sorted(found)
    speaker, direct = speakers.get(i, (None, False))
    return Claim(
        sentence=i,
        start=span.start if span is not None else 0,
        end=span.end if span is not None else 0,
        text=span.text if span is not None else doc.text,
        terms=sorted(set(terms)),
        entities=entities,
        persons=persons,
        predicate=root.lemma_.lower(),
        verbs=verbs,
        main=main_predicates(root),
        numbers=numbers,
        dates=dates,
        negated=bool(negators),
        negations=negations,
        speaker=speaker,
        direct=direct,
        modifiers=modifiers,
        periods=periods,
        places=_places(doc),
    )


_PLACE_LABELS = {"GPE", "LOC", "FAC"}


def _places(doc) -> list[str]:
    """Where the things a sentence names took place: a noun followed (a day or time aside) by "in"
    and a place ("a news conference on Friday in Tolmec" -> "conference@tolmec")."""
    out = set()
    for t in doc:
        if t.lower_ != "in" or t.i + 1 >= len(doc) or doc[t.i + 1].ent_type_ not in _PLACE_LABELS:
            continue
        j = t.i - 1
        while j >= 0 and (
            doc[j].ent_type_ in ("DATE", "TIME")
            or (doc[j].lower_ in ("on", "at") and doc[j + 1].ent_type_ in ("DATE", "TIME"))
        ):
            j -= 1
        if j < 0 or doc[j].pos_ != "NOUN" or doc[j].is_stop:
            continue
        ent = next((e for e in doc.ents if e.start == t.i + 1), None)
        if ent is not None and ent.label_ in _PLACE_LABELS:
            out.add(f"{doc[j].lemma_.lower()}@{_entity_key(ent)}")
    return sorted(out)

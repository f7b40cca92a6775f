"""Claim comparison: whether two claims state the same fact, and whether they tell it compatibly
or contradict each other (a figure, a negation, a date, a name, an opposed word)."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from copydesk.bot.language import lexicon
from copydesk.bot.language.claims.extract import Claim, Number


def same_name(a: str, b: str) -> bool:
    """Spelling and transliteration variants of one name (Zelensky / Zelenskyy, Tchaikovsky /
    Chaikovsky) count as the same name."""
    return a == b or (min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= 80)


def overlap(a: Claim, b: Claim) -> tuple[int, float, float]:
    """Shared content terms (synonyms folded), and their share of each claim's terms."""
    ta, tb = a.keyset(), b.keyset()
    if not ta or not tb:
        return 0, 0.0, 0.0
    shared = len(ta & tb)
    return shared, shared / len(ta), shared / len(tb)


@dataclass
class Verdict:
    kind: str | None  # None: compatible (corroboration); else a contradiction kind
    explanation: str = ""


# Units that say little on their own: a figure with one of these is compared only when the two
# statements are the same fact, or the figures measure the same named thing.
GENERIC_UNITS = {
    "",
    "person",
    "other",
    "time",
    "year",
    "month",
    "week",
    "day",
    "hour",
    "minute",
    "percent",
    "usd",
    "eur",
    "gbp",
    "jpy",
    "kes",
    "million",
    "billion",
    "thing",
    "case",
    "member",
}


def _match(x: str, y: str) -> bool | None:
    """True: the same word (or synonyms); False: two different words; None: one is unknown."""
    if not x or not y:
        return None
    return x == y or lexicon.synonyms(x, y) or lexicon.canon(x) == lexicon.canon(y)


def same_measure(x: Number, y: Number, loose: bool = False) -> bool | None:
    """Whether two figures of one unit measure the same thing: True when their holder or their
    event is the same and nothing tells them apart (another holder, another event, another
    place or person, another role in a change); None when nothing says either way."""
    if x.unit != y.unit or x.role != y.role or (x.conversion and y.conversion):
        # two conversions of amounts given in another currency differ by exchange rate only
        return False
    if x.quals and y.quals and not any(same_name(p, q) or _one_quarter(p, q) for p in x.quals for q in y.quals):
        return False
    if (_level(x) and _move(y)) or (_level(y) and _move(x)):
        return False  # "rose $1.20" is the size of the change, "rose to $23.40" the level it reached
    holder, anchor = _match(x.holder, y.holder), _match(x.anchor, y.anchor)
    if (loose or holder) and anchor is False:
        # one thing named by both ("a six-hour search" / "the nine-hour search"), or one
        # fact told with other verbs ("carrying 164 passengers" / "with 146 passengers")
        anchor = None
    if holder is False or anchor is False or _match(x.subject, y.subject) is False:
        return False
    if x.unit == "age":
        return holder
    if holder or anchor:
        return True
    return None


def _level(n: Number) -> bool:
    """A figure that is the level a change reached or a thing stands at ("rose to $8", "trading at $8")."""
    return n.update.endswith(" to") or n.anchor in lexicon.LEVEL_VERBS


def _move(n: Number) -> bool:
    """A figure that is the size of a change ("rose $1.20", "fell 6%")."""
    return n.anchor in lexicon.UPDATE_VERBS and not n.update and not n.holder and not n.role


def _shared_entities(a: Claim, b: Claim) -> int:
    """How many of `a`'s names `b` names too, allowing for a longer form ("Ilan Petrov" /
    "Petrov", "Rovers" / "Marsden Rovers")."""
    words_b = [set(e.split()) for e in b.entities]
    return sum(1 for e in a.entities if any(set(e.split()) & w for w in words_b))


_CURRENCIES = {"usd", "eur", "gbp", "jpy", "kes"}


def _close_values(x: Number, y: Number, ratio: float = 1.5) -> bool:
    lo, hi = sorted((abs(x.value), abs(y.value)))
    return lo > 0 and hi / lo <= ratio


def _numbers_conflict(a: Claim, b: Claim, same_fact: bool, close: bool = False) -> tuple[Number, Number] | None:
    """Two figures for the same quantity that cannot both be right, once approximation and
    rounding are read. The same quantity: the same unit, and the same holder or event with
    nothing telling them apart; a figure with a generic unit (people, dollars, percent) needs
    the statements to be the same fact too, or a named holder."""
    if not _same_period(a, b):
        return None  # figures of different periods ("the second quarter" / "the third quarter")
    for x in a.numbers:
        if not x.unit:
            continue
        loose = (same_fact or close) and x.unit not in GENERIC_UNITS
        if x.unit in _CURRENCIES and _shared_entities(a, b) >= 2:
            loose = True  # one payment told with other verbs ("cost Rovers" / "joined Rovers for")
        alike = [(y, same_measure(x, y, loose)) for y in b.numbers]
        alike = [(y, m) for y, m in alike if m is not False]
        if not alike or any(x.compatible(y) for y, _ in alike):
            continue
        if len(alike) > 1 and sum(1 for _, m in alike if m) == 1:
            alike = [(y, m) for y, m in alike if m]  # the one figure known to measure it; the rest say nothing
        if len(alike) != 1 or sum(1 for z in a.numbers if z is x or same_measure(x, z, loose) is not False) != 1:
            continue
        y, measured = alike[0]
        # nothing ties the two figures: one quantity only in one fact, each the only figure of its
        # unit, and close enough to be two renderings of one count (231 / 213, not 12 / 310 goals)
        if measured is None and not (
            loose
            and sum(1 for z in a.numbers if z.unit == x.unit) == 1
            and sum(1 for z in b.numbers if z.unit == x.unit) == 1
            and _close_values(x, y)
        ):
            continue
        if (
            x.unit in GENERIC_UNITS
            and not same_fact
            and not (x.holder and x.holder == y.holder and x.holder != "?")
            and not (measured and _shared_entities(a, b) >= 2)
        ):
            continue
        if x.unit in GENERIC_UNITS and not same_fact and not _close_values(x, y, 3.0):
            continue  # "$9.4 billion" and "$1.7 billion" in two loosely related statements: two things
        return x, y
    return None


def _one_quarter(p: str, q: str) -> bool:
    """ "the quarter" (none named) and a named quarter may be one period."""
    return (p == "quarter" and q.endswith(" quarter")) or (q == "quarter" and p.endswith(" quarter"))


def _same_period(a: Claim, b: Claim) -> bool:
    """Whether two statements' figures may be for one period: they name none, or one in common;
    "the quarter" (no quarter named) fits any quarter of the other."""
    if not a.periods or not b.periods or set(a.periods) & set(b.periods):
        return True
    pa, pb = set(a.periods), set(b.periods)
    return ("quarter" in pa and all(p.endswith("quarter") for p in pb)) or (
        "quarter" in pb and all(p.endswith("quarter") for p in pa)
    )


def _opposed_modifier(a: Claim, b: Claim) -> tuple[str, str] | None:
    """A word in `a` replaced by its opposite in `b`, attached to the same thing in both."""
    wa = {m[0] for m in a.modifiers}
    wb = {m[0] for m in b.modifiers}
    for ma in a.modifiers:
        if ma[0] in wb:
            continue
        for mb in b.modifiers:
            if mb[0] in wa or not lexicon.opposed(ma[0], mb[0]):
                continue
            anchors_a = {lexicon.canon(x) for x in ma[1:] if x != ma[0]}
            anchors_b = {lexicon.canon(x) for x in mb[1:] if x != mb[0]}
            if anchors_a & anchors_b:
                return ma[0], mb[0]
    return None


def compare(a: Claim, b: Claim, ambiguous: frozenset[tuple[str, str]] = frozenset()) -> Verdict | None:
    """Compare claim `a` (the new article's) with `b` (earlier coverage). None: not the same fact;
    Verdict(None): the same fact, told compatibly; else a contradiction of Verdict.kind.
    `ambiguous`: named measures (unit, holder) an article gives two values for (two things of one
    name, "the first meeting" / "the second meeting"): their figures are not compared."""
    shared, ca, cb = overlap(a, b)
    if shared < 2:
        return None
    low = min(ca, cb)
    # the same fact: most terms shared, and the same action (unless nearly everything is shared)
    same_action = (
        not a.main or not b.main or bool(set(a.main) & set(b.verbs)) or bool(set(b.main) & set(a.verbs)) or low >= 0.7
    )
    # one statement may carry more detail than the other: most of one inside the other is enough
    same_fact = shared >= 3 and same_action and (low >= 0.5 or (max(ca, cb) >= 0.55 and low >= 0.3))
    strong = shared >= 4 and low >= 0.65
    # close: one event told at different length ("apologised to the 231 passengers ... grounded"
    # / "carrying 213 passengers ran aground")
    close = shared >= 4 and low >= 0.3
    conflict = _numbers_conflict(a, b, same_fact, close) if shared >= 2 else None
    if conflict and measure_key(conflict[0]) in ambiguous:
        conflict = None
    if conflict:
        x, y = conflict
        note = ""
        if x.update or y.update:
            note = f" (given as an update: “{(x.update or y.update)}”)"
        return Verdict("number", f"{_fig(x)} here, {_fig(y)} in the earlier report{note}")
    if a.negated != b.negated and shared >= 4 and (strong or low >= 0.4) and _negated_verb_shared(a, b):
        return Verdict("negation", "one version says it happened, the other says it did not")
    if a.dates and b.dates and (strong or shared >= 3):
        # weekdays only in one fact (they shift with time zones and datelines); years of one event
        # ("joined in 2008" / "joined in 2009") with fewer shared terms
        verdict = _dates_conflict(a, b, strong, weekdays=strong or low >= 0.5)
        if verdict:
            return verdict
    if strong and a.persons and b.persons:
        pa = [p for p in a.persons if not any(same_name(p, q) for q in b.persons)]
        pb = [q for q in b.persons if not any(same_name(p, q) for p in a.persons)]
        if len(pa) == 1 and len(pb) == 1 and len(a.persons) == len(b.persons):
            return Verdict("name", f"named {pa[0].title()} here, {pb[0].title()} earlier")
    if a.places and b.places and shared >= 4 and _shared_entities(a, b) >= 2:
        place = _places_conflict(a, b)
        if place:
            return place
    if shared >= 6 and low >= 0.3:
        opp = _opposed_modifier(a, b)
        if opp:
            kind = "quote" if a.speaker and b.speaker and a.speaker == b.speaker else "other"
            return Verdict(kind, f"“{opp[0]}” here where the earlier report has “{opp[1]}”")
    return Verdict(None) if same_fact else None


def _places_conflict(a: Claim, b: Claim) -> Verdict | None:
    """One thing said to have happened in two places ("the news conference in Tolmec" / "the news
    conference on Friday in Brask"): the same noun, each with one place, and neither place given
    for it on the other side (spelling variants are one place)."""
    for x in a.places:
        noun, _, px = x.partition("@")
        pa = [p.partition("@")[2] for p in a.places if p.startswith(noun + "@")]
        pb = [p.partition("@")[2] for p in b.places if p.startswith(noun + "@")]
        if len(pa) != 1 or len(pb) != 1 or same_name(pa[0], pb[0]):
            continue
        words_a, words_b = set(pa[0].split()), set(pb[0].split())
        if words_a & words_b:
            continue  # "Tolmec" / "Tolmec City": one place, named at two lengths
        return Verdict("name", f"the {noun} in {pa[0].title()} here, in {pb[0].title()} earlier")
    return None


def _negated_verb_shared(a: Claim, b: Claim) -> bool:
    """The verb negated on one side is the predicate of the other side ("did not uphold" / "upheld")."""
    neg, pos = (a, b) if a.negated else (b, a)
    return any(v and (v in pos.terms or v == pos.predicate) for v in neg.negations)


def _split_date(d: str) -> tuple[str, str]:
    value, _, anchor = d.partition("@")
    return value, anchor


def _other_object(x: str, y: str) -> bool:
    """One verb acting on two different things ("joined Rovers" / "joined Athletic")."""
    vx, _, ox = x.partition("@")
    vy, _, oy = y.partition("@")
    return vx == vy and bool(ox) and bool(oy) and not set(ox.split()) & set(oy.split())


def _same_event(x: str, y: str) -> bool:
    """Two dates' anchors ("join@rovers", "join@") name one event: the same verb, and objects that
    do not differ."""
    vx, _, ox = x.partition("@")
    vy, _, oy = y.partition("@")
    return bool(vx) and vx == vy and (not ox or not oy or bool(set(ox.split()) & set(oy.split())))


def _dates_conflict(a: Claim, b: Claim, strong: bool, weekdays: bool = True) -> Verdict | None:
    """Different days or years for the same event: the same verb, or the same fact (strong)."""
    for kind, test in (("weekday", lambda v: v in lexicon.WEEKDAYS), ("year", str.isdigit)):
        if kind == "weekday" and not weekdays:
            continue
        da = [_split_date(d) for d in a.dates if test(_split_date(d)[0])]
        db = [_split_date(d) for d in b.dates if test(_split_date(d)[0])]
        if len(da) != 1 or len(db) != 1 or da[0][0] == db[0][0]:
            continue
        if _same_event(da[0][1], db[0][1]) or (strong and not _other_object(da[0][1], db[0][1])):
            return Verdict("date", f"{da[0][0].title()} here, {db[0][0].title()} earlier")
    return None


def _fig(n: Number) -> str:
    return f"“{n.approx + ' ' if n.approx else ''}{n.text}”"


# Holders too vague to name one measured thing on their own ("the total", "a share")
_VAGUE_HOLDERS = frozenset("total number figure share amount part half majority rest other some".split())


def measure_key(n: Number) -> tuple[str, str] | None:
    """The named measure a figure gives a value for: (unit, holder) for a specific holder ("a
    ten-minute descent" -> (minute, descent)); for a count of concrete things with no holder, the
    event they took part in ("six cars derailed" -> (car, @derail)). None: nothing named."""
    if not n.unit or n.unit == "age" or n.role or n.conversion:
        return None
    if n.holder and n.holder != "?" and n.holder not in _VAGUE_HOLDERS:
        return n.unit, n.holder
    if not n.holder and n.unit not in GENERIC_UNITS and n.anchor and n.anchor not in _VAGUE_EVENTS:
        return n.unit, "@" + n.anchor
    return None


# verbs that tell nothing of what a count took part in ("following", "including", "making")
_VAGUE_EVENTS = frozenset("follow include make get take give see come go bring put keep leave mean involve".split())


def _measures(claims: list[Claim]) -> dict[tuple[str, str], list[Number]]:
    seen: dict[tuple[str, str], list[Number]] = {}
    for c in claims:
        for n in c.numbers:
            key = measure_key(n)
            if key is not None:
                seen.setdefault(key, []).append(n)
    return seen


def ambiguous_measures(claims: list[Claim]) -> frozenset[tuple[str, str]]:
    """The named measures an article gives values for that cannot all be right: two things."""
    return frozenset(k for k, ns in _measures(claims).items() if not all(x.compatible(y) for x in ns for y in ns))


def measure_keys(claims: list[Claim]) -> set[tuple[str, str]]:
    """The named measures an article gives one value for: (unit, holder) of its figures that have
    a unit and a specific holder ("a ten-minute descent" -> (minute, descent)), when every figure
    of it in the article is compatible with the others. A holder given two values in one article
    ("the first meeting lasted 40 minutes, the second 90") names more than one thing."""
    return {k for k, ns in _measures(claims).items() if all(x.compatible(y) for x in ns for y in ns)}


def measure_conflict(a: Claim, b: Claim, keys: set[tuple[str, str]]) -> Verdict | None:
    """Two statements that share little but one named measure (`keys`: the measures both
    articles give one value for each), with values that cannot both be right: "a twelve-minute
    descent" / "the 15-minute descent". Each statement gives that measure once, nothing else
    about the two figures tells them apart (place, person, role, event)."""
    if a.periods and b.periods and not set(a.periods) & set(b.periods):
        return None
    for x in a.numbers:
        key = measure_key(x)
        if key not in keys or sum(1 for z in a.numbers if measure_key(z) == key) != 1:
            continue
        ys = [y for y in b.numbers if measure_key(y) == key]
        if len(ys) != 1:
            continue
        y = ys[0]
        if same_measure(x, y) is not True or x.compatible(y):
            continue
        return Verdict("number", f"{_fig(x)} here, {_fig(y)} in the earlier report")
    return None


_CASUALTY_EVENTS = frozenset(lexicon.canon(w) for w in lexicon.CASUALTY_WORDS.values())


def headline_conflict(a: Claim, h: Claim) -> Verdict | None:
    """A statement's count of people killed or hurt against an earlier article's headline
    (`h`, terse: "6 dead, dozens injured in rail crash"). Only exact counts of one clear event are
    compared (a headline cannot say "at least"), each the only count of that event on its side,
    and the two must share a word besides the event (the place, the vehicle, the name)."""
    if a.periods and h.periods and not set(a.periods) & set(h.periods):
        return None
    for x in a.numbers:
        if x.approx:
            continue
        key = measure_key(x)
        if x.unit == "person" and x.anchor in _CASUALTY_EVENTS and not x.holder:

            def same(z: Number, x: Number = x) -> bool:
                return z.unit == x.unit and z.anchor == x.anchor and not z.holder

        elif key is not None and not key[1].startswith("@"):
            # a named measure ("Leave" of "Leave won 51.9%"): headline and text name one thing

            def same(z: Number, x: Number = x) -> bool:
                return measure_key(z) == measure_key(x)

        else:
            continue
        if sum(1 for z in a.numbers if same(z)) != 1:
            continue
        ys = [y for y in h.numbers if same(y)]
        if len(ys) != 1 or ys[0].approx or same_measure(x, ys[0]) is False:
            continue
        if len((a.keyset() & h.keyset()) - {x.anchor, x.holder}) < 1:
            continue
        if x.compatible(ys[0]):
            return None
        return Verdict("number", f"{_fig(x)} here, {_fig(ys[0])} in the earlier report's headline")
    return None

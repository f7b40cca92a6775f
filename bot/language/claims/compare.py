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
# statements are the same fact or the figures belong to the same verb ("killed 18 people").
GENERIC_UNITS = {"", "person", "other", "time", "year", "month", "week", "day", "hour", "minute", "percent",
                 "usd", "eur", "gbp", "jpy", "million", "billion", "thing", "case", "member"}


def _numbers_conflict(a: Claim, b: Claim, same_fact: bool) -> tuple[Number, Number] | None:
    """Two figures for the same quantity that cannot both be right, once approximation and
    rounding are read. The same quantity: the same unit, and either the same fact, the same verb,
    or a specific count noun ("passengers") that each statement uses once."""
    for x in a.numbers:
        same_unit = [y for y in b.numbers if y.unit == x.unit]
        if not same_unit or any(x.compatible(y) for y in same_unit):
            continue
        if len(same_unit) != 1 or sum(1 for z in a.numbers if z.unit == x.unit) != 1:
            continue
        y = same_unit[0]
        if x.unit in GENERIC_UNITS:
            related = same_fact and (x.anchor == y.anchor or not x.anchor or not y.anchor
                                     or lexicon.synonyms(x.anchor, y.anchor))
            if not related and not (x.anchor and x.anchor == y.anchor and x.unit):
                continue
        return x, y
    return None


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


def compare(a: Claim, b: Claim) -> Verdict | None:
    """Compare claim `a` (the new article's) with `b` (earlier coverage). None: not the same fact;
    Verdict(None): the same fact, told compatibly; else a contradiction of Verdict.kind."""
    shared, ca, cb = overlap(a, b)
    if shared < 2:
        return None
    low = min(ca, cb)
    # the same fact: most terms shared, and the same action (unless nearly everything is shared)
    same_action = (not a.main or not b.main or bool(set(a.main) & set(b.verbs)) or bool(set(b.main) & set(a.verbs))
                   or low >= 0.7)
    # one statement may carry more detail than the other: most of one inside the other is enough
    same_fact = shared >= 3 and same_action and (low >= 0.5 or (max(ca, cb) >= 0.55 and low >= 0.3))
    strong = shared >= 4 and low >= 0.65
    conflict = _numbers_conflict(a, b, same_fact) if shared >= 2 else None
    if conflict:
        x, y = conflict
        return Verdict("number", f"{_fig(x)} here, {_fig(y)} in the earlier report")
    if a.negated != b.negated and shared >= 4 and (strong or (low >= 0.4 and _negated_verb_shared(a, b))):
        return Verdict("negation", "one version says it happened, the other says it did not")
    if a.dates and b.dates and (strong or (shared >= 3 and low >= 0.5)):
        verdict = _dates_conflict(a, b, strong)
        if verdict:
            return verdict
    if strong and a.persons and b.persons:
        pa = [p for p in a.persons if not any(same_name(p, q) for q in b.persons)]
        pb = [q for q in b.persons if not any(same_name(p, q) for p in a.persons)]
        if len(pa) == 1 and len(pb) == 1 and len(a.persons) == len(b.persons):
            return Verdict("name", f"named {pa[0].title()} here, {pb[0].title()} earlier")
    if shared >= 6 and low >= 0.3:
        opp = _opposed_modifier(a, b)
        if opp:
            kind = "quote" if a.speaker and b.speaker and a.speaker == b.speaker else "other"
            return Verdict(kind, f"“{opp[0]}” here where the earlier report has “{opp[1]}”")
    return Verdict(None) if same_fact else None


def _negated_verb_shared(a: Claim, b: Claim) -> bool:
    """The verb negated on one side is the predicate of the other side ("did not uphold" / "upheld")."""
    neg, pos = (a, b) if a.negated else (b, a)
    return any(v and (v in pos.terms or v == pos.predicate) for v in neg.negations)


def _split_date(d: str) -> tuple[str, str]:
    value, _, anchor = d.partition("@")
    return value, anchor


def _dates_conflict(a: Claim, b: Claim, strong: bool) -> Verdict | None:
    """Different days or years for the same event: the same verb, or the same fact (strong)."""
    for kind, test in (("weekday", lambda v: v in lexicon.WEEKDAYS), ("year", str.isdigit)):
        da = [_split_date(d) for d in a.dates if test(_split_date(d)[0])]
        db = [_split_date(d) for d in b.dates if test(_split_date(d)[0])]
        if len(da) != 1 or len(db) != 1 or da[0][0] == db[0][0]:
            continue
        if strong or (da[0][1] and da[0][1] == db[0][1]):
            return Verdict("date", f"{da[0][0].title()} here, {db[0][0].title()} earlier")
    return None


def _fig(n: Number) -> str:
    return f"“{n.approx + ' ' if n.approx else ''}{n.text}”"

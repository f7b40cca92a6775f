"""Small lexical resources for comparing claims: words whose swap changes a fact (antonyms and
opposing modifiers) and approximation words for figures. General English, not tied to any story."""

from __future__ import annotations

# Pairs (and groups) of words that contradict each other when one replaces the other in the same
# statement. Each group lists mutually opposing alternatives; words within one synonym set are
# interchangeable (see SYNONYMS).
OPPOSING: list[tuple[str, ...]] = [
    ("internal", "international"),
    ("internal", "external"),
    ("internal", "foreign"),
    ("domestic", "international"),
    ("domestic", "foreign"),
    ("domestic", "external"),
    ("increase", "decrease"),
    ("increase", "cut"),
    ("increase", "reduce"),
    ("raise", "lower"),
    ("raise", "cut"),
    ("rise", "fall"),
    ("rise", "drop"),
    ("rise", "decline"),
    ("gain", "loss"),
    ("gain", "lose"),
    ("up", "down"),
    ("higher", "lower"),
    ("more", "less"),
    ("more", "fewer"),
    ("most", "least"),
    ("above", "below"),
    ("before", "after"),
    ("early", "late"),
    ("earlier", "later"),
    ("win", "lose"),
    ("won", "lost"),
    ("victory", "defeat"),
    ("accept", "reject"),
    ("approve", "reject"),
    ("approve", "veto"),
    ("confirm", "deny"),
    ("admit", "deny"),
    ("support", "oppose"),
    ("agree", "disagree"),
    ("allow", "ban"),
    ("allow", "forbid"),
    ("allow", "prohibit"),
    ("permit", "ban"),
    ("legal", "illegal"),
    ("guilty", "innocent"),
    ("convict", "acquit"),
    ("uphold", "overturn"),
    ("uphold", "strike"),
    ("open", "close"),
    ("opened", "closed"),
    ("start", "end"),
    ("begin", "end"),
    ("resume", "suspend"),
    ("lift", "impose"),
    ("expand", "shrink"),
    ("strengthen", "weaken"),
    ("improve", "worsen"),
    ("improve", "deteriorate"),
    ("positive", "negative"),
    ("profit", "loss"),
    ("surplus", "deficit"),
    ("friendly", "hostile"),
    ("ally", "enemy"),
    ("satisfactory", "unsatisfactory"),
    ("possible", "impossible"),
    ("likely", "unlikely"),
    ("alive", "dead"),
    ("survive", "die"),
    ("survivor", "victim"),
    ("injured", "killed"),
    ("arrive", "depart"),
    ("landing", "takeoff"),
    ("north", "south"),
    ("east", "west"),
    ("northern", "southern"),
    ("eastern", "western"),
    ("left", "right"),
    ("minimum", "maximum"),
    ("public", "private"),
    ("civilian", "military"),
    ("first", "last"),
    ("join", "leave"),
    ("enter", "exit"),
    ("buy", "sell"),
    ("hire", "fire"),
    ("elect", "defeat"),
    ("peace", "war"),
    ("partial", "full"),
    ("temporary", "permanent"),
    ("voluntary", "mandatory"),
    ("mutual", "unilateral"),
    ("bilateral", "unilateral"),
]

SYNONYMS: list[set[str]] = [
    {"internal", "domestic", "home", "inner"},
    {"international", "foreign", "external", "global"},
    {"unsatisfactory", "poor", "bad", "unacceptable", "dismal"},
    {"soon", "future", "later", "eventually", "shortly"},
    {"meeting", "summit", "talks", "encounter"},
    {"kill", "die", "dead", "death", "fatality"},
    {"injure", "wound", "hurt", "injured", "wounded"},
    {"say", "state", "tell", "declare", "announce", "note"},
    {"relation", "relationship", "tie", "ties"},
    {"pay", "cost", "spend"},
    {"share", "stock"},
    {"estimate", "expectation", "consensus"},
    {"buyback", "repurchase"},
]

_OPP: dict[str, set[str]] = {}
for group in OPPOSING:
    for w in group:
        _OPP.setdefault(w, set()).update(x for x in group if x != w)


_SYN: dict[str, frozenset[str]] = {}
for _group in SYNONYMS:
    for _w in _group:
        _SYN[_w] = _SYN.get(_w, frozenset({_w})) | frozenset(_group)


def _syn_of(word: str) -> frozenset[str]:
    """The word with its synonyms (computed once, at import)."""
    return _SYN.get(word, frozenset({word}))


def opposed(a: str, b: str) -> bool:
    """Whether replacing `a` by `b` (lemmas, lower-case) turns a statement into a different fact."""
    a, b = a.lower(), b.lower()
    if a == b or b in _syn_of(a):
        return False
    return any(y in _OPP.get(x, ()) for x in _syn_of(a) for y in _syn_of(b)) and not (_syn_of(a) & _syn_of(b))


_CANON = {w: min(group) for group in SYNONYMS for w in group}


def canon(term: str) -> str:
    """One representative of a word's synonym set (the word itself when it has none)."""
    return _CANON.get(term, term)


def synonyms(a: str, b: str) -> bool:
    return a.lower() == b.lower() or b.lower() in _syn_of(a.lower())


# Words that negate a statement: as spaCy tokenizes them (NEGATORS) and as normalized text splits
# them ("n't" becomes "nt" once punctuation is dropped).
NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor", "without"})
NEGATION_WORDS = NEGATORS | {"nt", "none"}

# Approximation words before a figure, and the interval they give around value v.
APPROX_LOWER = {
    "over",
    "above",
    "more than",
    "greater than",
    "in excess of",
    "upwards of",
    "at least",
    "no fewer than",
    "no less than",
    "exceeding",
    "beyond",
    "topping",
}
APPROX_UPPER = {"under", "below", "less than", "fewer than", "at most", "up to", "no more than"}
# just below the figure: "nearly 6%" allows a little less than 6, never more
APPROX_NEARLY = {"nearly", "almost", "just under", "not quite", "shy of", "just shy of", "close to", "near"}
APPROX_AROUND = {
    "about",
    "around",
    "roughly",
    "approximately",
    "some",
    "an estimated",
    "estimated",
    "circa",
    "or so",
    "just over",
    "more or less",
    "approx",
    "approx.",
    "hovering around",
}
# words before a counted noun that say how many, not what kind ("all seven cars", "more people")
QUANTITY_WORDS = {
    "all",
    "more",
    "other",
    "further",
    "additional",
    "total",
    "only",
    "some",
    "many",
    "several",
    "least",
    "most",
    "first",
    "last",
    "extra",
    "new",
}
# verbs that make a figure a projection, not a result ("forecast sales of $3 billion")
FORECAST_VERBS = {"forecast", "project", "predict", "expect", "anticipate", "guide", "estimate", "target", "plan"}
# verbs that present a figure as a change of an earlier one ("rose to 8", "revised down from 9")
UPDATE_VERBS = {
    "rise",
    "climb",
    "increase",
    "grow",
    "jump",
    "reach",
    "revise",
    "update",
    "raise",
    "lower",
    "fall",
    "drop",
    "decline",
    "decrease",
    "cut",
    "correct",
    "swell",
    "mount",
}
# verbs of a thing standing at a level ("shares traded at $8", "the index closed at 4,100")
LEVEL_VERBS = {"trade", "close", "open", "hover", "stand", "sit", "settle", "end", "finish", "peak", "bottom", "hold"}
# a train (or tram) leaving its track: "careened off the tracks", "jumped the rails", "left the track"
TRACK_WORDS = {"track", "tracks", "rail", "rails"}
OFF_TRACK_VERBS = {"jump", "leave"}
# words right after a bare count that say what happened to the people counted ("6 dead", "7 killed")
CASUALTY_WORDS = {
    "dead": "dead",
    "killed": "kill",
    "die": "die",
    "injured": "injure",
    "hurt": "hurt",
    "wounded": "wound",
}
# verbs whose object is the share a named side won ("Leave won 51.9%", "Okafor took 48% of the vote")
CONTEST_VERBS = {"win", "lead", "take", "get", "receive", "secure", "capture", "poll", "garner"}
# nouns named by their kind in a compound ("the buyback programme" is the buybacks)
GENERIC_HEADS = {"program", "programme", "plan", "scheme", "initiative"}
SCALES = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "k": 1e3,
    "m": 1e6,
    "bn": 1e9,
    "mn": 1e6,
}
NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "dozens": 24,
    "a dozen": 12,
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]

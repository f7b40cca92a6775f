"""Quotations compared across articles: whether two quotations are one remark, and what changed
between the two renderings (word by word: spelling variants, an editor's brackets, ellipses,
abbreviations and function words aside). The engine's shared quotes and wording contradictions
come from here."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from copydesk.bot.language.text import fold, normalize

QUOTE_MIN_WORDS = 4
#: Share of the shorter rendering's words found, in order, in the other for "the same remark".
SAME_REMARK_SHARE = 0.8
#: ... and in a stretch of the other where they make up this share at least (not scattered).
SAME_REMARK_DENSITY = 0.65
#: A quotation of at least this many words may take one rewording of up to LIGHT_EDIT_WORDS words
#: and stay the same quotation, lightly edited.
LONG_QUOTE = 30
LIGHT_EDIT_WORDS = 3
#: Words swapped at a quotation's edge that still count as a change (more: the outlets cut the
#: remark at different places).
EDGE_SWAP = 3
#: Two renderings of a remark quoted as whole sentences are the same remark when one sentence of
#: either has this share of its content words (at least ANCHOR_MIN_WORDS), in order and close
#: together, in the other: another translation of it, or the same words with other sentences
#: quoted around them.
ANCHOR_SHARE = 0.75
ANCHOR_MIN_WORDS = 6
#: The fewest words of a short quotation compared with a stretch of another ("That's just
#: insanity" / "… that's just insane"): all of them but one the same, that one another form of
#: the same word (a shared stem of STEM_MIN_LETTERS letters at least).
SHORT_QUOTE_WORDS = 3
STEM_MIN_LETTERS = 5


#: Words whose change alone never alters what a quotation says (articles, pronouns, particles,
#: auxiliaries): "concerned both by" / "concerned by both" is the same wording.
_LIGHT = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "by",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "at",
        "with",
        "as",
        "both",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "so",
        "then",
        "also",
        "just",
        "well",
        "oh",
        "um",
        "uh",
        "very",
        "really",
        "which",
        "who",
        "there",
        "here",
    }
)
#: Words that carry no content of a remark for aligning two translations of it (function words,
#: pronouns, auxiliaries, conjunctions): "When he was alone" / "While he is alone".
_FUNCTION = _LIGHT | frozenset(
    {
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "am",
        "but",
        "if",
        "when",
        "while",
        "because",
        "why",
        "what",
        "how",
        "from",
        "into",
        "about",
        "than",
        "please",
    }
)
_SENTENCE_END_RE = re.compile(r"[.!?;]+(?=\s|$)|\.\.\.|…")
_QTOKEN_RE = re.compile(r"[([]|[)\]]|\.\.\.|…|[a-z0-9]+(?:['’][a-z]+)?")
_ACRO_RE = re.compile(r"\b((?:[a-z]\.){2,})")


def _variant(word: str) -> str:
    """One spelling for British and American variants ("honour"/"honor", "realise"/"realize")."""
    w = word.replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 5:
        w = re.sub(r"our(s|ed|ing|ite|ites|able)?$", r"or\1", w)
        w = re.sub(r"is(e|es|ed|ing|ation|ations)$", r"iz\1", w)
        w = re.sub(r"ys(e|es|ed|ing)$", r"yz\1", w)
        w = re.sub(r"ll(ed|ing|er|ers)$", r"l\1", w)
        w = re.sub(r"tre(s)?$", r"ter\1", w)
        w = re.sub(r"mme(s)?$", r"m\1", w)
    return w


def _quote_words(text: str) -> list[tuple[str, int, str]]:
    """A quotation's words in matching form, each with a flag (0 a word, 1 an editor's word, in
    brackets or parentheses, 2 an ellipsis) and as written."""
    t = fold(text).lower()
    t = _ACRO_RE.sub(lambda m: m.group(1).replace(".", ""), t)
    out: list[tuple[str, int, str]] = []
    depth = 0
    for m in _QTOKEN_RE.finditer(t):
        tok = m.group(0)
        if tok in "([":
            depth += 1
        elif tok in ")]":
            depth = max(0, depth - 1)
        elif tok in ("...", "…"):
            out.append(("…", 2, tok))
        else:
            out.append((_variant(tok), 1 if depth else 0, tok))
    return out


def _abbreviates(short: list[str], long: list[str]) -> bool:
    """ "us" for "united states", "ai" for "artificial intelligence"."""
    return len(short) == 1 and len(long) > 1 and len(short[0]) == len(long) and short[0] == "".join(w[0] for w in long)


@dataclass
class QuoteDiff:
    """How two renderings of a quotation compare: `matched` words in common (in order), and the
    changes of substance in the stretch they share (edges cut by either outlet are not changes)."""

    matched: int
    shorter: int
    changes: list[tuple[str, str, int]]  # (here, there, words changed)
    window: int = 0  # the longer of the two stretches the common words lie in
    anchored: bool = False  # one rendering's sentences told in the other (see `_anchored`)

    @property
    def same_remark(self) -> bool:
        """Most of the shorter rendering is in the other, in order (or, for renderings quoted as
        whole sentences, most of one of their sentences: `_anchored`)."""
        if self.anchored:
            return True
        return (
            self.matched >= QUOTE_MIN_WORDS
            and self.matched >= SAME_REMARK_SHARE * self.shorter
            and self.matched >= SAME_REMARK_DENSITY * self.window
        )

    @property
    def reworded(self) -> bool:
        """The wording differs in substance: a change in a short quotation, or several, or a long
        one. One rewording of a few words in a long quotation is light editing (a shared quote)."""
        if not self.changes:
            return False
        return self.shorter < LONG_QUOTE or len(self.changes) > 1 or self.changes[0][2] > LIGHT_EDIT_WORDS


def quote_diff(a: str, b: str) -> QuoteDiff:
    """Compares two renderings of a quotation (`a` the later one). When most of the shorter is
    not in the other but both are quoted as whole sentences, the sentences of either that the
    other tells too (`_anchored`) are compared, each with the other rendering."""
    wa, wb = _quote_words(a), _quote_words(b)
    diff = _diff(wa, wb)
    if diff.same_remark or not (_opens_sentence(a) and _opens_sentence(b)):
        return diff
    parts = [_diff(seg, wb) for seg in _anchored(a, wb)]
    parts += [_diff(wa, seg) for seg in _anchored(b, wa)]
    if not parts:
        return diff
    return QuoteDiff(
        sum(p.matched for p in parts),
        sum(p.shorter for p in parts),
        [c for p in parts for c in p.changes],
        sum(p.window for p in parts),
        anchored=True,
    )


def _diff(wa: list[tuple[str, int, str]], wb: list[tuple[str, int, str]]) -> QuoteDiff:
    sa, sb = [w for w, _, _ in wa], [w for w, _, _ in wb]
    sm = difflib.SequenceMatcher(a=sa, b=sb, autojunk=False)
    ops = sm.get_opcodes()
    matched = sum(i2 - i1 for op, i1, i2, _, _ in ops if op == "equal")
    shorter = min(sum(1 for _, f, _ in wa if f == 0), sum(1 for _, f, _ in wb if f == 0)) or 1
    equal = [k for k, op in enumerate(ops) if op[0] == "equal"]
    changes: list[tuple[str, str, int]] = []
    cut = 0  # words left out with an ellipsis or put in by an editor
    if equal:
        inner = ops[equal[0] : equal[-1] + 1]
        # at the edges, words on one side only are a cut; a few words swapped for others are a change
        edges = [
            op
            for op in ops[: equal[0]] + ops[equal[-1] + 1 :]
            if op[0] == "replace" and op[2] - op[1] <= EDGE_SWAP and op[4] - op[3] <= EDGE_SWAP
        ]
        for op, i1, i2, j1, j2 in edges + inner:
            if op == "equal":
                continue
            da, db = wa[i1:i2], wb[j1:j2]
            if any(f == 2 for _, f, _ in da + db):
                cut += max(i2 - i1, j2 - j1)
                continue  # an ellipsis marks the cut
            xa = [w for w, f, _ in da if f == 0]
            xb = [w for w, f, _ in db if f == 0]
            if (not xa or not xb) and any(f == 1 for _, f, _ in da + db):
                cut += max(i2 - i1, j2 - j1)
                continue  # an editor's insertion, "(was)", "[of the passengers]"
            if _abbreviates(xa, xb) or _abbreviates(xb, xa):
                continue
            if all(w in _LIGHT for w in xa + xb):
                continue
            here = " ".join(o for _, _, o in wa[max(0, i1 - 1) : i2 + 1])
            there = " ".join(o for _, _, o in wb[max(0, j1 - 1) : j2 + 1])
            changes.append((here, there, max(len(xa), len(xb))))
    window = 0
    if equal:
        first, last = ops[equal[0]], ops[equal[-1]]
        window = max(last[2] - first[1], last[4] - first[3]) - cut
    return QuoteDiff(matched, shorter, changes, window)


def _opens_sentence(text: str) -> bool:
    """A quotation given as whole sentences (it opens with a capital), not a fragment woven into
    the reporter's sentence ("… ready to “develop a dialogue …”"), whose wording bends to the
    reporter's syntax."""
    first = next((ch for ch in fold(text) if ch.isalpha()), "")
    return first.isupper()


def _sentences(text: str) -> list[list[tuple[str, int, str]]]:
    """A quotation's sentences (split at ellipses too), each as `_quote_words`."""
    return [words for piece in _SENTENCE_END_RE.split(text) if (words := _quote_words(piece))]


def _content(words: list[tuple[str, int, str]]) -> list[str]:
    return [w for w, f, _ in words if f == 0 and w not in _FUNCTION]


def _anchored(a: str, wb: list[tuple[str, int, str]]) -> list[list[tuple[str, int, str]]]:
    """The sentences of rendering `a` told in `wb` too: ANCHOR_SHARE of a sentence's content words
    (ANCHOR_MIN_WORDS at least) found in order in `wb`, in a stretch where they make up
    SAME_REMARK_DENSITY of its content words."""
    cb = _content(wb)
    out = []
    for seg in _sentences(a):
        ca = _content(seg)
        if len(ca) < ANCHOR_MIN_WORDS:
            continue
        sm = difflib.SequenceMatcher(a=ca, b=cb, autojunk=False)
        blocks = [m for m in sm.get_matching_blocks() if m.size]
        matched = sum(m.size for m in blocks)
        if matched < ANCHOR_MIN_WORDS or matched < ANCHOR_SHARE * len(ca):
            continue
        window = blocks[-1].b + blocks[-1].size - blocks[0].b
        if matched >= SAME_REMARK_DENSITY * window:
            out.append(seg)
    return out


def short_variant(a: str, b: str) -> tuple[str, str] | None:
    """A short quotation (SHORT_QUOTE_WORDS words, fewer than QUOTE_MIN_WORDS) told by the other
    rendering, or by one of its sentences, word for word but for one word given in another form
    ("insanity" / "insane"): the words that differ, else None."""
    wa, wb = _quote_words(a), _quote_words(b)
    short, long_, flip = (wa, b, False) if len(wa) <= len(wb) else (wb, a, True)
    sw = [w for w, f, _ in short if f == 0]
    if not SHORT_QUOTE_WORDS <= len(sw) < QUOTE_MIN_WORDS:
        return None
    for seg in _sentences(long_):
        lw = [w for w, f, _ in seg if f == 0]
        if len(lw) != len(sw):
            continue
        diff = [(x, y) for x, y in zip(sw, lw, strict=True) if x != y]
        if len(diff) != 1:
            continue
        x, y = diff[0]
        stem = len(_common_prefix(x, y))
        if stem >= STEM_MIN_LETTERS and stem >= 0.6 * min(len(x), len(y)) and x not in _LIGHT:
            return (y, x) if flip else (x, y)
    return None


def _common_prefix(x: str, y: str) -> str:
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n]:
        n += 1
    return x[:n]


#: A quoted term: a phrase of fewer than QUOTE_MIN_WORDS words between quotation marks.
_TERM_RE = re.compile(r"[“\"]([^“”\"\n]{1,60}?)[”\"]")
#: Words of context each side of a quoted term that must be the same for "the same sentence".
TERM_CONTEXT = 3
#: How much of two sentences, the quoted terms aside, must be the same (token set ratio, 0-100).
TERM_FRAME_SIMILARITY = 80
TERM_FRAME_MIN_WORDS = 8


@dataclass
class QuotedTerm:
    """A short quoted term of a sentence, with the words around it (in matching form)."""

    term: str  # as written
    words: tuple[str, ...]  # its words, an editor's brackets and ellipses left out
    left: tuple[str, ...]  # the TERM_CONTEXT words before it
    right: tuple[str, ...]  # the (up to) two words after it
    frame: str  # the sentence without the term


def quoted_terms(sentence: str) -> list[QuotedTerm]:
    """The short quoted terms of a sentence (“what he calls the ‘X’ of ...”): a phrase of fewer
    than QUOTE_MIN_WORDS words, with at least TERM_CONTEXT words before it."""
    out = []
    for m in _TERM_RE.finditer(sentence):
        words = tuple(w for w, flag, _ in _quote_words(m.group(1)) if flag == 0)
        if not words or len(words) >= QUOTE_MIN_WORDS:
            continue
        left = tuple(normalize(sentence[: m.start()]).split())
        right = tuple(normalize(sentence[m.end() :]).split())
        if len(left) < TERM_CONTEXT:
            continue
        out.append(QuotedTerm(m.group(1), words, left[-TERM_CONTEXT:], right[:2], " ".join(left + right)))
    return out


def _same_word(x: str, y: str) -> bool:
    """One word, spelling variants aside ("Marseille" / "Marseilles")."""
    return x == y or (min(len(x), len(y)) >= 4 and fuzz.ratio(x, y) >= 90)


def term_changed(a: QuotedTerm, b: QuotedTerm) -> bool:
    """Whether two sentences told the same way quote different words at the same place: the same
    words around the term, most of the rest of the sentence the same, and terms that are not the
    same words (spelling variants, function words and abbreviations aside) nor one a trim of the
    other."""
    if a.left != b.left or a.right != b.right:
        return False
    if min(len(a.frame.split()), len(b.frame.split())) < TERM_FRAME_MIN_WORDS:
        return False
    if fuzz.token_set_ratio(a.frame, b.frame) < TERM_FRAME_SIMILARITY:
        return False
    wa = [w for w in a.words if w not in _LIGHT]
    wb = [w for w in b.words if w not in _LIGHT]
    if not wa or not wb or _abbreviates(wa, wb) or _abbreviates(wb, wa):
        return False
    inside = all(any(_same_word(x, y) for y in wb) for x in wa) or all(any(_same_word(x, y) for x in wa) for y in wb)
    return not inside

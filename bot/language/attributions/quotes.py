"""Quoted passages: where the quotations of a text are, whatever their marks (straight or curly
double marks, « », single marks told apart from apostrophes), and quotes running over paragraphs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from copydesk.bot.language.text import paragraphs

_DQ_OPEN = "“„«‟"
_DQ_CLOSE = "”»"
_DQ_ALL = _DQ_OPEN + _DQ_CLOSE + '"'
_SQ_OPEN = "‘‚"
_SQ_CLOSE = "’"
_OPEN_CONTEXT = "([{—–-/:"
_CLOSE_CONTEXT = ".,;:!?)]}—–-…" + _DQ_ALL + "’'"
#: Double marks, with the typewriter pairs of wire copy: `` opens, '' closes.
_DQ_RE = re.compile("``|''|[\"“”„«»‟]")
_DQ_PAIR_OPEN, _DQ_PAIR_CLOSE = "``", "''"
_SQ_RE = re.compile("['‘’‚]")
#: Longest top-level single-quoted passage (single marks double as apostrophes).
_SINGLE_MAX = 300


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _context(text: str, p: int, lo: int, hi: int, q: int | None = None) -> tuple[bool, bool]:
    """(could open, could close) for the quote mark at p (ending at q), from its neighbours."""
    q = p + 1 if q is None else q
    prev = text[p - 1] if p > lo else " "
    nxt = text[q] if q < hi else " "
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
        open_end = lo
        for m in _DQ_RE.finditer(text, lo, hi):
            p, ch = m.start(), m.group(0)
            can_open, can_close = _context(text, p, lo, hi, m.end())
            if ch == _DQ_PAIR_OPEN:
                ch = _DQ_OPEN[0]
            elif ch == _DQ_PAIR_CLOSE:
                ch = _DQ_CLOSE[0]
            if open_at is None:
                if (
                    ch in _DQ_OPEN
                    or (ch == '"' and (can_open or not can_close))
                    or (ch in _DQ_CLOSE and can_open and not can_close)
                ):
                    open_at, open_end = p, m.end()
                continue  # a stray closing mark opens nothing
            closes = (
                ch in _DQ_CLOSE
                or (ch == '"' and (can_close or not can_open))
                or (ch in _DQ_OPEN and can_close and not can_open)
            )
            if closes:
                s, e = _trim(text, open_end, p)
                if s < e:
                    parts.append((s, e))
                if parts:
                    chains.append(parts)
                parts, open_at = [], None
            else:  # a second opening mark: the first one was never closed
                if parts:
                    chains.append(parts)
                parts, open_at, open_end = [], p, m.end()
        if open_at is not None:
            s, e = _trim(text, open_end, hi)
            if s < e:
                parts.append((s, e))
            nxt = paras[k + 1] if k + 1 < len(paras) else None
            if (
                nxt is not None
                and (text[nxt.start] in _DQ_OPEN + '"' or text.startswith(_DQ_PAIR_OPEN, nxt.start))
                and parts
            ):
                carry = parts
                continue
        if parts:
            chains.append(parts)
    if carry:
        chains.append(carry)
    return chains


def _single_spans(text: str, lo: int, hi: int, blocked: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
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
        if text[p - 1 : p + 1] == "''" or text[p : p + 2] == "''":
            continue  # a typewriter double mark
        prev = text[p - 1] if p > lo else " "
        nxt = text[p + 1] if p + 1 < hi else " "
        opener = (
            ch != "’"
            and (prev.isspace() or prev in _OPEN_CONTEXT or prev in _DQ_OPEN)
            and nxt.isalnum()
            and not re.match(r"\d0s\b|\d\ds\b|(?:em|tis|twas|n)\b", text[p + 1 : p + 5], re.IGNORECASE)
        )
        closer = ch != "‘" and not prev.isspace() and not nxt.isalnum()
        if open_at is not None and closer:
            if prev in "sS" and nxt == " " and p + 2 < hi and text[p + 2].islower():
                # "the leaders' views": a plural possessive, unless no other closing mark follows
                later = [
                    q.start()
                    for q in _SQ_RE.finditer(text, p + 1, hi)
                    if not text[q.start() - 1].isspace() and (q.start() + 1 >= hi or not text[q.start() + 1].isalnum())
                ]
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

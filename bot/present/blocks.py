"""The analysis report as one Slack message: Block Kit blocks plus a plain `text` fallback.

`render_report(report)` takes the JSON report (`Report.to_dict()`, see INTERFACE.md) and returns
`(text, blocks)` within Slack's limits (see ../shared/slack/NOTES.md): at most 50 blocks, section
text at most 3,000 characters, header 150, context elements 10, and all blocks' text together well
under what Slack refuses as `msg_blocks_too_long`. Long lists end with "…and N more". Article
text is escaped (`&`, `<`, `>`) so that it can never form Slack markup (a fake link, a mention).

Sections, most pressing first: Contradicted (both versions, the earlier source(s), the
explanation), Copied (the source as a link with its date, the similarity, and the copied share in
the heading), New, Corroborated, Shared quotes. A report with nothing in them gets a short note.
"""

from __future__ import annotations

from collections.abc import Callable

from copydesk.bot.present.limits import (CONTEXT_ELEMENTS, FALLBACK_CHARS, HEADER_CHARS, MAX_BLOCKS, MESSAGE_CHARS,
                                         MORE, SECTION_CHARS, block_chars, clip)
from copydesk.bot.present.slacktext import escape, link

QUOTE_CHARS = 400  # one quoted passage

# How many items of each section are shown at most, before the message budget trims further.
SHOWN = {"contradictions": 5, "copied": 5, "new": 8, "corroborated": 5, "shared_quotes": 4}
DEFAULT_TITLE = "Coverage check"
_QUOTE_MARKS = "“”\""


# ---------------------------------------------------------------- small pieces
def quoted(text: str, limit: int = QUOTE_CHARS) -> str:
    """Article text as a quotation inside mrkdwn: clipped, escaped, in curly quotes."""
    inner = clip(text.strip().strip(_QUOTE_MARKS), limit)
    return f"“{escape(inner)}”"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def source_name(src: dict | None) -> str:
    """A source's outlet, else its title, else its archive id."""
    if not src:
        return "an earlier article"
    return src.get("outlet") or clip(src.get("title") or "", 80) or f"article {src.get('article_id')}"


def source_ref(src: dict | None) -> str:
    """A source in mrkdwn: its name linked to its URL when it has one, with its date."""
    if not src:
        return "an earlier article"
    ref = link(src.get("url"), source_name(src))
    date = (src.get("published") or "")[:10]
    return f"{ref} ({escape(date)})" if date else ref


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(*texts: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in texts[:CONTEXT_ELEMENTS]]}


def pack(lines: list[str], limit: int = SECTION_CHARS) -> list[str]:
    """Lines joined into as few texts of at most `limit` characters as possible (a line longer
    than `limit` is cut)."""
    texts: list[str] = []
    current = ""
    for line in lines:
        line = line if len(line) <= limit else line[: limit - 1] + "…"
        if current and len(current) + 1 + len(line) > limit:
            texts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        texts.append(current)
    return texts


# ---------------------------------------------------------------- the items
def _contradiction(c: dict) -> str:
    sources = c.get("sources") or [c["source"]]
    earlier = source_ref(sources[0])
    if len(sources) > 1:
        others = ", ".join(source_ref(s) for s in sources[1:4])
        extra = len(sources) - 4
        earlier += f", also {others}" + (f" and {extra} more" if extra > 0 else "")
    return (f"• `{escape(c.get('kind') or 'other')}` *Here:* {quoted(c['text'])}\n"
            f"    *Earlier* in {earlier}: {quoted(c.get('other_text') or '')}\n"
            f"    _{escape(clip(c.get('explanation') or '', 600))}_")


def _copied(c: dict) -> str:
    return f"• *{c['similarity'] * 100:.0f}%* similar to {source_ref(c['source'])}: {quoted(c['text'])}"


def _new(n: dict) -> str:
    return f"• {escape(clip(n['text'], QUOTE_CHARS))}"


def _corroborated(c: dict) -> str:
    sources = c.get("sources") or []
    refs = ", ".join(source_ref(s) for s in sources[:3])
    if len(sources) > 3:
        refs += f" and {len(sources) - 3} more"
    return f"• {escape(clip(c['text'], QUOTE_CHARS))} — _also in_ {refs}"


def _shared_quote(q: dict) -> str:
    speaker = escape(q.get("speaker") or "unknown speaker")
    return f"• {speaker}: {quoted(q['text'], 300)} — _same words in_ {source_ref(q['source'])}"


def _copied_heading(report: dict, items: list[dict]) -> str:
    share = report.get("copied_share") or 0.0
    return f"*Copied — {share * 100:.0f}% of this article* ({_plural(len(items), 'passage')})"


Section = tuple[str, Callable[[dict, list[dict]], str], Callable[[dict], str]]
SECTIONS: tuple[Section, ...] = (
    ("contradictions", lambda r, xs: f"*Contradicted* ({len(xs)})", _contradiction),
    ("copied", _copied_heading, _copied),
    ("new", lambda r, xs: f"*New* — not in earlier coverage ({len(xs)})", _new),
    ("corroborated", lambda r, xs: f"*Corroborated* — earlier coverage says the same ({len(xs)})", _corroborated),
    ("shared_quotes", lambda r, xs: f"*Shared quotes* — same speaker, same words: not copying ({len(xs)})",
     _shared_quote),
)


# ---------------------------------------------------------------- the message
def summary(report: dict) -> str:
    """One plain sentence: what the report found (the message's text fallback)."""
    parts = []
    copied = report.get("copied") or []
    if copied:
        top = max(copied, key=lambda c: len(c["text"]))
        parts.append(f"{(report.get('copied_share') or 0) * 100:.0f}% copied (mostly from {source_name(top['source'])})")
    for key, word, plural in (("contradictions", "contradiction", None), ("new", "new claim", None),
                              ("corroborated", "corroborated claim", None),
                              ("shared_quotes", "shared quote", None)):
        n = len(report.get(key) or [])
        if n:
            parts.append(_plural(n, word, plural))
    if not parts:
        return "nothing to report"
    return ", ".join(parts)


def _meta(report: dict) -> str:
    art = report.get("article") or {}
    bits = [link(art.get("url"), art["outlet"]) if art.get("outlet") else None,
            escape((art.get("published") or "")[:10]) or None,
            _plural(int(art.get("words") or 0), "word")]
    if "compared_with" in report:
        bits.append(f"compared with {_plural(int(report['compared_with']), 'earlier article')}")
    return " · ".join(b for b in bits if b)


def _nothing(report: dict) -> str:
    if not report.get("claims"):
        return ("Nothing to report: I found no checkable claims in this article (facts, figures or quotes), "
                "and nothing in it repeats earlier coverage.")
    return "Nothing to report: nothing in this article repeats, contradicts or adds to earlier coverage."


def render_report(report: dict, *, title: str | None = None, note: str | None = None) -> tuple[str, list[dict]]:
    """(text fallback, blocks) for a report, within Slack's limits. `title` replaces the
    article's title in the header; `note` (plain text) is shown under it, e.g. which link of
    several was read."""
    art = report.get("article") or {}
    heading = clip(title or art.get("title") or art.get("url") or DEFAULT_TITLE, HEADER_CHARS)
    fallback = clip(f"{heading}: {summary(report)}.", FALLBACK_CHARS)
    head: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": heading, "emoji": False}},
        _context(_meta(report)),
    ]
    if note:
        head.append(_context(escape(clip(note, 1000))))
    present = [(key, heading_of, item, report.get(key) or []) for key, heading_of, item in SECTIONS]
    present = [p for p in present if p[3]]
    if not present:
        return fallback, head + [_section(escape(_nothing(report)))]
    if not report.get("compared_with") and "compared_with" in report:
        head.append(_context("No earlier coverage of this story was found here, so every claim is new."))

    shown = {key: min(len(items), SHOWN[key]) for key, _, _, items in present}
    while True:
        blocks = list(head)
        for key, heading_of, item, items in present:
            lines = [heading_of(report, items)] + [item(x) for x in items[: shown[key]]]
            if len(items) > shown[key]:
                lines.append(MORE.format(n=len(items) - shown[key]))
            blocks.append({"type": "divider"})
            blocks.extend(_section(t) for t in pack(lines))
        if len(blocks) <= MAX_BLOCKS and block_chars(blocks) <= MESSAGE_CHARS:
            return fallback, blocks
        # over budget: show one item fewer of the longest list still showing more than one
        key = max((k for k in shown if shown[k] > 1), key=lambda k: shown[k], default=None)
        if key is None:
            return fallback, blocks[:MAX_BLOCKS]
        shown[key] -= 1

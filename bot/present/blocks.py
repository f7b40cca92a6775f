"""The analysis report in Slack: a thread reply that leads with the finding, and the modal behind
its **Full report** button.

`render_report(report)` takes the JSON report (`Report.to_dict()`, see INTERFACE.md; sources may
carry `shared`, see copydesk.bot.present.cite) and returns `(text, blocks)` within Slack's limits
(../shared/slack/NOTES.md): at most 50 blocks, section text 3,000 characters, fields 2,000, header
150, context elements 10, all text together well under `msg_blocks_too_long`. The reply:

    Seen before: <first shared, linked> in #channel by @who on <date>   (an article seen before)
    header (the title) · context (outlet, date, words, how many earlier articles)
    one summary line: "62% copied from Reuters, 2 contradictions, 5 new claims"
    Contradicted — each with both versions side by side (fields) and its sources
    Copied — each passage with its source and similarity
    New, then Corroborated — the claims that matter most first (figures, named sources, the lead)
    Shared quotes
    [Full report] — a button (action FULL_REPORT_ACTION) whose value names the stored report

Each section shows a few items and ends with "…and N more" when there are more; the modal
(`render_modal`, for `views.open`) holds everything, within a view's 100 blocks. Article text is
escaped (`&`, `<`, `>`) so that it can never form Slack markup (a fake link, a mention).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from copydesk.bot.present.cite import source_name, source_ref
from copydesk.bot.present.limits import (
    CONTEXT_ELEMENTS,
    FALLBACK_CHARS,
    FIELD_CHARS,
    HEADER_CHARS,
    MAX_BLOCKS,
    MESSAGE_CHARS,
    MODAL_BLOCKS,
    MODAL_CHARS,
    MORE,
    SECTION_CHARS,
    block_chars,
    clip,
)
from copydesk.bot.present.slacktext import escape, link

QUOTE_CHARS = 400  # one quoted passage
FULL_REPORT_ACTION = "copydesk_full_report"
MODAL_TITLE = "Full report"  # a view's title: at most 24 characters

# How many items of each section a reply shows at most (the budget may trim further); the modal shows all.
SHOWN = {"contradictions": 3, "copied": 3, "new": 5, "corroborated": 3, "shared_quotes": 2}
DEFAULT_TITLE = "Coverage check"
_QUOTE_MARKS = '“”"'
_FIGURE_RE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|dozen|half|third|quarter)\b",
    re.IGNORECASE,
)
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "officials", "sources"})


# ---------------------------------------------------------------- small pieces
def quoted(text: str, limit: int = QUOTE_CHARS) -> str:
    """Article text as a quotation inside mrkdwn: clipped, escaped, in curly quotes."""
    inner = clip(text.strip().strip(_QUOTE_MARKS), limit)
    return f"“{escape(inner)}”"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


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


def _slack_date(iso: str | None) -> str:
    """A moment as Slack's date markup (shown in each reader's own zone), with a UTC fallback."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return escape(iso[:16])
    if moment.tzinfo is None:
        return escape(moment.date().isoformat())
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC") if moment.utcoffset().total_seconds() == 0 else iso[:16]
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{escape(fallback)}>"


# ---------------------------------------------------------------- what matters most
def importance(item: dict, report: dict) -> tuple:
    """Sort key of a new or corroborated claim, most important first: a figure weighs most, then
    a named source it is attributed to, then being in the article's lead (its first two claims);
    ties keep article order."""
    text = item.get("text") or ""
    score = 0
    if _FIGURE_RE.search(text):
        score += 3
    start, end = item.get("start", 0), item.get("end", 0)
    for att in report.get("attributions") or []:
        speaker = (att.get("speaker") or "").strip()
        if att.get("start", 0) < end and start < att.get("end", 0) and speaker and speaker.lower() not in _PRONOUNS:
            score += 2
            break
    starts = sorted(c.get("start", 0) for c in report.get("claims") or [])
    if start in starts[:2] or (not starts and start == 0):
        score += 1
    return (-score, start)


def ranked(items: list[dict], report: dict) -> list[dict]:
    return sorted(items, key=lambda item: importance(item, report))


# ---------------------------------------------------------------- the items
def _others(sources: list[dict]) -> str:
    if len(sources) <= 1:
        return ""
    extra = len(sources) - 4
    return "also " + ", ".join(source_ref(s) for s in sources[1:4]) + (f" and {extra} more" if extra > 0 else "")


def _contradiction_blocks(c: dict) -> list[dict]:
    """Both versions side by side (two fields), then the kind, the explanation and other sources."""
    sources = c.get("sources") or [c["source"]]
    here = f"*Here:*\n{quoted(c['text'])}"
    there = f"*Earlier, {source_ref(sources[0])}:*\n{quoted(c.get('other_text') or '')}"
    notes = [f"`{escape(c.get('kind') or 'other')}` _{escape(clip(c.get('explanation') or '', 600))}_"]
    if len(sources) > 1:
        notes.append(_others(sources))
    return [
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": clip_field(here)}, {"type": "mrkdwn", "text": clip_field(there)}],
        },
        _context(*notes),
    ]


def clip_field(text: str) -> str:
    return text if len(text) <= FIELD_CHARS else text[: FIELD_CHARS - 1] + "…"


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


Section = tuple[str, Callable[[dict, list[dict]], str], Callable[[dict], str] | None]
SECTIONS: tuple[Section, ...] = (
    ("contradictions", lambda r, xs: f"*Contradicted* — told differently elsewhere ({len(xs)})", None),
    ("copied", _copied_heading, _copied),
    ("new", lambda r, xs: f"*New* — not in earlier coverage ({len(xs)})", _new),
    ("corroborated", lambda r, xs: f"*Corroborated* — earlier coverage says the same ({len(xs)})", _corroborated),
    (
        "shared_quotes",
        lambda r, xs: f"*Shared quotes* — same speaker, same words: not copying ({len(xs)})",
        _shared_quote,
    ),
)


# ---------------------------------------------------------------- the lines
def _copied_from(report: dict) -> str | None:
    copied = report.get("copied") or []
    if not copied:
        return None
    words: dict[str, int] = {}
    for c in copied:
        name = source_name(c["source"])
        words[name] = words.get(name, 0) + len(c["text"].split())
    top = max(words, key=lambda k: words[k])
    share = f"{(report.get('copied_share') or 0) * 100:.0f}% copied"
    return f"{share} from {top}" if len(words) == 1 else f"{share} (mostly from {top})"


def summary(report: dict) -> str:
    """One plain line: what the report found, the most pressing first."""
    parts = [p for p in [_copied_from(report)] if p]
    for key, word in (
        ("contradictions", "contradiction"),
        ("new", "new claim"),
        ("corroborated", "corroborated claim"),
        ("shared_quotes", "shared quote"),
    ):
        n = len(report.get(key) or [])
        if n:
            parts.append(_plural(n, word))
    return ", ".join(parts) if parts else "nothing to report"


def seen_before_line(report: dict) -> str | None:
    """mrkdwn: "Seen before: first shared in #desk by @maren on <date>", linked to that message
    (else to the article's URL), or None when the article is new to the archive."""
    src = report.get("seen_before")
    if not src:
        return None
    shared = src.get("shared") or {}
    if shared.get("channel_id"):
        where = link(shared.get("permalink") or src.get("url"), "first shared")
        line = f"*Seen before:* {where} in <#{escape(shared['channel_id'])}>"
        if shared.get("user_id"):
            line += f" by <@{escape(shared['user_id'])}>"
        if shared.get("at"):
            line += f" on {_slack_date(shared['at'])}"
        if src.get("outlet") or src.get("url"):
            line += f" ({source_ref({**src, 'shared': None})})"
        return line + ". Compared below with the rest of the coverage."
    return f"*Seen before:* {source_ref(src)} is already in the archive. Compared below with the rest of the coverage."


def seen_before_text(report: dict) -> str | None:
    """The same in plain words for the text fallback."""
    src = report.get("seen_before")
    if not src:
        return None
    shared = src.get("shared") or {}
    if shared.get("channel_id"):
        when = f" on {shared['at'][:10]}" if shared.get("at") else ""
        return f"Seen before: first shared in <#{shared['channel_id']}>{when}."
    return f"Seen before: {source_name(src)} is already in the archive."


def _meta(report: dict) -> str:
    art = report.get("article") or {}
    bits = [
        link(art.get("url"), art["outlet"]) if art.get("outlet") else "outlet unknown",
        escape((art.get("published") or "")[:10]) or None,
        _plural(int(art.get("words") or 0), "word"),
    ]
    if "compared_with" in report:
        bits.append(f"compared with {_plural(int(report['compared_with']), 'earlier article')}")
    return " · ".join(b for b in bits if b)


def _nothing(report: dict) -> str:
    if not report.get("claims"):
        return (
            "Nothing to report: I found no checkable claims in this article (facts, figures or quotes), "
            "and nothing in it repeats earlier coverage."
        )
    return "Nothing to report: nothing in this article repeats, contradicts or adds to earlier coverage."


def _items(report: dict, key: str) -> list[dict]:
    items = report.get(key) or []
    return ranked(items, report) if key in ("new", "corroborated") else items


def heading(report: dict, title: str | None) -> str:
    """The header: the title given, else the article's, else its URL, else its opening words."""
    art = report.get("article") or {}
    opening = clip((report.get("text") or "").strip().split("\n", 1)[0], 90)
    return clip(title or art.get("title") or art.get("url") or opening or DEFAULT_TITLE, HEADER_CHARS)


def _body(
    report: dict,
    *,
    title: str | None,
    note: str | None,
    caps: dict[str, int] | None,
    max_blocks: int,
    max_chars: int,
    tail: list[dict],
) -> list[dict]:
    """The blocks of a reply (`caps`: items shown per section) or of the modal (`caps` None:
    everything), trimmed to `max_blocks` and `max_chars` by showing fewer items of the longest
    sections, each then ending with "…and N more"."""
    head: list[dict] = []
    seen = seen_before_line(report)
    if seen:
        head.append(_section(seen))
    head += [
        {"type": "header", "text": {"type": "plain_text", "text": heading(report, title), "emoji": False}},
        _context(_meta(report)),
    ]
    if note:
        head.append(_context(escape(clip(note, 1000))))
    present = [(key, heading_of, item, _items(report, key)) for key, heading_of, item in SECTIONS]
    present = [p for p in present if p[3]]
    if not present:
        return head + [_section(escape(_nothing(report)))] + tail
    head.append(_section(f"*{escape(summary(report))}*"))
    if not report.get("compared_with") and "compared_with" in report:
        head.append(_context("No earlier coverage of this story was found here, so every claim is new."))

    shown = {key: len(items) if caps is None else min(len(items), caps[key]) for key, _, _, items in present}
    while True:
        blocks = list(head)
        for key, heading_of, item, items in present:
            more = len(items) - shown[key]
            blocks.append({"type": "divider"})
            if item is None:  # contradictions: blocks of their own
                blocks.append(_section(heading_of(report, items)))
                for c in items[: shown[key]]:
                    blocks.extend(_contradiction_blocks(c))
                if more:
                    blocks.append(_context(MORE.format(n=more)))
            else:
                lines = [heading_of(report, items)] + [item(x) for x in items[: shown[key]]]
                if more:
                    lines.append(MORE.format(n=more))
                blocks.extend(_section(t) for t in pack(lines))
        blocks += tail
        if len(blocks) <= max_blocks and block_chars(blocks) <= max_chars:
            return blocks
        # over budget: show one item fewer of the longest list still showing more than one
        key = max((k for k in shown if shown[k] > 1), key=lambda k: shown[k], default=None)
        if key is None:
            return blocks[: max_blocks - len(tail)] + tail
        shown[key] -= 1


def full_report_button(value: str) -> dict:
    return {
        "type": "actions",
        "block_id": "copydesk_report",
        "elements": [
            {
                "type": "button",
                "action_id": FULL_REPORT_ACTION,
                "value": value,
                "text": {"type": "plain_text", "text": "Full report", "emoji": False},
            }
        ],
    }


# ---------------------------------------------------------------- the reply and the modal
def render_report(
    report: dict, *, title: str | None = None, note: str | None = None, full_report: str | None = None
) -> tuple[str, list[dict]]:
    """(text fallback, blocks) for a reply, within a message's limits. `title` replaces the
    article's title in the header; `note` (plain text) is shown under it (e.g. which link of
    several was read); `full_report`, the key of the stored report, adds the Full report button."""
    fallback = f"{heading(report, title)}: {summary(report)}."
    seen = seen_before_text(report)
    if seen:
        fallback = f"{seen} {fallback}"
    tail = [full_report_button(full_report)] if full_report else []
    blocks = _body(
        report, title=title, note=note, caps=SHOWN, max_blocks=MAX_BLOCKS, max_chars=MESSAGE_CHARS, tail=tail
    )
    return clip(fallback, FALLBACK_CHARS), blocks


def render_modal(report: dict | None, *, title: str | None = None) -> dict:
    """The Full report as a modal view (for `views.open`): every section in full, within a
    view's limits; a short note when the report is no longer kept."""
    if report is None:
        blocks = [
            _section(
                "This report is no longer available: ask again with `/compare` or the "
                "*Check coverage* message shortcut."
            )
        ]
    else:
        blocks = _body(
            report, title=title, note=None, caps=None, max_blocks=MODAL_BLOCKS, max_chars=MODAL_CHARS, tail=[]
        )
    return {
        "type": "modal",
        "callback_id": "copydesk_full_report_view",
        "title": {"type": "plain_text", "text": MODAL_TITLE},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": blocks,
    }

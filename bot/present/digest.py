"""The daily digest (built by copydesk.bot.analysis.digest) as one Slack message within Slack's
limits, with a plain-text fallback (`slack_message`), and for a terminal (`print_digest`)."""

from __future__ import annotations

from datetime import date

from rich.console import Console
from rich.markup import escape as rich_escape
from rich.rule import Rule

from copydesk.bot.analysis.digest import MAX_ANALYSED, Day, resolve_zone
from copydesk.bot.present.cite import source_label, source_ref
from copydesk.bot.present.limits import (
    DIGEST_FALLBACK_CHARS,
    HEADER_CHARS,
    MAX_BLOCKS,
    MESSAGE_CHARS,
    SECTION_CHARS,
    block_chars,
    clip,
)
from copydesk.bot.present.slacktext import escape

SLACK_ITEMS = 3  # contradictions and new claims shown per story in Slack


# ---------------------------------------------------------------- shared wording
def _day(digest: dict) -> Day:
    return Day(date.fromisoformat(digest["date"]), resolve_zone(digest["tz"]))


def _label(src: dict | None) -> str:
    return source_label(src, date=False)


def _ref(src: dict | None) -> str:
    return source_ref(src, date=False)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _plural_story(n: int) -> str:
    return f"{n} stor{'y' if n == 1 else 'ies'}"


def summary_line(digest: dict) -> str:
    """One line: the day and what it held (the whole message on a day without articles)."""
    day = _day(digest).label()
    if not digest["articles"]:
        if not digest["team_id"] and not digest["channel_id"]:
            return f"Coverage digest for {day}: no articles were archived that day."
        return f"Coverage digest for {day}: no articles were seen in this channel or the workspace's public channels."
    return (
        f"Coverage digest for {day}: {_plural(digest['articles'], 'article')} from "
        f"{_plural(digest['outlets'], 'outlet')} in {_plural_story(len(digest['stories']))}."
    )


def _coverage_line(story: dict, day: Day) -> str:
    first = story["first"]
    return (
        f"{_plural(len(story['outlets']), 'outlet')}, {_plural(story['articles'], 'article')}; "
        f"first: {_label(first)} at {day.clock(first['at'])}"
    )


def _copied_line(story: dict) -> str | None:
    top = story["most_copied"]
    if not top:
        return None
    return (
        f"{story['copied_share'] * 100:.0f}% of the day's text copied; most from {_label(top)} "
        f"({top['share'] * 100:.0f}%, in {_plural(top['articles'], 'article')})"
    )


def _not_analysed(story: dict) -> str | None:
    missing = story["articles"] - story["analysed"]
    if not missing:
        return None
    return (
        f"{_plural(missing, 'article')} not analysed (a digest analyses at most {MAX_ANALYSED} articles "
        f"archived without an analysis, the most widely covered stories' first)"
    )


# ---------------------------------------------------------------- Slack
def _fit(lines: list[str], limit: int, more: str) -> str:
    """Join lines, dropping from the end (with `more` naming how many) to stay within `limit`."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    for keep in range(len(lines) - 1, 0, -1):
        text = "\n".join(lines[:keep]) + "\n" + more.format(n=len(lines) - keep)
        if len(text) <= limit:
            return text
    return clip(lines[0], limit)


def _story_blocks(i: int, story: dict, day: Day) -> list[dict]:
    later = " · ".join(f"{day.clock(e['at'])} {_ref(e)}" for e in story["timeline"][:8])
    head = [f"*{i}. {escape(clip(story['title'], 200))}*", escape(_coverage_line(story, day))]
    if later:
        head.append(f"_That day:_ {later}" + (" · …" if story["articles"] > 8 else ""))
    blocks = [
        {"type": "divider"},
        {"type": "section", "text": {"type": "mrkdwn", "text": _fit(head, SECTION_CHARS, "…and {n} more")}},
    ]
    lines: list[str] = []
    copied = _copied_line(story)
    if copied:
        lines.append(f"*Copied:* {escape(copied)}")
    if story["contradictions"]:
        lines.append(f"*Contradicted ({story['counts']['contradictions']}):*")
        for c in story["contradictions"][:SLACK_ITEMS]:
            lines.append(
                f"• _{c['kind']}_ {_ref(c['article'])}: “{escape(clip(c['text'], 220))}”\n"
                f"   {_ref(c['source'])}: “{escape(clip(c['other_text'], 220))}”"
            )
        if story["counts"]["contradictions"] > SLACK_ITEMS:
            lines.append(f"…and {story['counts']['contradictions'] - SLACK_ITEMS} more")
    if story["new"]:
        lines.append(f"*New that day ({story['counts']['new']}):*")
        for n in story["new"][:SLACK_ITEMS]:
            lines.append(f"• {escape(clip(n['text'], 220))} ({_ref(n['article'])})")
        if story["counts"]["new"] > SLACK_ITEMS:
            lines.append(f"…and {story['counts']['new'] - SLACK_ITEMS} more")
    note = _not_analysed(story)
    if note:
        lines.append(f"_{escape(note)}_")
    if lines:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _fit(lines, SECTION_CHARS, "…and {n} more")}}
        )
    return blocks


def slack_message(digest: dict) -> tuple[str, list[dict]]:
    """(text fallback, blocks): the digest as one Slack message within Slack's limits, the least
    covered stories left out with "…and N more stories" when it would not fit."""
    day = _day(digest)
    summary = summary_line(digest)
    if not digest["articles"]:
        return summary, [{"type": "section", "text": {"type": "mrkdwn", "text": escape(summary)}}]
    blocks: list[dict] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": clip(f"Coverage digest · {day.label()}", HEADER_CHARS)},
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": escape(
                        f"{_plural(digest['articles'], 'article')} from {_plural(digest['outlets'], 'outlet')} in "
                        f"{_plural_story(len(digest['stories']))} · {digest['tz']}"
                    ),
                }
            ],
        },
    ]
    shown = 0
    for i, story in enumerate(digest["stories"], 1):
        more = _story_blocks(i, story, day)
        if len(blocks) + len(more) > MAX_BLOCKS - 1 or block_chars(blocks) + block_chars(more) > MESSAGE_CHARS:
            break
        blocks.extend(more)
        shown += 1
    rest = len(digest["stories"]) - shown
    if rest:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"…and {rest} more {'story' if rest == 1 else 'stories'}"}],
            }
        )
    lines = [summary] + [
        f"{i}. {clip(s['title'], 150)} ({_plural(len(s['outlets']), 'outlet')}, {_plural(s['articles'], 'article')})"
        for i, s in enumerate(digest["stories"], 1)
    ]
    return _fit(lines, DIGEST_FALLBACK_CHARS, "…and {n} more stories"), blocks


# ---------------------------------------------------------------- terminal
def print_digest(digest: dict, console: Console) -> None:
    day = _day(digest)
    console.print(Rule(f"[bold]Coverage digest[/bold] · {rich_escape(day.label())} ({rich_escape(digest['tz'])})"))
    console.print(rich_escape(summary_line(digest)))
    for i, story in enumerate(digest["stories"], 1):
        console.print(f"\n[bold]{i}. {rich_escape(story['title'])}[/bold]")
        console.print(f"   {rich_escape(_coverage_line(story, day))}")
        if story["timeline"]:
            console.print(
                "   [dim]that day:[/dim] "
                + rich_escape(" · ".join(f"{day.clock(e['at'])} {_label(e)}" for e in story["timeline"]))
            )
        copied = _copied_line(story)
        if copied:
            console.print(f"   [bold yellow]Copied[/bold yellow]: {rich_escape(copied)}")
        if story["contradictions"]:
            console.print(f"   [bold red]Contradicted ({story['counts']['contradictions']})[/bold red]")
            for c in story["contradictions"]:
                console.print(
                    f"     • {rich_escape('[' + c['kind'] + ']')} {rich_escape(_label(c['article']))}: "
                    f"“{rich_escape(clip(c['text'], 240))}”\n"
                    f"       {rich_escape(_label(c['source']))}: “{rich_escape(clip(c['other_text'], 240))}”"
                )
        if story["new"]:
            console.print(f"   [bold green]New that day ({story['counts']['new']})[/bold green]")
            for n in story["new"]:
                console.print(
                    f"     • {rich_escape(clip(n['text'], 240))} [dim]({rich_escape(_label(n['article']))})[/dim]"
                )
        for key, shown in (("contradictions", len(story["contradictions"])), ("new", len(story["new"]))):
            if story["counts"][key] > shown:
                console.print(
                    f"     …and {story['counts'][key] - shown} more {'contradictions' if key == 'contradictions' else 'new claims'}"
                )
        note = _not_analysed(story)
        if note:
            console.print(f"   [dim]{rich_escape(note)}[/dim]")
    console.print()

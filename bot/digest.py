"""The daily coverage digest: a day's stories, ranked by how widely they were covered.

A digest is built for a day in a time zone and for a scope. For a Slack channel it covers the
articles seen that day in that channel and in the public channels of its workspace (a private
channel's articles appear only in that channel's digest, never another workspace's); for the
command line it covers the CLI scope (workspace "", every article the CLI archived). For each story:
how many outlets and articles had it that day, who had it first, the most copied source and the
share of copied text, the contradictions found that day (both versions) and the claims that were
new that day.

The per-article facts come from the cached analysis reports (`Analyzer.report_for`): every
article that has one is summarised. A missing report (an article archived by `copydesk ingest`,
which does not analyse) is computed once and cached, but only for the first MAX_ANALYSED articles
in digest order (the most widely covered stories first): a cold report costs about a second on a
large archive, so one digest's work stays bounded, and the same archive gives the same digest
every time. Other articles without a report are counted but not analysed.

`build_digest` returns the JSON-ready dict (its shape is `Digest` below); `slack_message` renders it
as Block Kit within Slack's limits with a plain-text fallback; `print_digest` renders it for a
terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.console import Console
from rich.markup import escape as rich_escape
from rich.rule import Rule

from copydesk.storage.archive import Archive, utcnow

from . import stories as storiesmod
from .blocks import clip
from .errors import BadInput, CopydeskError
from .model import Article, Scope
from .slacktext import escape, link
from .text import normalize, word_count

if TYPE_CHECKING:
    from .analysis import Analyzer

MAX_ANALYSED = 50  # the first articles (in digest order) whose missing reports a digest computes
MAX_ITEMS = 10  # contradictions and new claims listed per story
MAX_TIMELINE = 20  # the day's articles listed per story

# Slack's limits (see ../shared/slack/NOTES.md) and the budget kept below them.
SLACK_MAX_BLOCKS = 50
SLACK_SECTION_CHARS = 3000
SLACK_HEADER_CHARS = 150
SLACK_MESSAGE_CHARS = 12_000  # all blocks' text together, well under msg_blocks_too_long
SLACK_FALLBACK_CHARS = 3000
SLACK_ITEMS = 3  # contradictions and new claims shown per story in Slack


# ---------------------------------------------------------------- days and zones
def resolve_zone(name: str | None) -> ZoneInfo:
    """The named IANA zone, else the machine's. Raises BadInput for an unknown name."""
    if name:
        try:
            return ZoneInfo(name.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise BadInput(f"unknown time zone {name!r} (give an IANA name such as Europe/London)") from None
    import tzlocal  # APScheduler's own dependency, used for its default zone too

    zone = tzlocal.get_localzone()
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))


def zone_name(tz: ZoneInfo) -> str:
    return getattr(tz, "key", None) or str(tz)


def parse_day(value: str) -> date:
    """A YYYY-MM-DD date. Raises BadInput with a one-line reason."""
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--date {value!r} is not a date of the form YYYY-MM-DD") from None


def today(tz: ZoneInfo) -> date:
    return datetime.now(tz).date()


@dataclass(frozen=True)
class Day:
    """A calendar day in a zone, as the UTC bounds [start, end) the archive's timestamps use."""

    day: date
    tz: ZoneInfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.day, time(0), self.tz)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.day + timedelta(days=1), time(0), self.tz)

    def bounds(self) -> tuple[str, str]:
        return storiesmod.iso(self.start), storiesmod.iso(self.end)

    def label(self) -> str:
        d = self.day
        return f"{d:%A} {d.day} {d:%B %Y}"

    def clock(self, at: str) -> str:
        """A UTC ISO time as this zone's clock: "09:40", or "Fri 13 Mar 18:30" on another day."""
        local = datetime.fromisoformat(at).astimezone(self.tz)
        return f"{local:%H:%M}" if local.date() == self.day else f"{local:%a} {local.day} {local:%b %H:%M}"


# ---------------------------------------------------------------- building
def build_digest(archive: Archive, analyzer: Analyzer, scope: Scope, day: date, tz: ZoneInfo) -> dict:
    """The digest of `day` (in `tz`) for `scope`, as a JSON-ready dict:

        {"date": "YYYY-MM-DD", "tz": str, "team_id": str, "channel_id": str, "generated_at": str,
         "articles": int, "outlets": int,
         "stories": [STORY, ...]}                     # most widely covered first
        STORY = {"story_id": int, "title": str,
                 "articles": int,                     # the story's articles seen that day
                 "outlets": [str],                    # their outlets, in order of appearance
                 "first": ENTRY,                      # who had the story first (possibly an earlier day)
                 "timeline": [ENTRY],                 # that day's articles, earliest first (at most 20)
                 "analysed": int,                     # how many of that day's articles were analysed
                 "copied_share": 0..1,                # share of their words inside copied passages
                 "most_copied": null | SOURCE + {"words": int, "share": 0..1, "articles": int},
                 "contradictions": [{"kind", "text", "other_text", "explanation",
                                     "article": SOURCE, "source": SOURCE}],   # at most 10
                 "new": [{"text", "article": SOURCE}],                         # at most 10
                 "counts": {"contradictions": int, "new": int}}
        ENTRY = SOURCE + {"at": UTC ISO time}
        SOURCE = {"article_id", "outlet", "url", "title", "published"} (as in the analysis report)

    `analyzer` provides `report_for(article_id)`; it is not touched on a day without articles."""
    period = Day(day, tz)
    start, end = period.bounds()
    seen = archive.articles_seen(scope, start, end)
    story_of = storiesmod.ensure_stories(archive, [a.id for a in seen])
    views = storiesmod.stories(archive, set(story_of.values()), scope)
    times = {e.article_id: e for v in views.values() for e in v.entries}
    seen = [a for a in seen if a.id in times]  # not one deleted meanwhile
    members: dict[int, list[Article]] = {}
    for article in seen:
        members.setdefault(story_of[article.id], []).append(article)
    for arts in members.values():
        arts.sort(key=lambda a: (times[a.id].at, a.id))

    def rank(sid: int) -> tuple:
        arts = members[sid]
        return (-len({times[a.id].outlet_key for a in arts}), -len(arts), times[arts[0].id].at, sid)

    ranked = sorted(members, key=rank)
    version = analyzer.version if seen else ""
    position = 0
    out_stories = []
    for sid in ranked:
        reports: list[tuple[Article, dict]] = []
        for article in members[sid]:
            if position < MAX_ANALYSED:
                report = analyzer.report_for(article.id)  # cached, else computed and cached
            else:
                report = archive.get_report(article.id, version)
            position += 1
            if report is not None:
                reports.append((article, report))
        out_stories.append(_story(views[sid], members[sid], times, reports))
    return {
        "date": day.isoformat(),
        "tz": zone_name(tz),
        "team_id": scope.team_id,
        "channel_id": scope.channel_id,
        "generated_at": utcnow(),
        "articles": len(seen),
        "outlets": len({times[a.id].outlet_key for a in seen}),
        "stories": out_stories,
    }


def _story(view: storiesmod.Story, arts: list[Article], times: dict[int, storiesmod.Entry],
           reports: list[tuple[Article, dict]]) -> dict:
    """One story's entry. Contradictions count when the other version belongs to the same story
    (a "contradiction" with another event's coverage is a different fact); new claims are listed
    taking each article's in turn, so that every outlet's addition shows, not only the opener's."""
    in_story = {str(e.article_id) for e in view.entries}
    words = sum(a.words for a, _ in reports)
    copied_words = 0
    by_source: dict[str, dict[str, Any]] = {}
    contradictions: dict[tuple[str, str], dict] = {}
    new_by_article: list[list[dict]] = []
    for article, report in reports:
        here = article.source()
        for c in report.get("copied", []):
            n = word_count(c["text"])
            copied_words += n
            src = c["source"]
            entry = by_source.setdefault(src["article_id"], {"source": src, "words": 0, "articles": set()})
            entry["words"] += n
            entry["articles"].add(article.id)
        for c in report.get("contradictions", []):
            if not in_story & {s["article_id"] for s in c.get("sources") or [c["source"]]}:
                continue
            key = (normalize(c["text"]), normalize(c["other_text"]))
            contradictions.setdefault(key, {
                "kind": c["kind"], "text": c["text"], "other_text": c["other_text"],
                "explanation": c["explanation"], "article": here, "source": c["source"],
            })
        new_by_article.append([{"text": n["text"], "article": here} for n in report.get("new", [])])
    new: dict[str, dict] = {}
    for rank in range(max((len(x) for x in new_by_article), default=0)):
        for items in new_by_article:
            if rank < len(items):
                new.setdefault(normalize(items[rank]["text"]), items[rank])
    most_copied = None
    if by_source:
        top = max(by_source.values(), key=lambda e: (e["words"], len(e["articles"])))
        most_copied = {**top["source"], "words": top["words"],
                       "share": round(top["words"] / max(1, words), 4), "articles": len(top["articles"])}
    return {
        "story_id": view.id,
        "title": view.title,
        "articles": len(arts),
        "outlets": list(dict.fromkeys(times[a.id].outlet_key for a in arts)),
        "first": view.first.source(),
        "timeline": [times[a.id].source() for a in arts[:MAX_TIMELINE]],
        "analysed": len(reports),
        "copied_share": round(min(1.0, copied_words / max(1, words)), 4),
        "most_copied": most_copied,
        "contradictions": list(contradictions.values())[:MAX_ITEMS],
        "new": list(new.values())[:MAX_ITEMS],
        "counts": {"contradictions": len(contradictions), "new": len(new)},
    }


# ---------------------------------------------------------------- shared wording
def _day(digest: dict) -> Day:
    return Day(date.fromisoformat(digest["date"]), resolve_zone(digest["tz"]))


def _label(src: dict | None) -> str:
    if not src:
        return "an earlier article"
    return src.get("outlet") or src.get("title") or f"article {src.get('article_id')}"


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
    return (f"Coverage digest for {day}: {_plural(digest['articles'], 'article')} from "
            f"{_plural(digest['outlets'], 'outlet')} in {_plural_story(len(digest['stories']))}.")


def _coverage_line(story: dict, day: Day) -> str:
    first = story["first"]
    return (f"{_plural(len(story['outlets']), 'outlet')}, {_plural(story['articles'], 'article')}; "
            f"first: {_label(first)} at {day.clock(first['at'])}")


def _copied_line(story: dict) -> str | None:
    top = story["most_copied"]
    if not top:
        return None
    return (f"{story['copied_share'] * 100:.0f}% of the day's text copied; most from {_label(top)} "
            f"({top['share'] * 100:.0f}%, in {_plural(top['articles'], 'article')})")


def _not_analysed(story: dict) -> str | None:
    missing = story["articles"] - story["analysed"]
    if not missing:
        return None
    return (f"{_plural(missing, 'article')} not analysed (a digest analyses at most {MAX_ANALYSED} articles "
            f"archived without an analysis, the most widely covered stories' first)")


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
    later = " · ".join(f"{day.clock(e['at'])} {link(e.get('url'), _label(e))}" for e in story["timeline"][:8])
    head = [f"*{i}. {escape(clip(story['title'], 200))}*", escape(_coverage_line(story, day))]
    if later:
        head.append(f"_That day:_ {later}" + (" · …" if story["articles"] > 8 else ""))
    blocks = [{"type": "divider"},
              {"type": "section", "text": {"type": "mrkdwn", "text": _fit(head, SLACK_SECTION_CHARS, "…and {n} more")}}]
    lines: list[str] = []
    copied = _copied_line(story)
    if copied:
        lines.append(f"*Copied:* {escape(copied)}")
    if story["contradictions"]:
        lines.append(f"*Contradicted ({story['counts']['contradictions']}):*")
        for c in story["contradictions"][:SLACK_ITEMS]:
            lines.append(f"• _{c['kind']}_ {escape(_label(c['article']))}: “{escape(clip(c['text'], 220))}”\n"
                         f"   {escape(_label(c['source']))}: “{escape(clip(c['other_text'], 220))}”")
        if story["counts"]["contradictions"] > SLACK_ITEMS:
            lines.append(f"…and {story['counts']['contradictions'] - SLACK_ITEMS} more")
    if story["new"]:
        lines.append(f"*New that day ({story['counts']['new']}):*")
        for n in story["new"][:SLACK_ITEMS]:
            lines.append(f"• {escape(clip(n['text'], 220))} ({escape(_label(n['article']))})")
        if story["counts"]["new"] > SLACK_ITEMS:
            lines.append(f"…and {story['counts']['new'] - SLACK_ITEMS} more")
    note = _not_analysed(story)
    if note:
        lines.append(f"_{escape(note)}_")
    if lines:
        blocks.append({"type": "section",
                       "text": {"type": "mrkdwn", "text": _fit(lines, SLACK_SECTION_CHARS, "…and {n} more")}})
    return blocks


def _block_chars(blocks: list[dict]) -> int:
    return sum(len(b.get("text", {}).get("text", "")) + sum(len(e.get("text", "")) for e in b.get("elements", []))
               for b in blocks)


def slack_message(digest: dict) -> tuple[str, list[dict]]:
    """(text fallback, blocks): the digest as one Slack message within Slack's limits, the least
    covered stories left out with "…and N more stories" when it would not fit."""
    day = _day(digest)
    summary = summary_line(digest)
    if not digest["articles"]:
        return summary, [{"type": "section", "text": {"type": "mrkdwn", "text": escape(summary)}}]
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(f"Coverage digest · {day.label()}", SLACK_HEADER_CHARS)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(
            f"{_plural(digest['articles'], 'article')} from {_plural(digest['outlets'], 'outlet')} in "
            f"{_plural_story(len(digest['stories']))} · {digest['tz']}")}]},
    ]
    shown = 0
    for i, story in enumerate(digest["stories"], 1):
        more = _story_blocks(i, story, day)
        if (len(blocks) + len(more) > SLACK_MAX_BLOCKS - 1
                or _block_chars(blocks) + _block_chars(more) > SLACK_MESSAGE_CHARS):
            break
        blocks.extend(more)
        shown += 1
    rest = len(digest["stories"]) - shown
    if rest:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"…and {rest} more {'story' if rest == 1 else 'stories'}"}]})
    lines = [summary] + [f"{i}. {clip(s['title'], 150)} ({_plural(len(s['outlets']), 'outlet')}, "
                         f"{_plural(s['articles'], 'article')})" for i, s in enumerate(digest["stories"], 1)]
    return _fit(lines, SLACK_FALLBACK_CHARS, "…and {n} more stories"), blocks


def slack_client(settings):
    """A Slack Web API client with the bot token, for posting outside the Slack app (the CLI's
    --post): COPYDESK_SLACK_API_URL as its base URL, and 429s retried after Retry-After."""
    from .app import web_client

    return web_client(settings)


def post(client, channel: str, digest: dict) -> str:
    """Post the digest to a channel with chat.postMessage; returns the message's ts. Raises
    CopydeskError with Slack's one-word reason (e.g. not_in_channel) when it is refused."""
    from slack_sdk.errors import SlackApiError

    text, blocks = slack_message(digest)
    try:
        response = client.chat_postMessage(channel=channel, text=text, blocks=blocks,
                                           unfurl_links=False, unfurl_media=False)
    except SlackApiError as exc:
        raise CopydeskError(f"Slack refused the digest for {channel}: {exc.response.get('error', 'error')}") from None
    except OSError as exc:
        raise CopydeskError(f"could not reach Slack to post the digest: {exc.__class__.__name__}") from None
    return response["ts"]


# ---------------------------------------------------------------- terminal
def print_digest(digest: dict, console: Console) -> None:
    day = _day(digest)
    console.print(Rule(f"[bold]Coverage digest[/bold] · {rich_escape(day.label())} ({rich_escape(digest['tz'])})"))
    console.print(rich_escape(summary_line(digest)))
    for i, story in enumerate(digest["stories"], 1):
        console.print(f"\n[bold]{i}. {rich_escape(story['title'])}[/bold]")
        console.print(f"   {rich_escape(_coverage_line(story, day))}")
        if story["timeline"]:
            console.print("   [dim]that day:[/dim] " + rich_escape(
                " · ".join(f"{day.clock(e['at'])} {_label(e)}" for e in story["timeline"])))
        copied = _copied_line(story)
        if copied:
            console.print(f"   [bold yellow]Copied[/bold yellow]: {rich_escape(copied)}")
        if story["contradictions"]:
            console.print(f"   [bold red]Contradicted ({story['counts']['contradictions']})[/bold red]")
            for c in story["contradictions"]:
                console.print(f"     • {rich_escape('[' + c['kind'] + ']')} {rich_escape(_label(c['article']))}: "
                              f"“{rich_escape(clip(c['text'], 240))}”\n"
                              f"       {rich_escape(_label(c['source']))}: “{rich_escape(clip(c['other_text'], 240))}”")
        if story["new"]:
            console.print(f"   [bold green]New that day ({story['counts']['new']})[/bold green]")
            for n in story["new"]:
                console.print(f"     • {rich_escape(clip(n['text'], 240))} [dim]({rich_escape(_label(n['article']))})[/dim]")
        for key, shown in (("contradictions", len(story["contradictions"])), ("new", len(story["new"]))):
            if story["counts"][key] > shown:
                console.print(f"     …and {story['counts'][key] - shown} more {'contradictions' if key == 'contradictions' else 'new claims'}")
        note = _not_analysed(story)
        if note:
            console.print(f"   [dim]{rich_escape(note)}[/dim]")
    console.print()

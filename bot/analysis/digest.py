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

from copydesk.bot.analysis import stories as storiesmod
from copydesk.bot.errors import BadInput
from copydesk.bot.language.text import normalize, word_count
from copydesk.bot.model import Article, Scope
from copydesk.storage.archive import Archive, utcnow

if TYPE_CHECKING:
    from copydesk.bot.analysis.engine import Analyzer

MAX_ANALYSED = 50  # the first articles (in digest order) whose missing reports a digest computes
MAX_ITEMS = 10  # contradictions and new claims listed per story
MAX_TIMELINE = 20  # the day's articles listed per story


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
    version = analyzer.report_version if seen else ""
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


def _story(
    view: storiesmod.Story, arts: list[Article], times: dict[int, storiesmod.Entry], reports: list[tuple[Article, dict]]
) -> dict:
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
            contradictions.setdefault(
                key,
                {
                    "kind": c["kind"],
                    "text": c["text"],
                    "other_text": c["other_text"],
                    "explanation": c["explanation"],
                    "article": here,
                    "source": c["source"],
                },
            )
        new_by_article.append([{"text": n["text"], "article": here} for n in report.get("new", [])])
    new: dict[str, dict] = {}
    for rank in range(max((len(x) for x in new_by_article), default=0)):
        for items in new_by_article:
            if rank < len(items):
                new.setdefault(normalize(items[rank]["text"]), items[rank])
    most_copied = None
    if by_source:
        top = max(by_source.values(), key=lambda e: (e["words"], len(e["articles"])))
        most_copied = {
            **top["source"],
            "words": top["words"],
            "share": round(top["words"] / max(1, words), 4),
            "articles": len(top["articles"]),
        }
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

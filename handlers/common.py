"""What the Slack listeners share: a channel's privacy, reading the article a message or command
points at, and answering in a message's thread.

Everything here except `team_of` and `is_private_type` runs in the worker pool, after Slack was
acknowledged: it may call Slack's Web API, fetch a link (up to 15 s) or run an analysis (about a
second for a long article).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copydesk.bot.reading import reader
from copydesk.bot.app.webapi import api_error
from copydesk.bot.present.blocks import heading, render_report
from copydesk.bot.errors import BadInput
from copydesk.bot.model import Article, Scope
from copydesk.bot.settings import Settings
from copydesk.bot.present.slacktext import MIN_PASTED_WORDS, ArticleRequest, escape
from copydesk.storage import settings as settingstore
from copydesk.storage.messages import Messages

if TYPE_CHECKING:
    from copydesk.bot.analysis.engine import Analyzer
    from copydesk.bot.app.workers import Workers
    from copydesk.storage.archive import Archive

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deps:
    """What the listeners share: one of each per process (built by the app factory)."""

    settings: Settings
    archive: Archive
    analyzer: Analyzer
    workers: Workers

SORRY = "Sorry, something went wrong while analysing this. Please try again in a minute."
HINT = (f"Paste an article (at least {MIN_PASTED_WORDS} words) or share a link to one, and I'll tell you "
        "in its thread what is new, copied, contradicted or corroborated compared with the coverage I've seen "
        "here. `/compare` does the same, visible only to you.")


# ---------------------------------------------------------------- where a request comes from
def team_of(body: dict, context: Any) -> str:
    """The workspace a request belongs to: the envelope's team, else what Bolt resolved."""
    return body.get("team_id") or (body.get("team") or {}).get("id") or getattr(context, "team_id", None) or ""


def first_delivery(archive, body: dict, team_id: str, channel_id: str, ts: str) -> bool:
    """Record a message event as seen, before any slow work: True only for its first delivery.
    Keyed by event_id (Slack's retries) and by team + channel + ts (the same message arriving as
    both `message` and `app_mention`)."""
    keys = [f"msg:{team_id}:{channel_id}:{ts}"]
    if body.get("event_id"):
        keys.insert(0, f"event:{body['event_id']}")
    return archive.claim_event(*keys)


def is_private_type(channel_type: str | None) -> bool | None:
    """Privacy from an event's `channel_type`: "channel" is public; "group" (a private channel),
    "im" and "mpim" are private; None when the event does not say."""
    if channel_type == "channel":
        return False
    if channel_type in ("group", "im", "mpim"):
        return True
    return None


def channel_scope(client: WebClient, team_id: str, channel_id: str, channel_type: str | None = None) -> Scope:
    """The scope of a channel: private per the event's `channel_type` when given, else per
    `conversations.info`; when Slack does not say (an error, a channel the bot cannot see) the
    channel counts as private, so nothing from it can leak elsewhere."""
    private = is_private_type(channel_type)
    if private is None:
        try:
            info = client.conversations_info(channel=channel_id).get("channel") or {}
            private = bool(info.get("is_private", True) or info.get("is_im") or info.get("is_mpim"))
        except SlackApiError as exc:
            log.info("conversations.info refused for %s (%s): treating it as private", channel_id, api_error(exc))
            private = True
        except OSError as exc:
            log.warning("conversations.info failed for %s (%s): treating it as private", channel_id,
                        exc.__class__.__name__)
            private = True
    return Scope(team_id, channel_id, private)


# ---------------------------------------------------------------- reading
def read_link(url: str, settings: Settings) -> Article:
    """The article at `url`, through the guarded fetcher. Raises BadInput with the reply to give."""
    try:
        return reader.read_url(url, allow_hosts=settings.fetch_allow_hosts)
    except reader.LinkError as exc:
        raise BadInput(f"Couldn't read that link: {exc.reason}.") from None
    except BadInput as exc:
        raise BadInput(f"Couldn't read {exc}") from None


def read_pasted(text: str) -> Article:
    """A pasted article (plain text, optionally with the `key: value` header). Raises BadInput."""
    try:
        return reader.read_text(text, "your message")
    except BadInput as exc:
        raise BadInput(f"Couldn't read {exc}") from None


def read_request(request: ArticleRequest, settings: Settings) -> Article:
    return read_link(request.link, settings) if request.link else read_pasted(request.text or "")


def links_note(request: ArticleRequest) -> str | None:
    """Which link was read, when a message held several."""
    if request.link and request.links > 1:
        return f"Your message has {request.links} article links; I read the first one: {request.link}"
    return None


# ---------------------------------------------------------------- answering
def post_in_thread(client: WebClient, channel_id: str, thread_ts: str, text: str,
                   blocks: list[dict] | None = None) -> str | None:
    """Reply in a thread; returns the reply's ts, or None when Slack refused (logged)."""
    try:
        response = client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, text=text, blocks=blocks,
                                           unfurl_links=False, unfurl_media=False)
    except SlackApiError as exc:
        log.warning("chat.postMessage to %s refused: %s", channel_id, api_error(exc))
        return None
    except OSError as exc:
        log.warning("chat.postMessage to %s failed: %s", channel_id, exc.__class__.__name__)
        return None
    return response.get("ts")


def log_failure(what: str, exc: BaseException) -> None:
    """Log a failed job by ids and the exception's type and stack, never its message (which may
    quote the article: a private channel's text must not reach the logs)."""
    import traceback

    stack = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s failed: %s\n%s", what, exc.__class__.__name__, stack.rstrip())


# ---------------------------------------------------------------- citing earlier coverage
def _sources(report: dict) -> list[dict]:
    """Every SOURCE object of a report (the dicts themselves, to be completed in place)."""
    found = [report["seen_before"]] if report.get("seen_before") else []
    for key in ("copied", "shared_quotes"):
        found += [item["source"] for item in report.get(key) or [] if item.get("source")]
    for c in report.get("contradictions") or []:
        found += [s for s in [c.get("source"), *(c.get("sources") or [])] if s]
    for c in report.get("corroborated") or []:
        found += [s for s in c.get("sources") or [] if s]
    return found


def permalink(deps: Deps, client: WebClient, team_id: str, shared: dict) -> str | None:
    """The link to a Slack message (`chat.getPermalink`, asked once and kept in the archive)."""
    if shared.get("permalink"):
        return shared["permalink"]
    try:
        link = client.chat_getPermalink(channel=shared["channel_id"], message_ts=shared["message_ts"]).get("permalink")
    except SlackApiError as exc:
        log.info("chat.getPermalink refused for %s in %s: %s", shared["message_ts"], shared["channel_id"],
                 api_error(exc))
        return None
    except OSError as exc:
        log.warning("chat.getPermalink failed for %s in %s: %s", shared["message_ts"], shared["channel_id"],
                    exc.__class__.__name__)
        return None
    if link:
        Messages(deps.archive).set_permalink(team_id, shared["channel_id"], shared["message_ts"], link)
    return link


def cite_sources(deps: Deps, client: WebClient, report: dict, scope: Scope, *, message_ts: str | None = None) -> dict:
    """Complete a report's sources for a Slack reply, in place: each archived source gets `shared`,
    the earliest message visible in `scope` that shared it (channel, who, when, and its permalink
    when the source has no URL of its own, or is the article seen before). `message_ts` is the
    message being answered: never cited as where its own article was seen before, so an article
    whose only sighting is that message is not "seen before"."""
    sources = _sources(report)
    ids = {int(s["article_id"]) for s in sources if str(s.get("article_id") or "").isdigit()}
    first = Messages(deps.archive).first_shared(ids, scope, besides=message_ts)
    seen = report.get("seen_before")
    if seen and message_ts and int(seen["article_id"]) not in first:
        own = Messages(deps.archive).first_shared([int(seen["article_id"])], scope).get(int(seen["article_id"]))
        if own and (own["channel_id"], own["message_ts"]) == (scope.channel_id, message_ts):
            report["seen_before"] = seen = None  # shared by this very message only (checked again)
    for src in sources:
        shared = first.get(int(src.get("article_id") or 0)) if str(src.get("article_id") or "").isdigit() else None
        if shared is None:
            continue
        if not src.get("url") or src is seen:
            shared["permalink"] = permalink(deps, client, scope.team_id, shared)
        src["shared"] = {k: shared[k] for k in ("channel_id", "user_id", "at", "permalink")}
    return report


def slim(report: dict, title: str | None = None) -> dict:
    """What the Full report needs of a report: not the article's whole text, but the heading the
    reply showed (`title`)."""
    return {**{k: v for k, v in report.items() if k != "text"}, "title": heading(report, title)}


def answer_in_thread(deps: Deps, client: WebClient, *, team_id: str, channel_id: str, channel_type: str | None,
                     ts: str, thread_ts: str, request: ArticleRequest, user_id: str | None = None,
                     automatic: bool = False) -> str | None:
    """The slow half of a channel message, mention or "Check coverage" shortcut: read the article,
    analyse it against the coverage visible in the channel (with the channel's settings), store it
    (so that later articles are compared with it, and a deleted message can forget it) and answer
    in the thread, citing earlier coverage by links a reader can open, with the Full report button.
    For an `automatic` answer (a message, not a mention) a linked article shorter than the
    channel's minimum article length is left alone (pasted text was measured by `request_of`).
    Returns the reply's ts, or None when Slack refused it or nothing was posted."""
    messages = Messages(deps.archive)
    try:
        article = read_request(request, deps.settings)
        tuning = settingstore.effective(deps.archive, team_id, channel_id)
        if automatic and request.link and article.words < tuning.min_article_words:
            log.info("message %s in %s: the linked article is shorter than the channel's minimum", ts, channel_id)
            return None
        scope = channel_scope(client, team_id, channel_id, channel_type)
        messages.record(team_id, channel_id, ts, user_id)
        analysed = deps.analyzer.analyze(article, scope, store=True, message_ts=ts, tuning=tuning)
        report = cite_sources(deps, client, analysed.to_dict(), scope, message_ts=ts)
        key = messages.save_reply_report(team_id, channel_id, slim(report), message_ts=ts)
        text, blocks = render_report(report, note=links_note(request), full_report=key)
        log.info("message %s in %s: article %s analysed (%d earlier, seen before: %s)", ts, channel_id,
                 report["article"]["id"], report.get("compared_with", 0),
                 (report.get("seen_before") or {}).get("article_id"))
    except BadInput as exc:
        text, blocks = escape(str(exc)), None
    except Exception as exc:
        log_failure(f"analysing message {ts} in {channel_id}", exc)
        text, blocks = SORRY, None
    return post_in_thread(client, channel_id, thread_ts, text, blocks)
